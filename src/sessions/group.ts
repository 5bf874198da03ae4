/**
 * Groups recordings into sessions → participants → tracks (pure): by the plugin/room/user the file names give,
 * then by time — recordings of one room belong to one session while they overlap or follow each other within
 * `maxGapMs`; a participant who leaves and comes back stays one participant with several presence intervals.
 * Files that follow no naming convention are grouped by time overlap alone.
 */
import type { RecordingName } from './file-names.js';
import { MANIFEST_VERSION, type Interval, type ManifestParticipant, type ManifestTrack, type SessionManifest } from './manifest.js';

export type RecordingInfo = {
  /** Path as it should appear in the manifest. */
  file: string;
  name: RecordingName;
  kind: 'audio' | 'video' | 'data';
  codec: string;
  description: string | null;
  /** Wall clock of the first and last packet (µs). */
  startUs: number;
  endUs: number;
  width: number | null;
  height: number | null;
  hasAudioLevel: boolean;
  /** From a Record&Play .nfo. */
  displayName?: string | null;
};

export type GroupOptions = {
  /** Recordings of one room further apart than this start a new session. */
  maxGapMs: number;
  /** For files that follow no naming convention: only overlapping (or nearly) recordings are one session. */
  unnamedMaxGapMs: number;
  /** A participant's absences shorter than this are not absences (a renegotiation, a track restart). */
  presenceGapMs: number;
};

export const DEFAULT_GROUP_OPTIONS: GroupOptions = { maxGapMs: 5 * 60_000, unnamedMaxGapMs: 10_000, presenceGapMs: 2000 };

type Cluster = { key: string; plugin: SessionManifest['plugin']; room: string | null; recordings: RecordingInfo[]; startUs: number; endUs: number };

/** The grouping key: the session-level identity a file name gives. */
const sessionKeyOf = (recording: RecordingInfo): { key: string; room: string | null } => {
  const { plugin, room, user, base } = recording.name;
  switch (plugin) {
    case 'videoroom':
    case 'audiobridge':
      return { key: `${plugin}:${room}`, room };
    case 'recordplay':
    case 'echotest':
      return { key: `${plugin}:${user}`, room: null };
    case 'sip':
    case 'nosip':
      return { key: `${plugin}:${(user ?? '').replace(/-(peer|own)$/, '')}`, room: null };
    case 'videocall':
      return { key: 'videocall', room: null };
    case 'unknown':
      return { key: 'unknown', room: null };
  }
  void base;
};

const participantKeyOf = (recording: RecordingInfo): string => recording.name.user ?? recording.name.base;

/** Merges intervals closer than gapMs. Input in any order. */
export const mergeIntervals = (intervals: readonly Interval[], gapMs: number): Interval[] => {
  const sorted = [...intervals].sort((a, b) => a.startMs - b.startMs);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && interval.startMs - last.endMs <= gapMs) {
      last.endMs = Math.max(last.endMs, interval.endMs);
    } else {
      merged.push({ ...interval });
    }
  }
  return merged;
};

const clusterByTime = (recordings: readonly RecordingInfo[], maxGapMs: number): RecordingInfo[][] => {
  const sorted = [...recordings].sort((a, b) => a.startUs - b.startUs || a.file.localeCompare(b.file));
  const clusters: Array<{ endUs: number; members: RecordingInfo[] }> = [];
  for (const recording of sorted) {
    const last = clusters.at(-1);
    if (last !== undefined && recording.startUs - last.endUs <= maxGapMs * 1000) {
      last.members.push(recording);
      last.endUs = Math.max(last.endUs, recording.endUs);
    } else {
      clusters.push({ endUs: recording.endUs, members: [recording] });
    }
  }
  return clusters.map((cluster) => cluster.members);
};

export const groupRecordings = (recordings: readonly RecordingInfo[], options: Partial<GroupOptions> = {}): SessionManifest[] => {
  const { maxGapMs, unnamedMaxGapMs, presenceGapMs } = { ...DEFAULT_GROUP_OPTIONS, ...options };
  const byKey = new Map<string, { room: string | null; plugin: SessionManifest['plugin']; recordings: RecordingInfo[] }>();
  for (const recording of recordings) {
    const { key, room } = sessionKeyOf(recording);
    const entry = byKey.get(key) ?? { room, plugin: recording.name.plugin, recordings: [] };
    entry.recordings.push(recording);
    byKey.set(key, entry);
  }
  const clusters: Cluster[] = [];
  for (const [key, entry] of byKey) {
    for (const members of clusterByTime(entry.recordings, key === 'unknown' ? unnamedMaxGapMs : maxGapMs)) {
      clusters.push({
        key,
        plugin: entry.plugin,
        room: entry.room,
        recordings: members,
        startUs: Math.min(...members.map((member) => member.startUs)),
        endUs: Math.max(...members.map((member) => member.endUs)),
      });
    }
  }
  return clusters.sort((a, b) => a.startUs - b.startUs || a.key.localeCompare(b.key)).map((cluster) => buildManifest(cluster, presenceGapMs));
};

const buildManifest = (cluster: Cluster, presenceGapMs: number): SessionManifest => {
  const originUs = cluster.startUs;
  const toMs = (us: number): number => Math.round((us - originUs) / 1000);
  const byParticipant = new Map<string, RecordingInfo[]>();
  for (const recording of cluster.recordings) {
    const key = participantKeyOf(recording);
    byParticipant.set(key, [...(byParticipant.get(key) ?? []), recording]);
  }
  const participants: ManifestParticipant[] = [...byParticipant.entries()].map(([id, members]) => {
    const tracks: ManifestTrack[] = members
      .sort((a, b) => a.startUs - b.startUs || a.file.localeCompare(b.file))
      .map((member) => ({
        file: member.file,
        kind: member.kind,
        codec: member.codec,
        mindex: member.name.mindex,
        description: member.description,
        startUs: member.startUs,
        endUs: member.endUs,
        startMs: toMs(member.startUs),
        endMs: toMs(member.endUs),
        width: member.width,
        height: member.height,
        hasAudioLevel: member.hasAudioLevel,
      }));
    const media = tracks.filter((track) => track.kind !== 'data');
    return {
      id,
      displayName: members.find((member) => member.displayName)?.displayName ?? null,
      tracks,
      presence: mergeIntervals((media.length > 0 ? media : tracks).map((track) => ({ startMs: track.startMs, endMs: track.endMs })), presenceGapMs),
      speaking: [],
      speakingSource: null,
    };
  });
  participants.sort((a, b) => (a.presence[0]?.startMs ?? 0) - (b.presence[0]?.startMs ?? 0) || a.id.localeCompare(b.id));
  const label = cluster.room ?? cluster.key.split(':')[1] ?? cluster.plugin;
  return {
    version: MANIFEST_VERSION,
    id: `${cluster.plugin}-${label}-${Math.floor(originUs / 1e6)}`.replace(/[^A-Za-z0-9._-]+/g, '_'),
    plugin: cluster.plugin,
    room: cluster.room,
    originUs,
    durationMs: toMs(cluster.endUs),
    participants,
    tileMap: null,
  };
};
