import { describe, expect, test } from 'vitest';
import { bestGrid, computeStageLayout, fitRect, type Placement, type Rect, type StageLayoutInput } from './layout';

const ASPECT = 16 / 9;
const base: StageLayoutInput = { kind: 'grid', canvas: { width: 1280, height: 720 }, participantIds: ['a', 'b', 'c'], focusId: null, tileAspect: ASPECT, gapPx: 8 };

const inside = (rect: Rect, canvas: { width: number; height: number }): boolean =>
  rect.x >= 0 && rect.y >= 0 && rect.x + rect.width <= canvas.width && rect.y + rect.height <= canvas.height;

const overlap = (a: Rect, b: Rect): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

const sameLayerOverlaps = (placements: Placement[]): boolean =>
  placements.some((a, i) => placements.some((b, j) => i < j && a.z === b.z && overlap(a.rect, b.rect)));

describe('fitRect', () => {
  test.each<[string, number, Rect, Rect]>([
    ['a wide box letterboxes left and right', ASPECT, { x: 0, y: 0, width: 400, height: 90 }, { x: 120, y: 0, width: 160, height: 90 }],
    ['a tall box letterboxes top and bottom', ASPECT, { x: 10, y: 10, width: 160, height: 300 }, { x: 10, y: 115, width: 160, height: 90 }],
    ['an exact box is filled', ASPECT, { x: 0, y: 0, width: 1280, height: 720 }, { x: 0, y: 0, width: 1280, height: 720 }],
  ])('%s', (_name, aspect, box, expected) => {
    expect(fitRect(aspect, box)).toEqual(expected);
  });
});

describe('bestGrid', () => {
  test.each<[number, { width: number; height: number }, number]>([
    [1, { width: 1280, height: 720 }, 1],
    [2, { width: 1280, height: 720 }, 2],
    [3, { width: 1280, height: 720 }, 2],
    [4, { width: 1280, height: 720 }, 2],
    [5, { width: 1280, height: 720 }, 3],
    [9, { width: 1280, height: 720 }, 3],
    // A phone held upright: one column.
    [3, { width: 375, height: 700 }, 1],
  ])('%i tiles in %o: %i columns', (count, box, columns) => {
    expect(bestGrid(count, ASPECT, box, 8).columns).toBe(columns);
  });
});

describe('computeStageLayout', () => {
  test('grid: three 16:9 tiles, two on top and one centred below, as large as fits, inside the canvas', () => {
    const placements = computeStageLayout(base);
    expect(placements.map((placement) => placement.participantId)).toEqual(['a', 'b', 'c']);
    const [a, b, c] = placements.map((placement) => placement.rect) as [Rect, Rect, Rect];
    expect(a.y).toBe(b.y);
    expect(c.y).toBeGreaterThan(a.y + a.height);
    expect(Math.abs(c.x + c.width / 2 - 640)).toBeLessThanOrEqual(1);
    expect(Math.abs(a.width / a.height - ASPECT)).toBeLessThan(0.02);
    expect(placements.every((placement) => inside(placement.rect, base.canvas))).toBe(true);
    expect(sameLayerOverlaps(placements)).toBe(false);
  });

  test('speaker: the focus is the largest tile, the others in a strip below it', () => {
    const placements = computeStageLayout({ ...base, kind: 'speaker', focusId: 'b' });
    const focus = placements.find((placement) => placement.focused)!;
    expect(focus.participantId).toBe('b');
    const others = placements.filter((placement) => !placement.focused);
    expect(others.map((placement) => placement.participantId)).toEqual(['a', 'c']);
    expect(others.every((placement) => placement.rect.width < focus.rect.width / 2 && placement.rect.y >= focus.rect.y + focus.rect.height)).toBe(true);
    expect(sameLayerOverlaps(placements)).toBe(false);
    expect(placements.every((placement) => inside(placement.rect, base.canvas))).toBe(true);
  });

  test('pip: the focus fills the stage; the others sit over its bottom-right corner, above it', () => {
    const placements = computeStageLayout({ ...base, kind: 'pip', focusId: 'c' });
    const [focus, ...others] = placements;
    expect(focus).toMatchObject({ participantId: 'c', z: 0, focused: true });
    expect(focus!.rect.width).toBeGreaterThan(1200);
    expect(others.every((placement) => placement.z === 1 && overlap(placement.rect, focus!.rect))).toBe(true);
    expect(sameLayerOverlaps(others)).toBe(false);
    expect(Math.max(...others.map((placement) => placement.rect.x + placement.rect.width))).toBeLessThanOrEqual(focus!.rect.x + focus!.rect.width);
  });

  test('an unknown or missing focus falls back to the first participant', () => {
    expect(computeStageLayout({ ...base, kind: 'speaker', focusId: 'gone' }).find((placement) => placement.focused)?.participantId).toBe('a');
    expect(computeStageLayout({ ...base, kind: 'pip', focusId: null })[0]?.participantId).toBe('a');
  });

  test('one participant fills the stage (inside the gap) in every layout', () => {
    for (const kind of ['grid', 'speaker', 'pip'] as const) {
      const placements = computeStageLayout({ ...base, kind, participantIds: ['a'] });
      expect(placements).toHaveLength(1);
      // 720 − 2 × 8 px high, 16:9 wide, centred.
      expect(placements[0]!.rect).toEqual({ x: 14, y: 8, width: 1252, height: 704 });
    }
  });

  test('nobody, an empty canvas or a bad aspect: nothing to draw', () => {
    expect(computeStageLayout({ ...base, participantIds: [] })).toEqual([]);
    expect(computeStageLayout({ ...base, canvas: { width: 0, height: 0 } })).toEqual([]);
    expect(computeStageLayout({ ...base, tileAspect: Number.NaN })).toEqual([]);
  });

  test('rectangles are whole pixels', () => {
    for (const kind of ['grid', 'speaker', 'pip'] as const) {
      for (const placement of computeStageLayout({ ...base, kind, canvas: { width: 1037, height: 583 } })) {
        expect(Object.values(placement.rect).every(Number.isInteger)).toBe(true);
      }
    }
  });
});
