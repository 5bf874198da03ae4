/**
 * The catalog's tables as Kysely sees them (the DDL is in migrations.ts). The connection pool parses `bigint`
 * to a number and `timestamptz` to epoch milliseconds (see store/database.ts), so selects give numbers; inserts
 * take a Date or an ISO string. `jsonb` columns are written as JSON text (node-postgres would turn a JS array
 * into a PostgreSQL array) and read back parsed.
 */
import type { ColumnType, Generated } from 'kysely';
import type { Interval, SessionManifest, TrackKind } from '../sessions/manifest.js';

export type SessionState = 'pending' | 'processing' | 'ready' | 'failed';
export type RecordingState = 'growing' | 'stable' | 'ingested' | 'rejected';
export type JobKind = 'convert' | 'compose' | 'package' | 'thumbnails';
export type JobState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type OutputKind = 'hls' | 'participant' | 'poster';
export type OutputState = 'processing' | 'ready' | 'failed' | 'superseded';

export const SESSION_STATES: readonly SessionState[] = ['pending', 'processing', 'ready', 'failed'];
export const RECORDING_STATES: readonly RecordingState[] = ['growing', 'stable', 'ingested', 'rejected'];
export const TRACK_KINDS: readonly TrackKind[] = ['audio', 'video', 'data'];
export const JOB_KINDS: readonly JobKind[] = ['convert', 'compose', 'package', 'thumbnails'];
export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];
export const OUTPUT_KINDS: readonly OutputKind[] = ['hls', 'participant', 'poster'];
export const OUTPUT_STATES: readonly OutputState[] = ['processing', 'ready', 'failed', 'superseded'];

/** Epoch ms when read; a Date or ISO string when written. */
type Timestamp = ColumnType<number, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<number, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<number | null, Date | string | null | undefined, Date | string | null>;
/** PostgreSQL bigint, read as a (safe) number. */
type Int8 = ColumnType<number, number, number>;
type NullableInt8 = ColumnType<number | null, number | null | undefined, number | null>;
type Json<T> = ColumnType<T, string, string>;

export type SessionsTable = {
  id: string;
  room: string | null;
  /** The Janus plugin that recorded it (SessionManifest.plugin). */
  kind: string;
  title: string | null;
  started_at: Timestamp;
  duration_ms: number;
  origin_us: Int8;
  manifest: Json<SessionManifest>;
  source_dir: string;
  state: ColumnType<SessionState, SessionState | undefined, SessionState>;
  error: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  /** When its recordings last changed (a participant joined later): 0002. */
  changed_at: DefaultTimestamp;
};

export type ParticipantsTable = {
  session_id: string;
  participant_id: string;
  display_name: string | null;
  /** SessionManifest presence. */
  intervals: Json<Interval[]>;
  speaking: Json<Interval[]>;
};

export type TracksTable = {
  id: Generated<number>;
  session_id: string;
  participant_id: string;
  kind: TrackKind;
  codec: string;
  file: string;
  start_ms: number;
  end_ms: number;
};

export type RecordingsTable = {
  /** Absolute path of an .mjr file seen by ingest. */
  path: string;
  session_id: string | null;
  size_bytes: Int8;
  mtime_ms: number;
  sha256: string | null;
  state: RecordingState;
  error_code: string | null;
  first_seen_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type JobsTable = {
  id: Generated<string>;
  /** Insertion order (created_at can tie). */
  seq: Generated<number>;
  session_id: string;
  kind: JobKind;
  state: ColumnType<JobState, JobState | undefined, JobState>;
  /** 0..1 */
  progress: ColumnType<number, number | undefined, number>;
  attempts: ColumnType<number, number | undefined, number>;
  error: string | null;
  boss_job_id: string | null;
  payload: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: DefaultTimestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  /** host:pid of the worker running it (0002). */
  worker_id: string | null;
  /** Database time of the running worker's last sign of life (0002). */
  heartbeat_at: NullableTimestamp;
  output_id: string | null;
  updated_at: DefaultTimestamp;
};

export type DeletedSessionsTable = {
  id: string;
  deleted_at: DefaultTimestamp;
};

export type OutputsTable = {
  id: Generated<string>;
  /** Insertion order (created_at can tie). */
  seq: Generated<number>;
  session_id: string;
  job_id: string | null;
  kind: OutputKind;
  /** Relative to the media root. */
  path: string;
  state: ColumnType<OutputState, OutputState | undefined, OutputState>;
  size_bytes: NullableInt8;
  created_at: DefaultTimestamp;
  published_at: NullableTimestamp;
};

export type CatalogSchema = {
  sessions: SessionsTable;
  participants: ParticipantsTable;
  tracks: TracksTable;
  recordings: RecordingsTable;
  jobs: JobsTable;
  outputs: OutputsTable;
  deleted_sessions: DeletedSessionsTable;
};
