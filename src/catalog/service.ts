/**
 * Queries for the job service and the server around it: heartbeats and lost jobs (on database time), the
 * events feed, metrics counts, deleted-session tombstones, speaking activity written back after detection.
 */
import { sql, type Kysely } from 'kysely';
import type { SessionManifest } from '../sessions/manifest.js';
import { toJobRecord, type JobRecord } from './records.js';
import type { CatalogSchema, JobKind, JobState } from './schema.js';

export const getJob = async (db: Kysely<CatalogSchema>, id: string): Promise<JobRecord | null> => {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    return null;
  }
  const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toJobRecord(row);
};

/** Refreshes a running job's heartbeat and progress if `workerId` still runs it; returns the job's state. */
export const heartbeat = async (db: Kysely<CatalogSchema>, id: string, workerId: string, progress: number): Promise<JobState | null> => {
  await db
    .updateTable('jobs')
    .set({ heartbeat_at: sql<string>`now()`, progress: Math.min(1, Math.max(0, progress)), updated_at: sql<string>`now()` })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .where('worker_id', '=', workerId)
    .execute();
  const row = await db.selectFrom('jobs').select('state').where('id', '=', id).executeTakeFirst();
  return row?.state ?? null;
};

/** Running jobs whose worker has not said anything for `leaseMs` (measured on the database's clock). */
export const staleRunningJobs = async (db: Kysely<CatalogSchema>, leaseMs: number): Promise<JobRecord[]> => {
  const rows = await db
    .selectFrom('jobs')
    .selectAll()
    .where('state', '=', 'running')
    .where(sql<boolean>`heartbeat_at < now() - make_interval(secs => ${leaseMs / 1000})`)
    .execute();
  return rows.map(toJobRecord);
};

/** Jobs still 'queued' in the catalog that nothing has touched for `idleMs` (database time). */
export const idleQueuedJobs = async (db: Kysely<CatalogSchema>, idleMs: number): Promise<JobRecord[]> => {
  const rows = await db
    .selectFrom('jobs')
    .selectAll()
    .where('state', '=', 'queued')
    .where(sql<boolean>`updated_at < now() - make_interval(secs => ${idleMs / 1000})`)
    .execute();
  return rows.map(toJobRecord);
};

export type ChangeRow =
  | { type: 'job'; sessionId: string; job: { id: string; kind: string; state: string; progress: number; attempts: number; error: string | null } }
  | { type: 'session'; sessionId: string; session: { id: string; state: string; updatedAtMs: number } };

/** Jobs and sessions changed after `sinceMs` (database time), and the database time of this read. */
export const changesSince = async (db: Kysely<CatalogSchema>, sinceMs: number): Promise<{ events: ChangeRow[]; untilMs: number }> => {
  const since = new Date(sinceMs);
  const [{ nowMs }] = (await sql<{ nowMs: number }>`select (extract(epoch from now()) * 1000)::float8 as "nowMs"`.execute(db)).rows as [{ nowMs: number }];
  const jobs = await db.selectFrom('jobs').selectAll().where(sql<boolean>`updated_at > ${since}`).orderBy('updated_at').limit(500).execute();
  const sessions = await db.selectFrom('sessions').select(['id', 'state', 'updated_at']).where(sql<boolean>`updated_at > ${since}`).orderBy('updated_at').limit(500).execute();
  const events: ChangeRow[] = [
    ...sessions.map((row): ChangeRow => ({ type: 'session', sessionId: row.id, session: { id: row.id, state: row.state, updatedAtMs: row.updated_at } })),
    ...jobs.map((row): ChangeRow => ({
      type: 'job',
      sessionId: row.session_id,
      job: { id: row.id, kind: row.kind, state: row.state, progress: row.progress, attempts: row.attempts, error: row.error },
    })),
  ];
  return { events, untilMs: nowMs };
};

export const jobCounts = async (db: Kysely<CatalogSchema>): Promise<Array<{ kind: JobKind; state: JobState; count: number }>> => {
  const rows = await db.selectFrom('jobs').select(['kind', 'state', db.fn.countAll<number>().as('count')]).groupBy(['kind', 'state']).execute();
  return rows.map((row) => ({ kind: row.kind, state: row.state, count: Number(row.count) }));
};

export const rememberDeleted = async (db: Kysely<CatalogSchema>, id: string): Promise<void> => {
  await db.insertInto('deleted_sessions').values({ id }).onConflict((conflict) => conflict.column('id').doUpdateSet({ deleted_at: sql`now()` })).execute();
};

export const forgetDeleted = async (db: Kysely<CatalogSchema>, id: string): Promise<void> => {
  await db.deleteFrom('deleted_sessions').where('id', '=', id).execute();
};

export const isDeleted = async (db: Kysely<CatalogSchema>, id: string): Promise<boolean> =>
  (await db.selectFrom('deleted_sessions').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

/** Writes detected speaking activity back (manifest and participants), without marking the recordings changed. */
export const saveSpeaking = (db: Kysely<CatalogSchema>, manifest: SessionManifest): Promise<void> =>
  db.transaction().execute(async (trx) => {
    await trx.updateTable('sessions').set({ manifest: JSON.stringify(manifest), updated_at: sql`now()` }).where('id', '=', manifest.id).execute();
    for (const participant of manifest.participants) {
      await trx
        .updateTable('participants')
        .set({ speaking: JSON.stringify(participant.speaking) })
        .where('session_id', '=', manifest.id)
        .where('participant_id', '=', participant.id)
        .execute();
    }
  });

export const markSessionChanged = async (db: Kysely<CatalogSchema>, id: string): Promise<void> => {
  await db.updateTable('sessions').set({ changed_at: sql`now()`, updated_at: sql`now()` }).where('id', '=', id).execute();
};

export const sessionChangedSince = async (db: Kysely<CatalogSchema>, id: string, sinceMs: number): Promise<boolean> => {
  const row = await db.selectFrom('sessions').select('changed_at').where('id', '=', id).executeTakeFirst();
  return row !== undefined && row.changed_at > sinceMs;
};

/** The session as a job reads it, with the database time of the read (to tell later changes apart). */
export const loadSessionForJob = async (db: Kysely<CatalogSchema>, id: string): Promise<{ manifest: SessionManifest; sourceDir: string; loadedAtMs: number } | null> => {
  const row = await db
    .selectFrom('sessions')
    .select(['manifest', 'source_dir', sql<number>`(extract(epoch from now()) * 1000)::float8`.as('now_ms')])
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined ? null : { manifest: row.manifest, sourceDir: row.source_dir, loadedAtMs: row.now_ms };
};

export const failOutput = async (db: Kysely<CatalogSchema>, id: string): Promise<void> => {
  await db.updateTable('outputs').set({ state: 'failed' }).where('id', '=', id).where('state', '=', 'processing').execute();
};

export const ping = async (db: Kysely<CatalogSchema>): Promise<void> => {
  await sql`select 1`.execute(db);
};
