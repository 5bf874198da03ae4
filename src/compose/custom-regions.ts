/**
 * Custom layouts in the spirit of Twilio Compositions' `video_layout`: named regions of the canvas, each tiling the
 * participants it lists in a grid of at most maxColumns × maxRows cells.
 *
 * - Sources: '*' (everyone), 'screen' (whoever shares a screen; the region then shows the screen), 'speaker' (the
 *   speaker layout's large participant), or participant ids, where '*' inside an id is a wildcard ('10*').
 * - A participant appears in at most one region: the highest z region that lists it (sources minus
 *   sourcesExcluded) claims it, the first in the list on equal z. Overflow in that region hides it; it never spills.
 * - Grid: best fit for the participants shown, within the limits; with cellsExcluded the grid is fixed at
 *   maxColumns × maxRows and the free cells fill in row-major order.
 * - Overflow (more claimed than cells), by `reuse` (default 'show_oldest', as in Twilio): 'show_oldest' shows the
 *   first to join, 'show_newest' the last to join; 'none' keeps whoever is already shown until they leave and never
 *   swaps them, giving a freed cell to the longest-waiting (first-joined) participant.
 * - Tiles within a region follow join order; regions are drawn in z order.
 */
import type { Canvas, CustomRegion, Region } from './layout-types.js';
import { computeGridCells, placeGrid } from './grid.js';
import { insetRect, snapInward, type Rect } from './geometry.js';
import { cameraTile, placeTile, screenTile, type Scene, type SceneParticipant, type Tile } from './scene.js';

const escapeRegExp = (text: string): string => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

const matchesId = (pattern: string, id: string): boolean =>
  pattern.includes('*') ? new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`).test(id) : pattern === id;

function matchesSource(pattern: string, participant: SceneParticipant, scene: Scene): boolean {
  switch (pattern) {
    case 'screen':
      return participant.screen !== null;
    case 'speaker':
      return participant.id === scene.featuredId;
    default:
      return matchesId(pattern, participant.id);
  }
}

export const listsParticipant = (region: CustomRegion, participant: SceneParticipant, scene: Scene): boolean =>
  region.sources.some((pattern) => matchesSource(pattern, participant, scene)) &&
  !(region.sourcesExcluded ?? []).some((pattern) => matchesSource(pattern, participant, scene));

/** For each region (by index), the participants it claims, in join order. */
export function claimParticipants(scene: Scene, regions: readonly CustomRegion[]): SceneParticipant[][] {
  const claims = regions.map((): SceneParticipant[] => []);
  for (const participant of scene.present) {
    let winner = -1;
    regions.forEach((region, index) => {
      if (listsParticipant(region, participant, scene) && (winner < 0 || region.z > regions[winner]!.z)) {
        winner = index;
      }
    });
    claims[winner]?.push(participant);
  }
  return claims;
}

const hasFixedGrid = (region: CustomRegion): boolean => (region.cellsExcluded ?? []).length > 0;

/** How many participants the region can show at once. */
export function computeCapacity(region: CustomRegion): number {
  if (region.maxColumns === undefined || region.maxRows === undefined) {
    return Number.POSITIVE_INFINITY;
  }
  const cells = region.maxColumns * region.maxRows;
  return cells - new Set((region.cellsExcluded ?? []).filter((index) => index >= 0 && index < cells)).size;
}

/** Who of the claimed (in join order) is shown, by the region's reuse rule; `shownBefore` is the previous scene's. */
export function selectShown(
  claimed: readonly SceneParticipant[],
  capacity: number,
  reuse: NonNullable<CustomRegion['reuse']>,
  shownBefore: readonly string[],
): SceneParticipant[] {
  if (claimed.length <= capacity) {
    return [...claimed];
  }
  switch (reuse) {
    case 'show_oldest':
      return claimed.slice(0, capacity);
    case 'show_newest':
      return claimed.slice(claimed.length - capacity);
    case 'none': {
      const kept = claimed.filter((participant) => shownBefore.includes(participant.id)).slice(0, capacity);
      const waiting = claimed.filter((participant) => !kept.includes(participant)).slice(0, capacity - kept.length);
      return claimed.filter((participant) => kept.includes(participant) || waiting.includes(participant));
    }
  }
}

/** The region on the canvas, clipped to it, in even pixels. */
const regionRect = (region: CustomRegion, canvas: Canvas): Rect =>
  snapInward(Math.max(0, region.x), Math.max(0, region.y), Math.min(canvas.width, region.x + region.width), Math.min(canvas.height, region.y + region.height));

function placeRegionTiles(region: CustomRegion, tiles: readonly Tile[], canvas: Canvas): Region[] {
  const area = insetRect(regionRect(region, canvas), canvas.padding);
  if (tiles.length === 0 || area.width < 2 || area.height < 2) {
    return [];
  }
  if (!hasFixedGrid(region) || region.maxColumns === undefined || region.maxRows === undefined) {
    return placeGrid(tiles, area, canvas.padding, region.z, { maxColumns: region.maxColumns, maxRows: region.maxRows });
  }
  const excluded = new Set(region.cellsExcluded);
  const shape = { columns: region.maxColumns, rows: region.maxRows };
  const free = computeGridCells(area, shape, canvas.padding, shape.columns * shape.rows, false).filter((_, index) => !excluded.has(index));
  return tiles.flatMap((tile, index) => {
    const cell = free[index];
    const placed = cell === undefined ? null : placeTile(tile, cell, region.z);
    return placed === null ? [] : [placed];
  });
}

const tileFor = (region: CustomRegion, participant: SceneParticipant): Tile =>
  region.sources.includes('screen') && participant.screen !== null ? screenTile(participant) : cameraTile(participant);

/** Regions for every scene, in order (the 'none' reuse rule remembers who was shown in the scene before). */
export function placeCustomScenes(scenes: readonly Scene[], canvas: Canvas, regions: readonly CustomRegion[]): Region[][] {
  let shownBefore = new Map<string, string[]>();
  return scenes.map((scene) => {
    const claims = claimParticipants(scene, regions);
    const shownNow = new Map<string, string[]>();
    const placed = regions.flatMap((region, index) => {
      const shown = selectShown(claims[index] ?? [], computeCapacity(region), region.reuse ?? 'show_oldest', shownBefore.get(region.name) ?? []);
      shownNow.set(region.name, shown.map((participant) => participant.id));
      return placeRegionTiles(
        region,
        shown.map((participant) => tileFor(region, participant)),
        canvas,
      );
    });
    shownBefore = shownNow;
    // Stable: equal z keeps the order of the regions in the spec.
    return placed.sort((a, b) => a.z - b.z);
  });
}
