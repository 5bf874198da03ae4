import { describe, expect, it } from 'vitest';
import { groupFingerprint, readyGroups, StabilityTracker } from './file-stability.js';

describe('StabilityTracker', () => {
  it('takes a file once it stops growing for the quiet period', () => {
    const tracker = new StabilityTracker(10_000);
    const nowMs = 1_000_000;
    expect(tracker.observe([{ path: 'a.mjr', sizeBytes: 100, mtimeMs: nowMs }], nowMs).stable).toEqual([]);
    expect(tracker.observe([{ path: 'a.mjr', sizeBytes: 200, mtimeMs: nowMs + 2000 }], nowMs + 2000).stable).toEqual([]);
    expect(tracker.observe([{ path: 'a.mjr', sizeBytes: 200, mtimeMs: nowMs + 2000 }], nowMs + 11_000).stable).toEqual([]);
    expect(tracker.observe([{ path: 'a.mjr', sizeBytes: 200, mtimeMs: nowMs + 2000 }], nowMs + 12_000).stable).toEqual(['a.mjr']);
  });

  it('starts the quiet period again when a file grows', () => {
    const tracker = new StabilityTracker(1000);
    tracker.observe([{ path: 'a', sizeBytes: 1, mtimeMs: 0 }], 0);
    tracker.observe([{ path: 'a', sizeBytes: 1, mtimeMs: 0 }], 500);
    expect(tracker.observe([{ path: 'a', sizeBytes: 2, mtimeMs: 900 }], 900).growing).toEqual(['a']);
    expect(tracker.observe([{ path: 'a', sizeBytes: 2, mtimeMs: 900 }], 1500).stable).toEqual([]);
    expect(tracker.observe([{ path: 'a', sizeBytes: 2, mtimeMs: 900 }], 1900).stable).toEqual(['a']);
  });

  it('takes old files at the second look (a folder of finished recordings)', () => {
    const tracker = new StabilityTracker(10_000);
    const old = { path: 'old.mjr', sizeBytes: 5, mtimeMs: 0 };
    expect(tracker.observe([old], 1_000_000).stable).toEqual([]);
    expect(tracker.observe([old], 1_002_000).stable).toEqual(['old.mjr']);
  });

  it('forgets files that disappear', () => {
    const tracker = new StabilityTracker(0);
    tracker.observe([{ path: 'a', sizeBytes: 1, mtimeMs: 0 }], 0);
    tracker.observe([], 1);
    expect(tracker.observe([{ path: 'a', sizeBytes: 1, mtimeMs: 0 }], 2).stable).toEqual([]);
  });
});

describe('readyGroups and groupFingerprint', () => {
  it('is ready only when every file of the group is stable', () => {
    const groups = [{ id: 'x', files: ['a', 'b'] }, { id: 'y', files: ['c'] }, { id: 'z', files: [] }];
    expect(readyGroups(groups, new Set(['a', 'c'])).map((group) => group.id)).toEqual(['y']);
  });

  it('changes when a file is added or grows, not with order', () => {
    const a = { path: 'a', sizeBytes: 1, mtimeMs: 1 };
    const b = { path: 'b', sizeBytes: 2, mtimeMs: 2 };
    expect(groupFingerprint([a, b])).toBe(groupFingerprint([b, a]));
    expect(groupFingerprint([a, b])).not.toBe(groupFingerprint([a]));
    expect(groupFingerprint([a, b])).not.toBe(groupFingerprint([a, { ...b, sizeBytes: 3 }]));
  });
});
