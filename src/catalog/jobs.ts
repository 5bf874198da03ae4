/**
 * Pipeline jobs as the catalog shows them (pg-boss keeps its own rows; `boss_job_id` links the two).
 */
import { sql, type Kysely } from 'kysely';
import { toJobRecord, type JobRecord } from './records.js';
import type { CatalogSchema, JobKind, JobState } from './schema.js';

export type JobInput = { id?: string; sessionId: string; kind: JobKind; payload?: Record<string, unknown>; bossJobId?: string | null; outputId?: string | null };

/** started_at is set when a job first becomes running; finished_at when it ends (and cleared when it is requeued). */
export type JobPatch = {
  state?: JobState;
  /** Clamped to 0..1; set to 1 on completion unless given. */
  progress?: number;
  attempts?: number;
  error?: string | null;
  bossJobId?: string | null;
  payload?: Record<string, unknown>;
  workerId?: string | null;
  outputId?: string | null;
};

const FINISHED_JOB_STATES: readonly JobState[] = ['completed', 'failed', 'cancelled'];
const ACTIVE_JOB_STATES: readonly JobState[] = ['queued', 'running'];

export const createJob = async (db: Kysely<CatalogSchema>, input: JobInput): Promise<JobRecord> => {
  const row = await db
    .insertInto('jobs')
    .values({
      ...(input.id === undefined ? {} : { id: input.id }),
      session_id: input.sessionId,
      kind: input.kind,
      payload: JSON.stringify(input.payload ?? {}),
      boss_job_id: input.bossJobId ?? null,
      output_id: input.outputId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toJobRecord(row);
};

export const updateJob = async (db: Kysely<CatalogSchema>, id: string, patch: JobPatch): Promise<JobRecord | null> => {
  const progress = patch.progress ?? (patch.state === 'completed' ? 1 : undefined);
  const finished = patch.state === undefined ? undefined : FINISHED_JOB_STATES.includes(patch.state);
  const row = await db
    .updateTable('jobs')
    .set({
      ...(patch.state === undefined ? {} : { state: patch.state }),
      ...(progress === undefined ? {} : { progress: Math.min(1, Math.max(0, progress)) }),
      ...(patch.attempts === undefined ? {} : { attempts: patch.attempts }),
      ...(patch.error === undefined ? {} : { error: patch.error }),
      ...(patch.bossJobId === undefined ? {} : { boss_job_id: patch.bossJobId }),
      ...(patch.payload === undefined ? {} : { payload: JSON.stringify(patch.payload) }),
      ...(patch.workerId === undefined ? {} : { worker_id: patch.workerId }),
      ...(patch.outputId === undefined ? {} : { output_id: patch.outputId }),
      ...(patch.state === 'running' ? { heartbeat_at: sql<string>`now()` } : {}),
      updated_at: sql<string>`now()`,
      ...(patch.state === 'running' ? { started_at: sql<string>`coalesce(started_at, now())` } : {}),
      ...(finished === undefined ? {} : { finished_at: finished ? sql<string>`now()` : null }),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? null : toJobRecord(row);
};

export const jobsOf = async (db: Kysely<CatalogSchema>, sessionId: string): Promise<JobRecord[]> => {
  const rows = await db.selectFrom('jobs').selectAll().where('session_id', '=', sessionId).orderBy('seq', 'desc').execute();
  return rows.map(toJobRecord);
};

export const activeJobOf = async (db: Kysely<CatalogSchema>, sessionId: string): Promise<JobRecord | null> => {
  const row = await db
    .selectFrom('jobs')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('state', 'in', [...ACTIVE_JOB_STATES])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? null : toJobRecord(row);
};
