/**
 * Facts about participants that every layout shares: the one display order, which video tracks are live, and
 * which aspect ratio a tile keeps.
 */
import type { ManifestParticipant, ManifestTrack } from '../sessions/manifest.js';

export const DEFAULT_ASPECT = 16 / 9;

const firstJoinMs = (participant: ManifestParticipant): number =>
  participant.presence.reduce((min, interval) => Math.min(min, interval.startMs), Number.POSITIVE_INFINITY);

/** Plain code-unit order: the same on every machine, unlike localeCompare. */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Participants in the order they first joined, then by id: the order of tiles in every layout. */
export const orderParticipants = (participants: readonly ManifestParticipant[]): ManifestParticipant[] =>
  [...participants].sort((a, b) => {
    const byJoin = firstJoinMs(a) - firstJoinMs(b);
    // Infinity - Infinity is NaN for participants who were never present: fall through to the id.
    return Number.isNaN(byJoin) || byJoin === 0 ? compareIds(a.id, b.id) : byJoin;
  });

/** A video track whose description says "screen" (VideoRoom multistream's `d`, e.g. "screen" or "Screen share"). */
export const isScreenTrack = (track: ManifestTrack): boolean =>
  track.kind === 'video' && (track.description ?? '').toLowerCase().includes('screen');

/** The picture's aspect ratio when its size is known. */
export const aspectOfTrack = (track: ManifestTrack): number | null =>
  track.width !== null && track.height !== null && track.width > 0 && track.height > 0 ? track.width / track.height : null;

export type LiveVideo = { camera: ManifestTrack | null; screen: ManifestTrack | null };

/** The video tracks live at `timeMs`; of several of one kind, the latest started (a republish), then by file. */
export function findLiveVideo(participant: ManifestParticipant, timeMs: number): LiveVideo {
  const live = participant.tracks
    .filter((track) => track.kind === 'video' && track.startMs <= timeMs && timeMs < track.endMs)
    .sort((a, b) => b.startMs - a.startMs || compareIds(a.file, b.file));
  return {
    camera: live.find((track) => !isScreenTrack(track)) ?? null,
    screen: live.find(isScreenTrack) ?? null,
  };
}

/** The aspect a name tile keeps while no video is live: the participant's camera when its size is known. */
export function findRestingAspect(participant: ManifestParticipant): number {
  const videos = participant.tracks.filter((track) => track.kind === 'video');
  const byPreference = [...videos.filter((track) => !isScreenTrack(track)), ...videos.filter(isScreenTrack)];
  for (const track of byPreference) {
    const aspect = aspectOfTrack(track);
    if (aspect !== null) {
      return aspect;
    }
  }
  return DEFAULT_ASPECT;
}
