/** Who is present and who speaks at a point of the session timeline (milliseconds from its start). Pure. */
import type { IntervalMs } from '../api/types';

export type Activity = { id: string; presence: readonly IntervalMs[]; speaking: readonly IntervalMs[] };

export const isWithin = (intervals: readonly IntervalMs[], timeMs: number): boolean =>
  intervals.some((interval) => interval.startMs <= timeMs && timeMs < interval.endMs);

/**
 * The active speaker at `timeMs` among `candidates`: whoever speaks then (the latest to start, when several do);
 * between utterances the last one to have spoken stays; null before anyone spoke.
 */
export const activeSpeakerAt = (candidates: readonly Activity[], timeMs: number): string | null => {
  let speakingNow: { id: string; startMs: number } | null = null;
  let lastSpoke: { id: string; endMs: number } | null = null;
  for (const candidate of candidates) {
    for (const interval of candidate.speaking) {
      if (interval.startMs <= timeMs && timeMs < interval.endMs) {
        if (speakingNow === null || interval.startMs > speakingNow.startMs) {
          speakingNow = { id: candidate.id, startMs: interval.startMs };
        }
      } else if (interval.endMs <= timeMs && (lastSpoke === null || interval.endMs > lastSpoke.endMs)) {
        lastSpoke = { id: candidate.id, endMs: interval.endMs };
      }
    }
  }
  return speakingNow?.id ?? lastSpoke?.id ?? null;
};

/** The participants to draw at `timeMs`: present and not hidden, in the given (tile-map) order. */
export const visibleAt = (participants: readonly Activity[], timeMs: number, hiddenIds: ReadonlySet<string>): Activity[] =>
  participants.filter((participant) => !hiddenIds.has(participant.id) && isWithin(participant.presence, timeMs));
