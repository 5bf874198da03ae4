/**
 * Picture in picture: the main participant over the whole canvas, one inset (about a quarter of the canvas width)
 * in a corner above it. Only two participants are ever shown.
 *
 * Choice at every moment, from those present in join order: the requested main if present, else the first present
 * who is not the requested inset; the inset is the requested inset if present (and not main), else the next
 * present. Someone alone is main, even the requested inset.
 */
import type { Canvas, Region } from './layout-types.js';
import { canvasArea } from './grid.js';
import { fitAspect, floorEven, roundEven, type Rect } from './geometry.js';
import { cameraTile, placeTile, type Scene, type SceneParticipant } from './scene.js';

export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

/** The inset fits in this share of the canvas width and height. */
const INSET_WIDTH_FRACTION = 0.25;
const INSET_HEIGHT_FRACTION = 0.4;
/** Distance of the inset from the padded canvas edge, as a share of the canvas width. */
const INSET_MARGIN_FRACTION = 0.025;

export type PipChoice = { main: SceneParticipant; inset: SceneParticipant | null };

export function choosePipPair(present: readonly SceneParticipant[], mainId?: string, insetId?: string): PipChoice | null {
  const find = (id: string | undefined): SceneParticipant | undefined => present.find((participant) => participant.id === id);
  const requestedMain = find(mainId);
  const requestedInset = requestedMain?.id === insetId ? undefined : find(insetId);
  const main = requestedMain ?? present.find((participant) => participant !== requestedInset) ?? requestedInset;
  if (main === undefined) {
    return null;
  }
  const inset = requestedInset !== undefined && requestedInset !== main ? requestedInset : present.find((participant) => participant !== main);
  return { main, inset: inset ?? null };
}

function computeInsetBox(canvas: Canvas, area: Rect, aspect: number, corner: Corner): Rect {
  const bounds = { x: 0, y: 0, width: floorEven(canvas.width * INSET_WIDTH_FRACTION), height: floorEven(canvas.height * INSET_HEIGHT_FRACTION) };
  const { width, height } = fitAspect(bounds, aspect);
  const margin = Math.min(roundEven(canvas.width * INSET_MARGIN_FRACTION), floorEven((area.width - width) / 2), floorEven((area.height - height) / 2));
  const left = area.x + Math.max(0, margin);
  const top = area.y + Math.max(0, margin);
  const right = area.x + area.width - Math.max(0, margin) - width;
  const bottom = area.y + area.height - Math.max(0, margin) - height;
  return {
    x: corner.endsWith('left') ? left : right,
    y: corner.startsWith('top') ? top : bottom,
    width,
    height,
  };
}

export function placePipScene(scene: Scene, canvas: Canvas, options: { mainId?: string; insetId?: string; corner: Corner }): Region[] {
  const pair = choosePipPair(scene.present, options.mainId, options.insetId);
  if (pair === null) {
    return [];
  }
  const area = canvasArea(canvas);
  const regions = [placeTile(cameraTile(pair.main), area, 0)];
  if (pair.inset !== null) {
    const tile = cameraTile(pair.inset);
    regions.push(placeTile(tile, computeInsetBox(canvas, area, tile.aspect, options.corner), 1));
  }
  return regions.filter((region): region is Region => region !== null);
}
