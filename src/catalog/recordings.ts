/**
 * The .mjr files ingest has seen, by absolute path: their size and mtime as last seen, and how far they got.
 */
import { sql, type Kysely } from 'kysely';
import { toRecordingRecord, type RecordingRecord } from './records.js';
import type { CatalogSchema, RecordingState } from './schema.js';

export type RecordingInput = {
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  state: RecordingState;
  sha256?: string | null;
  errorCode?: string | null;
  /** Left unchanged on an existing row when omitted. */
  sessionId?: string | null;
};

export type RecordingMarks = { sessionId?: string | null; errorCode?: string | null };

export const upsertRecording = async (db: Kysely<CatalogSchema>, input: RecordingInput): Promise<RecordingRecord> => {
  const row = await db
    .insertInto('recordings')
    .values({
      path: input.path,
      size_bytes: input.sizeBytes,
      mtime_ms: input.mtimeMs,
      sha256: input.sha256 ?? null,
      state: input.state,
      error_code: input.errorCode ?? null,
      session_id: input.sessionId ?? null,
    })
    .onConflict((conflict) =>
      conflict.column('path').doUpdateSet((eb) => ({
        size_bytes: eb.ref('excluded.size_bytes'),
        mtime_ms: eb.ref('excluded.mtime_ms'),
        sha256: eb.ref('excluded.sha256'),
        state: eb.ref('excluded.state'),
        error_code: eb.ref('excluded.error_code'),
        ...(input.sessionId === undefined ? {} : { session_id: eb.ref('excluded.session_id') }),
        updated_at: sql`now()`,
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRecordingRecord(row);
};

export const recordingsByState = async (db: Kysely<CatalogSchema>, states: readonly RecordingState[]): Promise<RecordingRecord[]> => {
  if (states.length === 0) {
    return [];
  }
  const rows = await db.selectFrom('recordings').selectAll().where('state', 'in', [...states]).orderBy('path').execute();
  return rows.map(toRecordingRecord);
};

export const markRecordings = async (db: Kysely<CatalogSchema>, paths: readonly string[], state: RecordingState, marks: RecordingMarks): Promise<number> => {
  if (paths.length === 0) {
    return 0;
  }
  const result = await db
    .updateTable('recordings')
    .set({
      state,
      error_code: marks.errorCode ?? null,
      ...(marks.sessionId === undefined ? {} : { session_id: marks.sessionId }),
      updated_at: sql`now()`,
    })
    .where('path', 'in', [...paths])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
};
