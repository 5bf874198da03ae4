/**
 * The catalog: sessions and their participants and tracks, the recordings ingest has seen, pipeline jobs and
 * published outputs. One small method per operation the server needs (the queries live in sessions.ts,
 * recordings.ts, jobs.ts and outputs.ts); records come back camelCase with epoch-ms times (records.ts).
 * Unique and foreign-key violations surface as DB_CONFLICT, a lost database as DB_CONNECT.
 *
 * On the embedded backend every statement takes its turn on one session: code running inside a catalog
 * transaction must never wait for another catalog call (it would wait for the transaction, which waits for it).
 */
import type { Kysely } from 'kysely';
import type { SessionManifest } from '../sessions/manifest.js';
import { activeJobOf, createJob, jobsOf, updateJob, type JobInput, type JobPatch } from './jobs.js';
import { createOutput, currentOutput, outputsOf, publishOutput, type OutputInput } from './outputs.js';
import { markRecordings, recordingsByState, upsertRecording, type RecordingInput, type RecordingMarks } from './recordings.js';
import { translateDatabaseError, type JobRecord, type OutputRecord, type RecordingRecord, type SessionDetail } from './records.js';
import type { CatalogSchema, JobKind, JobState, OutputKind, RecordingState, SessionState } from './schema.js';
import * as service from './service.js';
import { deleteSession, getSession, listSessions, saveSession, setSessionState, type SessionPage, type SessionQuery } from './sessions.js';

export type { JobInput, JobPatch } from './jobs.js';
export type { OutputInput } from './outputs.js';
export type { RecordingInput, RecordingMarks } from './recordings.js';
export type { JobRecord, OutputRecord, ParticipantRecord, RecordingRecord, SessionDetail, SessionDetailRecord, SessionRecord, SessionSummary, TrackRecord } from './records.js';
export type { SessionPage, SessionQuery } from './sessions.js';

export class Catalog {
  readonly #db: Kysely<CatalogSchema>;

  constructor(db: Kysely<CatalogSchema>) {
    this.#db = db;
  }

  async #run<T>(action: string, work: (db: Kysely<CatalogSchema>) => Promise<T>): Promise<T> {
    try {
      return await work(this.#db);
    } catch (error) {
      throw translateDatabaseError(action, error);
    }
  }

  // ---- sessions

  /**
   * Records a session from its manifest: inserts it (state 'pending') or updates what the manifest says,
   * keeping its state, error, title, jobs and outputs; its participants and tracks are replaced. One transaction.
   */
  saveSession(manifest: SessionManifest, sourceDir: string): Promise<{ created: boolean }> {
    return this.#run(`save session ${manifest.id}`, (db) => saveSession(db, manifest, sourceDir));
  }

  /** Newest first, with each session's participant count and names (display name, else id), and the total. */
  listSessions(query: SessionQuery): Promise<SessionPage> {
    return this.#run('list sessions', (db) => listSessions(db, query));
  }

  /** The session with its participants, tracks, latest job of each kind and non-superseded outputs; null if unknown. */
  getSession(id: string): Promise<SessionDetail | null> {
    return this.#run(`read session ${id}`, (db) => getSession(db, id));
  }

  /** Deletes the session with its participants, tracks, jobs and outputs; its recordings stay, unlinked. */
  deleteSession(id: string): Promise<boolean> {
    return this.#run(`delete session ${id}`, (db) => deleteSession(db, id));
  }

  /** Sets the state and error (cleared unless given). False if the session is unknown. */
  setSessionState(id: string, state: SessionState, error?: string | null): Promise<boolean> {
    return this.#run(`set the state of session ${id}`, (db) => setSessionState(db, id, state, error ?? null));
  }

  // ---- recordings

  /** Records what ingest sees of a file now; first_seen_at is kept, and session_id unless given. */
  upsertRecording(input: RecordingInput): Promise<RecordingRecord> {
    return this.#run(`record ${input.path}`, (db) => upsertRecording(db, input));
  }

  /** Ordered by path. */
  recordingsByState(state: RecordingState | readonly RecordingState[]): Promise<RecordingRecord[]> {
    return this.#run('list recordings', (db) => recordingsByState(db, typeof state === 'string' ? [state] : state));
  }

  /** Sets the state, error code (cleared unless given) and session (kept unless given) of these files. Returns how many exist. */
  markRecordings(paths: readonly string[], state: RecordingState, marks: RecordingMarks = {}): Promise<number> {
    return this.#run(`mark ${paths.length} recordings ${state}`, (db) => markRecordings(db, paths, state, marks));
  }

  // ---- jobs

  /** A queued job. DB_CONFLICT if the session is unknown. */
  createJob(input: JobInput): Promise<JobRecord> {
    return this.#run(`create a ${input.kind} job for session ${input.sessionId}`, (db) => createJob(db, input));
  }

  /** Applies the patch; null if the job is unknown. */
  updateJob(id: string, patch: JobPatch): Promise<JobRecord | null> {
    return this.#run(`update job ${id}`, (db) => updateJob(db, id, patch));
  }

  /** Newest first. */
  jobsOf(sessionId: string): Promise<JobRecord[]> {
    return this.#run(`list the jobs of session ${sessionId}`, (db) => jobsOf(db, sessionId));
  }

  /** The newest queued or running job of the session, or null. */
  activeJobOf(sessionId: string): Promise<JobRecord | null> {
    return this.#run(`find the active job of session ${sessionId}`, (db) => activeJobOf(db, sessionId));
  }

  // ---- outputs

  /** A new output, 'processing' until published. */
  createOutput(input: OutputInput): Promise<OutputRecord> {
    return this.#run(`create a ${input.kind} output for session ${input.sessionId}`, (db) => createOutput(db, input));
  }

  /**
   * Makes the output the session's current one of its kind: it becomes 'ready' and the previous ready one
   * 'superseded', in one transaction (serialised per session and kind). Publishing a ready output again changes
   * nothing; a failed or superseded one is a DB_CONFLICT. Null if the output is unknown.
   */
  publishOutput(id: string, options: { sizeBytes?: number } = {}): Promise<OutputRecord | null> {
    return this.#run(`publish output ${id}`, (db) => publishOutput(db, id, options.sizeBytes));
  }

  /** The session's ready output of this kind, or null. */
  currentOutput(sessionId: string, kind: OutputKind): Promise<OutputRecord | null> {
    return this.#run(`find the current ${kind} output of session ${sessionId}`, (db) => currentOutput(db, sessionId, kind));
  }

  /** Every output of the session, superseded ones included, newest first. */
  outputsOf(sessionId: string): Promise<OutputRecord[]> {
    return this.#run(`list the outputs of session ${sessionId}`, (db) => outputsOf(db, sessionId));
  }

  // ---- the job service and the server (service.ts)

  getJob(id: string): Promise<JobRecord | null> {
    return this.#run(`read job ${id}`, (db) => service.getJob(db, id));
  }

  heartbeat(jobId: string, workerId: string, progress: number): Promise<JobState | null> {
    return this.#run(`heartbeat of job ${jobId}`, (db) => service.heartbeat(db, jobId, workerId, progress));
  }

  staleRunningJobs(leaseMs: number): Promise<JobRecord[]> {
    return this.#run('find jobs lost by their worker', (db) => service.staleRunningJobs(db, leaseMs));
  }

  idleQueuedJobs(idleMs: number): Promise<JobRecord[]> {
    return this.#run('find queued jobs nothing touched', (db) => service.idleQueuedJobs(db, idleMs));
  }

  changesSince(sinceMs: number): Promise<{ events: service.ChangeRow[]; untilMs: number }> {
    return this.#run('read changes', (db) => service.changesSince(db, sinceMs));
  }

  jobCounts(): Promise<Array<{ kind: JobKind; state: JobState; count: number }>> {
    return this.#run('count jobs', (db) => service.jobCounts(db));
  }

  rememberDeleted(id: string): Promise<void> {
    return this.#run(`remember session ${id} as deleted`, (db) => service.rememberDeleted(db, id));
  }

  forgetDeleted(id: string): Promise<void> {
    return this.#run(`forget session ${id} as deleted`, (db) => service.forgetDeleted(db, id));
  }

  isDeleted(id: string): Promise<boolean> {
    return this.#run(`check whether session ${id} was deleted`, (db) => service.isDeleted(db, id));
  }

  saveSpeaking(manifest: SessionManifest): Promise<void> {
    return this.#run(`save the speaking activity of session ${manifest.id}`, (db) => service.saveSpeaking(db, manifest));
  }

  markSessionChanged(id: string): Promise<void> {
    return this.#run(`mark session ${id} changed`, (db) => service.markSessionChanged(db, id));
  }

  sessionChangedSince(id: string, sinceMs: number): Promise<boolean> {
    return this.#run(`check session ${id} for changes`, (db) => service.sessionChangedSince(db, id, sinceMs));
  }

  loadSessionForJob(id: string): Promise<{ manifest: SessionManifest; sourceDir: string; loadedAtMs: number } | null> {
    return this.#run(`load session ${id}`, (db) => service.loadSessionForJob(db, id));
  }

  failOutput(id: string): Promise<void> {
    return this.#run(`fail output ${id}`, (db) => service.failOutput(db, id));
  }

  ping(): Promise<void> {
    return this.#run('reach the database', (db) => service.ping(db));
  }
}
