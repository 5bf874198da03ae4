/**
 * Best-fit grid: the columns × rows that give the tiles the most area (not just √N: 2 people on a 16:9 canvas sit
 * side by side, 5 take 3 × 2), an incomplete last row centred. Also used inside custom regions, with limits.
 */
import type { Canvas, Region } from './layout-types.js';
import { fittedArea, insetRect, snapCell, type Rect } from './geometry.js';
import { cameraTile, placeTile, type Scene, type Tile } from './scene.js';

export type GridShape = { columns: number; rows: number };
export type GridLimits = { maxColumns?: number; maxRows?: number };

/** Relative tolerance under which two arrangements count as equally good. */
const TIE = 1e-9;

const cellSize = (area: Rect, shape: GridShape, gap: number): { width: number; height: number } => ({
  width: (area.width - (shape.columns - 1) * gap) / shape.columns,
  height: (area.height - (shape.rows - 1) * gap) / shape.rows,
});

/** Ties: fewer cells, then more columns on a landscape area (more rows on a portrait one). */
function breaksTie(candidate: GridShape, best: GridShape, area: Rect): boolean {
  const cells = candidate.columns * candidate.rows - best.columns * best.rows;
  if (cells !== 0) {
    return cells < 0;
  }
  return area.width >= area.height ? candidate.columns > best.columns : candidate.rows > best.rows;
}

/**
 * The shape for tiles of the given aspects (one per tile) that maximises their total fitted area, within the limits.
 * Null when no shape within the limits has room for them all.
 */
export function chooseGridShape(aspects: readonly number[], area: Rect, gap: number, limits: GridLimits = {}): GridShape | null {
  const count = aspects.length;
  let best: { shape: GridShape; score: number } | null = null;
  for (let columns = 1; columns <= Math.min(count, limits.maxColumns ?? count); columns++) {
    const shape = { columns, rows: Math.ceil(count / columns) };
    if (shape.rows > (limits.maxRows ?? shape.rows)) {
      continue;
    }
    const cell = cellSize(area, shape, gap);
    const score = aspects.reduce((sum, aspect) => sum + fittedArea(cell.width, cell.height, aspect), 0);
    const better = best === null || score > best.score * (1 + TIE) || (score >= best.score * (1 - TIE) && breaksTie(shape, best.shape, area));
    if (better) {
      best = { shape, score };
    }
  }
  return best?.shape ?? null;
}

/**
 * Cells in row-major order, snapped to even pixels, `gap` apart. With `centerLastRow`, the cells of an incomplete
 * last row (when `count` < columns × rows) are centred; otherwise every cell of the full grid is returned.
 */
export function computeGridCells(area: Rect, shape: GridShape, gap: number, count: number, centerLastRow: boolean): Rect[] {
  const cell = cellSize(area, shape, gap);
  const total = centerLastRow ? Math.min(count, shape.columns * shape.rows) : shape.columns * shape.rows;
  const inLastRow = total - (shape.rows - 1) * shape.columns;
  const lastRowShift = centerLastRow ? ((shape.columns - inLastRow) * (cell.width + gap)) / 2 : 0;
  const cells: Rect[] = [];
  for (let index = 0; index < total; index++) {
    const row = Math.floor(index / shape.columns);
    const column = index % shape.columns;
    const x = area.x + column * (cell.width + gap) + (row === shape.rows - 1 ? lastRowShift : 0);
    const y = area.y + row * (cell.height + gap);
    cells.push(snapCell(x, y, cell.width, cell.height));
  }
  return cells;
}

/** Tiles in a best-fit grid over `area`, in the order given. */
export function placeGrid(tiles: readonly Tile[], area: Rect, gap: number, z: number, limits: GridLimits = {}): Region[] {
  const shape = chooseGridShape(
    tiles.map((tile) => tile.aspect),
    area,
    gap,
    limits,
  );
  if (shape === null) {
    return [];
  }
  const cells = computeGridCells(area, shape, gap, tiles.length, true);
  return tiles.flatMap((tile, index) => {
    const cell = cells[index];
    const region = cell === undefined ? null : placeTile(tile, cell, z);
    return region === null ? [] : [region];
  });
}

export const canvasArea = (canvas: Canvas): Rect => insetRect({ x: 0, y: 0, width: canvas.width, height: canvas.height }, canvas.padding);

/** Everyone present, in join order, camera first. */
export const placeGridScene = (scene: Scene, canvas: Canvas): Region[] =>
  placeGrid(scene.present.map(cameraTile), canvasArea(canvas), canvas.padding, 0);
