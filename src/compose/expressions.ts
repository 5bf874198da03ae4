/**
 * ffmpeg expressions for values that change over the session timeline: flat sums of `value*between` terms
 * (never nested ifs, so an hour of speaker switches stays one flat expression). Times in seconds, 3 decimals.
 */
import type { Interval } from '../sessions/manifest.js';

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** 1 inside [startMs, endMs), 0 outside. */
export const insideInterval = (interval: Interval): string => `gte(t,${seconds(interval.startMs)})*lt(t,${seconds(interval.endMs)})`;

/** 1 inside any of the intervals (they never overlap), else 0. */
export const insideAny = (intervals: readonly Interval[]): string =>
  intervals.length === 0 ? '0' : intervals.map(insideInterval).join('+');

/** A value per interval, 0 elsewhere. */
export const piecewise = (pieces: ReadonlyArray<Interval & { value: number }>): string => {
  const terms = pieces.filter((piece) => piece.value !== 0).map((piece) => `${piece.value}*${insideInterval(piece)}`);
  return terms.length === 0 ? '0' : terms.join('+');
};

/** Quotes an option value for a filtergraph: single quotes, with ' \ escaped (ffmpeg-filters §4.1). */
export const quoteOption = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "'\\''")}'`;
