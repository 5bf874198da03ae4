import { describe, expect, test } from 'vitest';
import { CANVAS_720P, buildManifest, person, threePeopleMeeting } from '../../test/support/layout-manifest.js';
import { chooseGridShape, computeGridCells } from './grid.js';
import { computeLayoutTimeline } from './layout.js';

const WIDE = 16 / 9;
const area720 = { x: 8, y: 8, width: 1264, height: 704 };

describe('chooseGridShape', () => {
  const cases = [
    { name: '1 person takes one cell', aspects: [WIDE], area: area720, expected: { columns: 1, rows: 1 } },
    { name: '2 people sit side by side on a landscape canvas', aspects: [WIDE, WIDE], area: area720, expected: { columns: 2, rows: 1 } },
    { name: '2 people stack on a portrait canvas', aspects: [WIDE, WIDE], area: { x: 0, y: 0, width: 720, height: 1280 }, expected: { columns: 1, rows: 2 } },
    { name: '3 people take 2 × 2 (the last row half full)', aspects: [WIDE, WIDE, WIDE], area: area720, expected: { columns: 2, rows: 2 } },
    { name: '5 people take 3 × 2, not the square-root 2 × 3', aspects: Array(5).fill(WIDE), area: area720, expected: { columns: 3, rows: 2 } },
    { name: '7 people take 3 × 3', aspects: Array(7).fill(WIDE), area: area720, expected: { columns: 3, rows: 3 } },
    { name: '3 portrait phones stand in one row', aspects: Array(3).fill(9 / 16), area: area720, expected: { columns: 3, rows: 1 } },
    { name: 'maxColumns 1 makes a column', aspects: [WIDE, WIDE, WIDE], area: area720, limits: { maxColumns: 1 }, expected: { columns: 1, rows: 3 } },
    { name: 'maxRows 1 makes a row', aspects: Array(4).fill(WIDE), area: area720, limits: { maxRows: 1 }, expected: { columns: 4, rows: 1 } },
    { name: 'no shape within the limits holds them all', aspects: Array(5).fill(WIDE), area: area720, limits: { maxColumns: 2, maxRows: 2 }, expected: null },
  ];
  test.each(cases)('$name', ({ aspects, area, limits, expected }) => {
    expect(chooseGridShape(aspects, area, 8, limits)).toEqual(expected);
  });
});

describe('computeGridCells', () => {
  test('centres an incomplete last row', () => {
    const cells = computeGridCells({ x: 0, y: 0, width: 300, height: 200 }, { columns: 3, rows: 2 }, 0, 4, true);
    expect(cells).toEqual([
      { x: 0, y: 0, width: 100, height: 100 },
      { x: 100, y: 0, width: 100, height: 100 },
      { x: 200, y: 0, width: 100, height: 100 },
      { x: 100, y: 100, width: 100, height: 100 },
    ]);
  });

  test('without centring returns every cell of the grid, row-major', () => {
    expect(computeGridCells({ x: 0, y: 0, width: 200, height: 200 }, { columns: 2, rows: 2 }, 0, 1, false)).toHaveLength(4);
  });
});

describe('grid layout over time', () => {
  const compact = (manifest = threePeopleMeeting()) =>
    computeLayoutTimeline(manifest, CANVAS_720P, { type: 'grid' }).intervals.map((interval) => ({
      startMs: interval.startMs,
      endMs: interval.endMs,
      tiles: interval.regions.map((region) => `${region.label} ${region.x},${region.y} ${region.width}x${region.height}`),
    }));

  test('re-tiles from 1 to 2 to 3 people as they join, and back to 2 when one leaves', () => {
    expect(compact()).toEqual([
      { startMs: 0, endMs: 3000, tiles: ['alice 14,8 1252x704'] },
      { startMs: 3000, endMs: 6000, tiles: ['alice 8,182 628x354', 'bob 644,182 628x354'] },
      { startMs: 6000, endMs: 14000, tiles: ['alice 12,8 618x348', 'bob 648,8 618x348', 'carol 330,364 618x348'] },
      { startMs: 14000, endMs: 22000, tiles: ['alice 8,182 628x354', 'carol 644,182 628x354'] },
    ]);
  });

  test('orders tiles by first join, then id, whatever the manifest order', () => {
    const manifest = buildManifest(10_000, [person('b', null, [[2000, 10_000]]), person('c', null, [[0, 10_000]]), person('a', null, [[2000, 10_000]])]);
    const last = computeLayoutTimeline(manifest, CANVAS_720P, { type: 'grid' }).intervals.at(-1);
    expect(last?.regions.map((region) => region.participantId)).toEqual(['c', 'a', 'b']);
  });

  test('a participant who leaves and comes back keeps their place in the order', () => {
    const manifest = buildManifest(10_000, [person('a', null, [[0, 3000], [6000, 10_000]]), person('b', null, [[1000, 10_000]])]);
    const intervals = computeLayoutTimeline(manifest, CANVAS_720P, { type: 'grid' }).intervals;
    expect(intervals.map((interval) => [interval.startMs, interval.regions.map((region) => region.participantId).join()])).toEqual([
      [0, 'a'],
      [1000, 'a,b'],
      [3000, 'b'],
      [6000, 'a,b'],
    ]);
  });
});
