import { describe, expect, test } from 'vitest';
import { CANVAS_720P, threePeopleMeeting } from '../../test/support/layout-manifest.js';
import { computeLayoutTimeline } from './layout.js';
import { choosePipPair } from './pip.js';
import type { SceneParticipant } from './scene.js';

const present = (...ids: string[]): SceneParticipant[] => ids.map((id) => ({ id, label: id, camera: null, screen: null, restingAspect: 16 / 9 }));
const pairOf = (ids: string[], mainId?: string, insetId?: string): string => {
  const pair = choosePipPair(present(...ids), mainId, insetId);
  return pair === null ? 'nobody' : `${pair.main.id}+${pair.inset?.id ?? '-'}`;
};

describe('choosePipPair', () => {
  const cases = [
    { name: 'by default the first to join is main and the next is inset', ids: ['a', 'b', 'c'], expected: 'a+b' },
    { name: 'someone alone is main without an inset', ids: ['a'], expected: 'a+-' },
    { name: 'nobody present, nothing to show', ids: [], expected: 'nobody' },
    { name: 'the requested main and inset when both are present', ids: ['a', 'b', 'c'], mainId: 'c', insetId: 'a', expected: 'c+a' },
    { name: 'a requested inset is not taken as main while someone else is there', ids: ['a', 'b'], insetId: 'a', expected: 'b+a' },
    { name: 'the requested inset alone becomes main', ids: ['a'], insetId: 'a', expected: 'a+-' },
    { name: 'an absent requested main falls back to the first present', ids: ['b', 'c'], mainId: 'a', expected: 'b+c' },
    { name: 'the same id requested for both is main only', ids: ['a', 'b'], mainId: 'b', insetId: 'b', expected: 'b+a' },
  ];
  test.each(cases)('$name', ({ ids, mainId, insetId, expected }) => {
    expect(pairOf(ids, mainId, insetId)).toBe(expected);
  });
});

describe('pip layout', () => {
  test('main fills the canvas, the inset sits in the chosen corner above it, and a new inset comes when one leaves', () => {
    const timeline = computeLayoutTimeline(threePeopleMeeting(), CANVAS_720P, { type: 'pip', corner: 'top-left' });
    expect(
      timeline.intervals.map((interval) => [interval.startMs, interval.endMs, interval.regions.map((r) => `${r.label} ${r.x},${r.y} ${r.width}x${r.height} z${r.z}`)]),
    ).toEqual([
      [0, 3000, ['alice 14,8 1252x704 z0']],
      [3000, 14_000, ['alice 14,8 1252x704 z0', 'bob 40,40 320x180 z1']],
      [14_000, 22_000, ['alice 14,8 1252x704 z0', 'carol 40,40 320x180 z1']],
    ]);
  });

  test('the inset stays inside the canvas in every corner', () => {
    for (const corner of ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const) {
      const inset = computeLayoutTimeline(threePeopleMeeting(), CANVAS_720P, { type: 'pip', corner }).intervals[1]?.regions[1];
      expect(inset).toBeDefined();
      expect(inset!.x >= 0 && inset!.y >= 0 && inset!.x + inset!.width <= 1280 && inset!.y + inset!.height <= 720).toBe(true);
    }
  });
});
