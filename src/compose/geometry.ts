/**
 * Rectangles on the canvas in whole, even pixels: video encoders (4:2:0 chroma) need even sizes and offsets.
 * Areas are snapped inwards, so a snapped cell never grows past the space it was given and neighbours never overlap.
 */

export type Rect = { x: number; y: number; width: number; height: number };

// The epsilon absorbs float error such as 3.9999999999 for 4; `+ 0` turns -0 into 0.
export const floorEven = (value: number): number => 2 * Math.floor(value / 2 + 1e-9) + 0;
export const ceilEven = (value: number): number => 2 * Math.ceil(value / 2 - 1e-9) + 0;
export const roundEven = (value: number): number => 2 * Math.round(value / 2) + 0;

/** The even rectangle inside [x0, x1) × [y0, y1); empty (zero size) when nothing fits. */
export function snapInward(x0: number, y0: number, x1: number, y1: number): Rect {
  const x = ceilEven(x0);
  const y = ceilEven(y0);
  return { x, y, width: Math.max(0, floorEven(x1) - x), height: Math.max(0, floorEven(y1) - y) };
}

/**
 * One cell of a regular row or grid (cells `size + gap` apart, starting on an even pixel of an even area): the start
 * rounds to even, the size floors to even, so all cells are the same size, never overlap (rounded starts stay at least
 * the floored size apart) and never pass the area's even far edge.
 */
export const snapCell = (x: number, y: number, width: number, height: number): Rect => ({
  x: roundEven(x),
  y: roundEven(y),
  width: Math.max(0, floorEven(width)),
  height: Math.max(0, floorEven(height)),
});

export const snapRect = (rect: Rect): Rect => snapInward(rect.x, rect.y, rect.x + rect.width, rect.y + rect.height);

/** `rect` shrunk by `by` pixels on every side, snapped. */
export const insetRect = (rect: Rect, by: number): Rect =>
  snapInward(rect.x + by, rect.y + by, rect.x + rect.width - by, rect.y + rect.height - by);

/** The largest box of `aspect` (width / height) inside an even `cell`, centred, in even pixels. */
export function fitAspect(cell: Rect, aspect: number): Rect {
  let width = cell.width;
  let height = Math.min(cell.height, roundEven(width / aspect));
  if (cell.width / aspect > cell.height) {
    height = cell.height;
    width = Math.min(cell.width, roundEven(height * aspect));
  }
  return {
    x: cell.x + floorEven((cell.width - width) / 2),
    y: cell.y + floorEven((cell.height - height) / 2),
    width,
    height,
  };
}

/** Area of the largest box of `aspect` in a (float) width × height: for comparing arrangements before snapping. */
export const fittedArea = (width: number, height: number, aspect: number): number =>
  width <= 0 || height <= 0 ? 0 : Math.min(width, height * aspect) * Math.min(height, width / aspect);

export const overlaps = (a: Rect, b: Rect): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

export const containsRect = (outer: Rect, inner: Rect): boolean =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
