/**
 * One participant large, the others in a strip of equal small tiles along the bottom or the right edge: the shape
 * shared by the speaker and presentation layouts.
 */
import { assert } from '../shared/errors.js';
import type { Canvas, Region } from './layout-types.js';
import { canvasArea } from './grid.js';
import { snapCell, snapInward, type Rect } from './geometry.js';
import { placeTile, type Tile } from './scene.js';

export type StripSide = 'bottom' | 'right';

/** The strip's share of the canvas (its height at the bottom, its width on the right). */
export const STRIP_FRACTION = 0.2;

/** The featured area and the strip, `gap` apart, inside `area`. */
function splitArea(area: Rect, side: StripSide, gap: number): { main: Rect; strip: Rect } {
  const right = area.x + area.width;
  const bottom = area.y + area.height;
  if (side === 'bottom') {
    const thickness = area.height * STRIP_FRACTION;
    return {
      main: snapInward(area.x, area.y, right, bottom - thickness - gap),
      strip: snapInward(area.x, bottom - thickness, right, bottom),
    };
  }
  const thickness = area.width * STRIP_FRACTION;
  return {
    main: snapInward(area.x, area.y, right - thickness - gap, bottom),
    strip: snapInward(right - thickness, area.y, right, bottom),
  };
}

/** Equal cells along the strip, no longer than the widest tile needs, the group centred. */
function computeStripCells(strip: Rect, tiles: readonly Tile[], side: StripSide, gap: number): Rect[] {
  const count = tiles.length;
  const along = side === 'bottom' ? strip.width : strip.height;
  const across = side === 'bottom' ? strip.height : strip.width;
  const needed = Math.max(...tiles.map((tile) => (side === 'bottom' ? across * tile.aspect : across / tile.aspect)));
  const length = Math.max(0, Math.min((along - (count - 1) * gap) / count, needed));
  const start = (side === 'bottom' ? strip.x : strip.y) + (along - (count * length + (count - 1) * gap)) / 2;
  return tiles.map((_, index) => {
    const from = start + index * (length + gap);
    return side === 'bottom' ? snapCell(from, strip.y, length, strip.height) : snapCell(strip.x, from, strip.width, length);
  });
}

/** `featured` large; `others` in the strip in the order given; alone, `featured` takes the whole canvas. */
export function placeFeaturedWithStrip(featured: Tile, others: readonly Tile[], canvas: Canvas, side: StripSide): Region[] {
  const area = canvasArea(canvas);
  if (others.length === 0) {
    const region = placeTile(featured, area, 0);
    return region === null ? [] : [region];
  }
  const { main, strip } = splitArea(area, side, canvas.padding);
  const cells = computeStripCells(strip, others, side, canvas.padding);
  const placed = [placeTile(featured, main, 0)];
  others.forEach((tile, index) => {
    const cell = cells[index];
    assert(cell !== undefined, 'one strip cell per tile');
    placed.push(placeTile(tile, cell, 0));
  });
  return placed.filter((region): region is Region => region !== null);
}
