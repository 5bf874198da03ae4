import { describe, expect, test } from 'vitest';
import { collectCutsMs, intersectIntervals, mergeAdjacent, normalizeIntervals } from './intervals.js';

const spans = (list: Array<[number, number]>) => list.map(([startMs, endMs]) => ({ startMs, endMs }));

describe('normalizeIntervals', () => {
  const cases = [
    { name: 'sorts and merges overlapping and touching stretches', input: [[5, 8], [0, 2], [2, 3], [7, 9]], expected: [[0, 3], [5, 9]] },
    { name: 'clips to the session and drops what is left empty', input: [[-5, 2], [9, 15], [12, 20], [4, 4]], expected: [[0, 2], [9, 10]] },
    { name: 'nothing stays nothing', input: [], expected: [] },
  ] as const;
  test.each(cases)('$name', ({ input, expected }) => {
    expect(normalizeIntervals(spans(input.map(([a, b]) => [a, b])), 0, 10)).toEqual(spans(expected.map(([a, b]) => [a, b])));
  });
});

describe('interval helpers', () => {
  test('intersects two lists of stretches', () => {
    expect(intersectIntervals(spans([[0, 5], [8, 12]]), spans([[3, 10]]))).toEqual(spans([[3, 5], [8, 10]]));
  });

  test('cuts always include 0 and the duration, drop times outside, and never repeat', () => {
    expect(collectCutsMs([5, 3, 5, -1, 12, 10, Number.NaN], 10)).toEqual([0, 3, 5, 10]);
  });

  test('merges neighbours with equal payloads only when they touch', () => {
    const input = [
      { startMs: 0, endMs: 2, value: 'a' },
      { startMs: 2, endMs: 4, value: 'a' },
      { startMs: 4, endMs: 6, value: 'b' },
      { startMs: 6, endMs: 9, value: 'a' },
    ];
    expect(mergeAdjacent(input, (a, b) => a.value === b.value)).toEqual([
      { startMs: 0, endMs: 4, value: 'a' },
      { startMs: 4, endMs: 6, value: 'b' },
      { startMs: 6, endMs: 9, value: 'a' },
    ]);
  });
});
