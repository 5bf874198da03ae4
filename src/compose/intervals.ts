/**
 * Half-open intervals [startMs, endMs) on the session timeline: the few operations the layout engine needs.
 * Every interval here is half-open, so a participant who leaves at 14 000 ms is gone at 14 000 ms.
 */
import type { Interval } from '../sessions/manifest.js';

export const isActiveAt = (intervals: readonly Interval[], timeMs: number): boolean =>
  intervals.some((interval) => interval.startMs <= timeMs && timeMs < interval.endMs);

export const findActiveAt = <T extends Interval>(intervals: readonly T[], timeMs: number): T | undefined =>
  intervals.find((interval) => interval.startMs <= timeMs && timeMs < interval.endMs);

/** Clipped to [fromMs, toMs), empty ones dropped, sorted, and overlapping or touching ones merged. */
export function normalizeIntervals(intervals: readonly Interval[], fromMs: number, toMs: number): Interval[] {
  const clipped = intervals
    .map((interval) => ({ startMs: Math.max(fromMs, interval.startMs), endMs: Math.min(toMs, interval.endMs) }))
    .filter((interval) => interval.endMs > interval.startMs)
    .sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const merged: Interval[] = [];
  for (const interval of clipped) {
    const last = merged[merged.length - 1];
    if (last !== undefined && interval.startMs <= last.endMs) {
      last.endMs = Math.max(last.endMs, interval.endMs);
    } else {
      merged.push({ ...interval });
    }
  }
  return merged;
}

/** The parts of `a` that are also in `b` (both normalized). */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const startMs = Math.max(x.startMs, y.startMs);
      const endMs = Math.min(x.endMs, y.endMs);
      if (endMs > startMs) {
        out.push({ startMs, endMs });
      }
    }
  }
  return out;
}

/**
 * The times where something may change: 0, `durationMs` and every given time strictly inside, sorted and
 * de-duplicated. Consecutive pairs are the elementary segments of the timeline (never zero-length).
 */
export function collectCutsMs(timesMs: Iterable<number>, durationMs: number): number[] {
  const inside = new Set<number>([0, durationMs]);
  for (const timeMs of timesMs) {
    if (Number.isFinite(timeMs) && timeMs > 0 && timeMs < durationMs) {
      inside.add(timeMs);
    }
  }
  return [...inside].sort((a, b) => a - b);
}

/** Joins neighbours whose payload is equal (by `sameAs`); the input is sorted and contiguous. */
export function mergeAdjacent<T extends Interval>(intervals: readonly T[], sameAs: (a: T, b: T) => boolean): T[] {
  const merged: T[] = [];
  for (const interval of intervals) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.endMs === interval.startMs && sameAs(last, interval)) {
      merged[merged.length - 1] = { ...last, endMs: interval.endMs };
    } else {
      merged.push(interval);
    }
  }
  return merged;
}
