/**
 * The session cut into scenes: stretches of time where nothing a layout looks at changes (who is present, which
 * video tracks are live, who holds the floor). Layouts turn each scene into regions; equal neighbours merge later.
 */
import type { ManifestParticipant, ManifestTrack, SessionManifest } from '../sessions/manifest.js';
import { collectCutsMs, findActiveAt, isActiveAt, normalizeIntervals } from './intervals.js';
import type { Region } from './layout-types.js';
import { DEFAULT_ASPECT, aspectOfTrack, findLiveVideo, findRestingAspect, orderParticipants } from './participants.js';
import { speakerTimeline } from './speaker-timeline.js';
import { fitAspect, type Rect } from './geometry.js';

export type SceneParticipant = {
  id: string;
  label: string | null;
  camera: ManifestTrack | null;
  screen: ManifestTrack | null;
  /** The aspect of the name tile drawn while no video is live. */
  restingAspect: number;
};

export type Scene = {
  startMs: number;
  endMs: number;
  /** In join order. */
  present: SceneParticipant[];
  /** Who holds the floor (see speaker-timeline.ts). */
  floorId: string | null;
  /** Who the speaker layout shows large: the floor holder, else whoever was large and is still here, else the first present. */
  featuredId: string | null;
};

/** What one region draws: a participant and one of their video tracks (or a name tile). */
export type Tile = { participantId: string; label: string | null; track: ManifestTrack | null; aspect: number };

const tileOf = (participant: SceneParticipant, track: ManifestTrack | null): Tile => ({
  participantId: participant.id,
  label: participant.label,
  track,
  aspect: track === null ? participant.restingAspect : (aspectOfTrack(track) ?? DEFAULT_ASPECT),
});

/** The camera, else the screen, else a name tile. */
export const cameraTile = (participant: SceneParticipant): Tile => tileOf(participant, participant.camera ?? participant.screen);

/** The screen, else the camera, else a name tile. */
export const screenTile = (participant: SceneParticipant): Tile => tileOf(participant, participant.screen ?? participant.camera);

/** The tile fitted into `cell`; null when the cell is too small to draw anything. */
export function placeTile(tile: Tile, cell: Rect, z: number): Region | null {
  const box = fitAspect(cell, tile.aspect);
  if (box.width < 2 || box.height < 2) {
    return null;
  }
  const region: Region = { participantId: tile.participantId, ...box, z, hasVideo: tile.track !== null, label: tile.label };
  if (tile.track !== null) {
    region.trackFile = tile.track.file;
  }
  return region;
}

const cutTimesMs = (participants: readonly ManifestParticipant[]): number[] =>
  participants.flatMap((participant) => [
    ...participant.presence.flatMap((interval) => [interval.startMs, interval.endMs]),
    ...participant.tracks.filter((track) => track.kind === 'video').flatMap((track) => [track.startMs, track.endMs]),
  ]);

const labelOf = (participant: ManifestParticipant, labels: boolean): string | null => (labels ? (participant.displayName ?? participant.id) : null);

/** Scenes covering [0, durationMs], sorted and contiguous; none for an empty session. */
export function buildScenes(manifest: SessionManifest, options: { labels: boolean; holdMs: number }): Scene[] {
  const { durationMs } = manifest;
  if (!(durationMs > 0)) {
    return [];
  }
  const participants = orderParticipants(manifest.participants).map((participant) => ({
    participant,
    presence: normalizeIntervals(participant.presence, 0, durationMs),
    restingAspect: findRestingAspect(participant),
  }));
  const floor = speakerTimeline(manifest, options.holdMs);
  const cutsMs = collectCutsMs([...cutTimesMs(manifest.participants), ...floor.map((interval) => interval.startMs)], durationMs);
  const scenes: Scene[] = [];
  let featuredId: string | null = null;
  for (let i = 0; i + 1 < cutsMs.length; i++) {
    const startMs = cutsMs[i]!;
    const present = participants
      .filter((entry) => isActiveAt(entry.presence, startMs))
      .map(({ participant, restingAspect }): SceneParticipant => ({
        id: participant.id,
        label: labelOf(participant, options.labels),
        ...findLiveVideo(participant, startMs),
        restingAspect,
      }));
    const floorId = findActiveAt(floor, startMs)?.participantId ?? null;
    featuredId = chooseFeatured(present, floorId, featuredId);
    scenes.push({ startMs, endMs: cutsMs[i + 1]!, present, floorId, featuredId });
  }
  return scenes;
}

/** The floor holder, else whoever was featured and is still here, else the first present (the first to join). */
function chooseFeatured(present: readonly SceneParticipant[], floorId: string | null, previousId: string | null): string | null {
  const isPresent = (id: string | null): id is string => id !== null && present.some((participant) => participant.id === id);
  if (isPresent(floorId)) {
    return floorId;
  }
  if (isPresent(previousId)) {
    return previousId;
  }
  return present[0]?.id ?? null;
}
