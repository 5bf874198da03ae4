/**
 * What the pipeline produced for a session (HLS, per-participant renditions, posters), by path under the media
 * root. Each session has at most one ready output per kind: publishing one supersedes the previous.
 */
import { sql, type Kysely } from 'kysely';
import { RepriseError } from '../shared/errors.js';
import { toOutputRecord, type OutputRecord } from './records.js';
import type { CatalogSchema, OutputKind } from './schema.js';

export type OutputInput = { id?: string; sessionId: string; kind: OutputKind; path: string; jobId?: string | null; sizeBytes?: number | null };

export const createOutput = async (db: Kysely<CatalogSchema>, input: OutputInput): Promise<OutputRecord> => {
  const row = await db
    .insertInto('outputs')
    .values({ ...(input.id === undefined ? {} : { id: input.id }), session_id: input.sessionId, kind: input.kind, path: input.path, job_id: input.jobId ?? null, size_bytes: input.sizeBytes ?? null })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toOutputRecord(row);
};

export const publishOutput = (db: Kysely<CatalogSchema>, id: string, sizeBytes: number | undefined): Promise<OutputRecord | null> =>
  db.transaction().execute(async (trx) => {
    const output = await trx.selectFrom('outputs').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (output === undefined) {
      return null;
    }
    if (output.state === 'ready') {
      return toOutputRecord(output);
    }
    if (output.state !== 'processing') {
      throw new RepriseError('DB_CONFLICT', `cannot publish output ${id}: it is ${output.state}`, { details: { outputId: id, state: output.state } });
    }
    // Two publications for one session and kind take turns, so that the second supersedes the first.
    await sql`select pg_advisory_xact_lock(hashtext(${`reprise.outputs.${output.session_id}.${output.kind}`}))`.execute(trx);
    await trx
      .updateTable('outputs')
      .set({ state: 'superseded' })
      .where('session_id', '=', output.session_id)
      .where('kind', '=', output.kind)
      .where('state', '=', 'ready')
      .execute();
    const published = await trx
      .updateTable('outputs')
      .set({ state: 'ready', published_at: sql<string>`now()`, ...(sizeBytes === undefined ? {} : { size_bytes: sizeBytes }) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toOutputRecord(published);
  });

export const currentOutput = async (db: Kysely<CatalogSchema>, sessionId: string, kind: OutputKind): Promise<OutputRecord | null> => {
  const row = await db
    .selectFrom('outputs')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('kind', '=', kind)
    .where('state', '=', 'ready')
    .executeTakeFirst();
  return row === undefined ? null : toOutputRecord(row);
};

export const outputsOf = async (db: Kysely<CatalogSchema>, sessionId: string): Promise<OutputRecord[]> => {
  const rows = await db.selectFrom('outputs').selectAll().where('session_id', '=', sessionId).orderBy('seq', 'desc').execute();
  return rows.map(toOutputRecord);
};
