/**
 * The session manifest: the one artefact every later step reads (composition, HLS, the server, the player).
 * Versioned JSON; all times are wall-clock µs since the Unix epoch or ms on the session timeline, whose zero
 * (`originUs`) is the first media of the session.
 */

export const MANIFEST_VERSION = 1;

export type TrackKind = 'audio' | 'video' | 'data';

export type ManifestTrack = {
  /** Path of the `.mjr` file, relative to the manifest's folder when written to disk. */
  file: string;
  kind: TrackKind;
  codec: string;
  /** VideoRoom m-line index, or null. */
  mindex: number | null;
  /** Stream description (`d` in the header), e.g. "camera" or "screen". */
  description: string | null;
  /** Wall clock of the first and last packet. */
  startUs: number;
  endUs: number;
  /** On the session timeline. */
  startMs: number;
  endMs: number;
  /** For video: the picture size seen first (null when unknown). */
  width: number | null;
  height: number | null;
  /** The track's header carried an audio-level (RFC 6464) extension. */
  hasAudioLevel: boolean;
};

/** A stretch of time, on the session timeline. */
export type Interval = { startMs: number; endMs: number };

export type ManifestParticipant = {
  /** Stable id within the session: the Janus user id where the name gives one. */
  id: string;
  /** Display name where known (Record&Play .nfo name, or given), else null. */
  displayName: string | null;
  tracks: ManifestTrack[];
  /** When the participant was present (any track), merged; several when they left and came back. */
  presence: Interval[];
  /** Speech, with hysteresis (no flicker). Filled by the speaking-activity step; empty until then. */
  speaking: Interval[];
  /** Where speaking came from: the audio-level extension, or the decoded audio's energy. */
  speakingSource: 'audio-level' | 'energy' | null;
};

/** A participant's fixed place in the mosaic rendition, and its audio channel there. */
export type TileMapEntry = { participantId: string; x: number; y: number; width: number; height: number; audioChannel: number | null };

export type TileMap = { width: number; height: number; tiles: TileMapEntry[]; audio: 'per-participant-channels' | 'mix' };

export type SessionManifest = {
  version: typeof MANIFEST_VERSION;
  /** e.g. "videoroom-1234-1795567682". Stable for the same recordings. */
  id: string;
  /** The plugin that recorded it, from the file names. */
  plugin: 'videoroom' | 'recordplay' | 'echotest' | 'videocall' | 'sip' | 'nosip' | 'audiobridge' | 'unknown';
  room: string | null;
  /** Wall-clock µs of the session timeline's zero: the earliest first packet of any track. */
  originUs: number;
  durationMs: number;
  participants: ManifestParticipant[];
  /** Set by the composition step when it renders the mosaic. */
  tileMap: TileMap | null;
};
