/**
 * What the catalog hands out: camelCase records with units in the names, times as epoch milliseconds, and the
 * mapping from table rows to them. Also the translation of database errors into Reprise's codes.
 */
import type { Selectable } from 'kysely';
import type { Interval, SessionManifest, TrackKind } from '../sessions/manifest.js';
import { RepriseError } from '../shared/errors.js';
import type {
  JobKind,
  JobsTable,
  JobState,
  OutputKind,
  OutputsTable,
  OutputState,
  ParticipantsTable,
  RecordingsTable,
  RecordingState,
  SessionState,
  SessionsTable,
  TracksTable,
} from './schema.js';

export type SessionRecord = {
  id: string;
  room: string | null;
  /** The Janus plugin that recorded it. */
  kind: string;
  title: string | null;
  startedAtMs: number;
  durationMs: number;
  state: SessionState;
  error: string | null;
  createdAtMs: number;
  updatedAtMs: number;
};

export type SessionSummary = SessionRecord & { participantCount: number; participantNames: string[] };

export type SessionDetailRecord = SessionRecord & { originUs: number; sourceDir: string; manifest: SessionManifest };

export type ParticipantRecord = { participantId: string; displayName: string | null; intervals: Interval[]; speaking: Interval[] };

export type TrackRecord = { id: number; participantId: string; kind: TrackKind; codec: string; file: string; startMs: number; endMs: number };

export type RecordingRecord = {
  path: string;
  sessionId: string | null;
  sizeBytes: number;
  mtimeMs: number;
  sha256: string | null;
  state: RecordingState;
  errorCode: string | null;
  firstSeenAtMs: number;
  updatedAtMs: number;
};

export type JobRecord = {
  id: string;
  sessionId: string;
  kind: JobKind;
  state: JobState;
  /** 0..1 */
  progress: number;
  attempts: number;
  error: string | null;
  bossJobId: string | null;
  payload: Record<string, unknown>;
  createdAtMs: number;
  startedAtMs: number | null;
  finishedAtMs: number | null;
  workerId: string | null;
  heartbeatAtMs: number | null;
  outputId: string | null;
  updatedAtMs: number;
};

export type OutputRecord = {
  id: string;
  sessionId: string;
  jobId: string | null;
  kind: OutputKind;
  /** Relative to the media root. */
  path: string;
  state: OutputState;
  sizeBytes: number | null;
  createdAtMs: number;
  publishedAtMs: number | null;
};

export type SessionDetail = {
  session: SessionDetailRecord;
  participants: ParticipantRecord[];
  tracks: TrackRecord[];
  /** The latest job of each kind, newest first. */
  jobs: JobRecord[];
  /** Every output not superseded (ready, processing or failed), newest first. */
  outputs: OutputRecord[];
};

type SessionRow = Omit<Selectable<SessionsTable>, 'manifest' | 'origin_us' | 'source_dir' | 'changed_at'>;

export const toSessionRecord = (row: SessionRow): SessionRecord => ({
  id: row.id,
  room: row.room,
  kind: row.kind,
  title: row.title,
  startedAtMs: row.started_at,
  durationMs: row.duration_ms,
  state: row.state,
  error: row.error,
  createdAtMs: row.created_at,
  updatedAtMs: row.updated_at,
});

export const toSessionDetailRecord = (row: Selectable<SessionsTable>): SessionDetailRecord => ({
  ...toSessionRecord(row),
  originUs: row.origin_us,
  sourceDir: row.source_dir,
  manifest: row.manifest,
});

export const toParticipantRecord = (row: Selectable<ParticipantsTable>): ParticipantRecord => ({
  participantId: row.participant_id,
  displayName: row.display_name,
  intervals: row.intervals,
  speaking: row.speaking,
});

export const toTrackRecord = (row: Selectable<TracksTable>): TrackRecord => ({
  id: row.id,
  participantId: row.participant_id,
  kind: row.kind,
  codec: row.codec,
  file: row.file,
  startMs: row.start_ms,
  endMs: row.end_ms,
});

export const toRecordingRecord = (row: Selectable<RecordingsTable>): RecordingRecord => ({
  path: row.path,
  sessionId: row.session_id,
  sizeBytes: row.size_bytes,
  mtimeMs: row.mtime_ms,
  sha256: row.sha256,
  state: row.state,
  errorCode: row.error_code,
  firstSeenAtMs: row.first_seen_at,
  updatedAtMs: row.updated_at,
});

export const toJobRecord = (row: Selectable<JobsTable>): JobRecord => ({
  id: row.id,
  sessionId: row.session_id,
  kind: row.kind,
  state: row.state,
  progress: row.progress,
  attempts: row.attempts,
  error: row.error,
  bossJobId: row.boss_job_id,
  payload: row.payload,
  createdAtMs: row.created_at,
  startedAtMs: row.started_at,
  finishedAtMs: row.finished_at,
  workerId: row.worker_id,
  heartbeatAtMs: row.heartbeat_at,
  outputId: row.output_id,
  updatedAtMs: row.updated_at,
});

export const toOutputRecord = (row: Selectable<OutputsTable>): OutputRecord => ({
  id: row.id,
  sessionId: row.session_id,
  jobId: row.job_id,
  kind: row.kind,
  path: row.path,
  state: row.state,
  sizeBytes: row.size_bytes,
  createdAtMs: row.created_at,
  publishedAtMs: row.published_at,
});

type DatabaseErrorFields = { code?: unknown; constraint?: unknown; message?: unknown };

/** node-postgres network failures, and SQLSTATE classes 08 (connection) and 57P (shutdown). */
const isConnectionFailure = (code: string): boolean =>
  ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND'].includes(code) || code.startsWith('08') || code.startsWith('57P');

/** Unique and foreign-key violations become DB_CONFLICT, lost connections DB_CONNECT; anything else is unchanged. */
export const translateDatabaseError = (action: string, error: unknown): unknown => {
  if (error instanceof RepriseError || typeof error !== 'object' || error === null) {
    return error;
  }
  const { code, constraint, message } = error as DatabaseErrorFields;
  const text = typeof message === 'string' ? message : String(error);
  const details = { constraint: typeof constraint === 'string' ? constraint : null };
  if (code === '23505') {
    return new RepriseError('DB_CONFLICT', `cannot ${action}: it already exists (${text})`, { details, cause: error });
  }
  if (code === '23503') {
    return new RepriseError('DB_CONFLICT', `cannot ${action}: it refers to something that does not exist (${text})`, { details, cause: error });
  }
  if (typeof code === 'string' && isConnectionFailure(code)) {
    return new RepriseError('DB_CONNECT', `cannot ${action}: the catalog database is unreachable (${text})`, { details, cause: error });
  }
  if (text.includes('Connection terminated') || text.includes('Cannot use a pool after calling end')) {
    return new RepriseError('DB_CONNECT', `cannot ${action}: the catalog database connection is closed (${text})`, { details, cause: error });
  }
  return error;
};
