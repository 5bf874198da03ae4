/**
 * Who holds the floor, over the whole session: the speaker layout, the composition and the player share it.
 *
 * Rules (each decided at the times where speech or presence changes, so the result is exact, not sampled):
 * - Nobody holds the floor until someone has spoken continuously for `holdMs`.
 * - A new speaker takes the floor once they have spoken continuously for `holdMs`, and only while the holder is
 *   silent: short interjections and cross-talk over the holder never switch (no flapping). If the holder falls
 *   silent while a challenger has already spoken `holdMs`, the challenger takes over at once.
 * - Among several qualified challengers, the one speaking the longest wins, then the first to join.
 * - When nobody speaks, the holder keeps the floor.
 * - When the holder leaves, the most recent speaker still present takes over at once (someone speaking now counts as
 *   most recent, the longest-speaking first); if no one present has spoken yet, nobody holds the floor.
 */
import type { Interval, SessionManifest } from '../sessions/manifest.js';
import { collectCutsMs, findActiveAt, intersectIntervals, isActiveAt, mergeAdjacent, normalizeIntervals } from './intervals.js';
import { orderParticipants } from './participants.js';

export const DEFAULT_HOLD_MS = 1500;

export type FloorInterval = { startMs: number; endMs: number; participantId: string | null };

type Speaker = { id: string; presence: Interval[]; speech: Interval[] };

const toSpeakers = (manifest: SessionManifest): Speaker[] =>
  orderParticipants(manifest.participants).map((participant) => {
    const presence = normalizeIntervals(participant.presence, 0, manifest.durationMs);
    const speech = intersectIntervals(normalizeIntervals(participant.speaking, 0, manifest.durationMs), presence);
    return { id: participant.id, presence, speech: normalizeIntervals(speech, 0, manifest.durationMs) };
  });

const cutTimesMs = (speakers: readonly Speaker[], holdMs: number): number[] =>
  speakers.flatMap((speaker) => [
    ...speaker.presence.flatMap((interval) => [interval.startMs, interval.endMs]),
    ...speaker.speech.flatMap((interval) => [interval.startMs, interval.endMs, interval.startMs + holdMs]),
  ]);

/** Present speakers who have spoken `holdMs` without a break; the longest-speaking first, then join order. */
function pickChallenger(present: readonly Speaker[], holderId: string | null, timeMs: number, holdMs: number): Speaker | null {
  let best: { speaker: Speaker; sinceMs: number } | null = null;
  for (const speaker of present) {
    const run = findActiveAt(speaker.speech, timeMs);
    if (speaker.id !== holderId && run !== undefined && timeMs - run.startMs >= holdMs && (best === null || run.startMs < best.sinceMs)) {
      best = { speaker, sinceMs: run.startMs };
    }
  }
  return best?.speaker ?? null;
}

/** [1, ms speaking so far] while speaking, else [0, end of the last speech]; null for someone who never spoke. */
function recencyOf(speaker: Speaker, timeMs: number): [number, number] | null {
  const run = findActiveAt(speaker.speech, timeMs);
  if (run !== undefined) {
    return [1, timeMs - run.startMs];
  }
  const past = speaker.speech.filter((interval) => interval.endMs <= timeMs);
  return past.length === 0 ? null : [0, Math.max(...past.map((interval) => interval.endMs))];
}

/** Speaking now beats any past speech (the longest-speaking first); otherwise the latest end of speech wins. */
function pickMostRecentSpeaker(present: readonly Speaker[], timeMs: number): Speaker | null {
  let best: { speaker: Speaker; recency: [number, number] } | null = null;
  for (const speaker of present) {
    const recency = recencyOf(speaker, timeMs);
    const beatsBest = best === null || (recency !== null && (recency[0] > best.recency[0] || (recency[0] === best.recency[0] && recency[1] > best.recency[1])));
    if (recency !== null && beatsBest) {
      best = { speaker, recency };
    }
  }
  return best?.speaker ?? null;
}

function decideHolder(speakers: readonly Speaker[], holderId: string | null, timeMs: number, holdMs: number): string | null {
  const present = speakers.filter((speaker) => isActiveAt(speaker.presence, timeMs));
  const holder = present.find((speaker) => speaker.id === holderId);
  if (holder !== undefined && isActiveAt(holder.speech, timeMs)) {
    return holder.id;
  }
  const challenger = pickChallenger(present, holderId, timeMs, holdMs);
  if (challenger !== null) {
    return challenger.id;
  }
  if (holder !== undefined || holderId === null) {
    return holderId;
  }
  return pickMostRecentSpeaker(present, timeMs)?.id ?? null;
}

/** Who holds the floor from 0 to `durationMs`: contiguous, sorted, merged; empty for an empty session. */
export function speakerTimeline(manifest: SessionManifest, holdMs: number = DEFAULT_HOLD_MS): FloorInterval[] {
  if (!(manifest.durationMs > 0)) {
    return [];
  }
  const hold = Number.isFinite(holdMs) ? Math.max(0, holdMs) : DEFAULT_HOLD_MS;
  const speakers = toSpeakers(manifest);
  const cutsMs = collectCutsMs(cutTimesMs(speakers, hold), manifest.durationMs);
  const floor: FloorInterval[] = [];
  let holderId: string | null = null;
  for (let i = 0; i + 1 < cutsMs.length; i++) {
    const startMs = cutsMs[i]!;
    holderId = decideHolder(speakers, holderId, startMs, hold);
    floor.push({ startMs, endMs: cutsMs[i + 1]!, participantId: holderId });
  }
  return mergeAdjacent(floor, (a, b) => a.participantId === b.participantId);
}
