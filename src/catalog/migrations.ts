/**
 * The catalog's schema, as numbered migrations applied in order at open (Kysely's Migrator, which records them in
 * `kysely_migration` and serialises concurrent runs with an advisory lock). A migration, once released, never
 * changes: add `0002_…` instead. Names sort as strings, hence the zero padding.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { RepriseError } from '../shared/errors.js';
import { JOB_KINDS, JOB_STATES, OUTPUT_KINDS, OUTPUT_STATES, RECORDING_STATES, SESSION_STATES, TRACK_KINDS } from './schema.js';
import type { CatalogSchema } from './schema.js';

// Migrations must not depend on today's table types: they see the database as it was.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

const oneOf = (column: string, values: readonly string[]) => sql`${sql.ref(column)} in (${sql.join(values.map((value) => sql.lit(value)))})`;

const initial: Migration = {
  async up(db: AnyDatabase): Promise<void> {
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('room', 'text')
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('title', 'text')
      .addColumn('started_at', 'timestamptz', (col) => col.notNull())
      .addColumn('duration_ms', 'integer', (col) => col.notNull().check(sql`duration_ms >= 0`))
      .addColumn('origin_us', 'bigint', (col) => col.notNull())
      .addColumn('manifest', 'jsonb', (col) => col.notNull())
      .addColumn('source_dir', 'text', (col) => col.notNull())
      .addColumn('state', 'text', (col) => col.notNull().defaultTo('pending').check(oneOf('state', SESSION_STATES)))
      .addColumn('error', 'text')
      .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .execute();
    // Listing is newest first, optionally within one room.
    await db.schema.createIndex('sessions_started_at').on('sessions').columns(['started_at desc', 'id']).execute();
    await db.schema.createIndex('sessions_room_started_at').on('sessions').columns(['room', 'started_at desc']).execute();

    await db.schema
      .createTable('participants')
      .addColumn('session_id', 'text', (col) => col.notNull().references('sessions.id').onDelete('cascade'))
      .addColumn('participant_id', 'text', (col) => col.notNull())
      .addColumn('display_name', 'text')
      .addColumn('intervals', 'jsonb', (col) => col.notNull())
      .addColumn('speaking', 'jsonb', (col) => col.notNull())
      .addPrimaryKeyConstraint('participants_pkey', ['session_id', 'participant_id'])
      .execute();

    await db.schema
      .createTable('tracks')
      .addColumn('id', 'serial', (col) => col.primaryKey())
      .addColumn('session_id', 'text', (col) => col.notNull())
      .addColumn('participant_id', 'text', (col) => col.notNull())
      .addColumn('kind', 'text', (col) => col.notNull().check(oneOf('kind', TRACK_KINDS)))
      .addColumn('codec', 'text', (col) => col.notNull())
      .addColumn('file', 'text', (col) => col.notNull())
      .addColumn('start_ms', 'integer', (col) => col.notNull())
      .addColumn('end_ms', 'integer', (col) => col.notNull())
      // A track belongs to a participant of the same session; both go when the session goes.
      .addForeignKeyConstraint('tracks_participant_fkey', ['session_id', 'participant_id'], 'participants', ['session_id', 'participant_id'], (fk) =>
        fk.onDelete('cascade'),
      )
      .execute();
    await db.schema.createIndex('tracks_session_participant').on('tracks').columns(['session_id', 'participant_id']).execute();

    await db.schema
      .createTable('recordings')
      .addColumn('path', 'text', (col) => col.primaryKey())
      .addColumn('session_id', 'text', (col) => col.references('sessions.id').onDelete('set null'))
      .addColumn('size_bytes', 'bigint', (col) => col.notNull())
      .addColumn('mtime_ms', 'double precision', (col) => col.notNull())
      .addColumn('sha256', 'text')
      .addColumn('state', 'text', (col) => col.notNull().check(oneOf('state', RECORDING_STATES)))
      .addColumn('error_code', 'text')
      .addColumn('first_seen_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema.createIndex('recordings_state').on('recordings').columns(['state', 'path']).execute();
    await db.schema.createIndex('recordings_session').on('recordings').column('session_id').execute();

    await db.schema
      .createTable('jobs')
      .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
      // Insertion order, for "newest first": created_at can tie (PGlite's clock ticks in milliseconds).
      .addColumn('seq', 'bigint', (col) => col.notNull().generatedAlwaysAsIdentity())
      .addColumn('session_id', 'text', (col) => col.notNull().references('sessions.id').onDelete('cascade'))
      .addColumn('kind', 'text', (col) => col.notNull().check(oneOf('kind', JOB_KINDS)))
      .addColumn('state', 'text', (col) => col.notNull().defaultTo('queued').check(oneOf('state', JOB_STATES)))
      .addColumn('progress', 'real', (col) => col.notNull().defaultTo(0).check(sql`progress >= 0 and progress <= 1`))
      .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('error', 'text')
      .addColumn('boss_job_id', 'text')
      .addColumn('payload', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addColumn('started_at', 'timestamptz')
      .addColumn('finished_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('jobs_session_seq').on('jobs').columns(['session_id', 'seq desc']).execute();

    await db.schema
      .createTable('outputs')
      .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('seq', 'bigint', (col) => col.notNull().generatedAlwaysAsIdentity())
      .addColumn('session_id', 'text', (col) => col.notNull().references('sessions.id').onDelete('cascade'))
      .addColumn('job_id', 'uuid', (col) => col.references('jobs.id').onDelete('set null'))
      .addColumn('kind', 'text', (col) => col.notNull().check(oneOf('kind', OUTPUT_KINDS)))
      .addColumn('path', 'text', (col) => col.notNull())
      .addColumn('state', 'text', (col) => col.notNull().defaultTo('processing').check(oneOf('state', OUTPUT_STATES)))
      .addColumn('size_bytes', 'bigint')
      .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addColumn('published_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('outputs_session_kind').on('outputs').columns(['session_id', 'kind', 'seq desc']).execute();
    // At most one current (ready) output per session and kind: publishOutput supersedes the previous one first.
    await db.schema.createIndex('outputs_one_ready').unique().on('outputs').columns(['session_id', 'kind']).where(sql.ref('state'), '=', 'ready').execute();
  },

  async down(db: AnyDatabase): Promise<void> {
    for (const table of ['outputs', 'jobs', 'recordings', 'tracks', 'participants', 'sessions']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};

/**
 * What the job service needs: who runs a job and when it last said so (database time, so workers on several
 * machines agree), the output it fills, at most one active job per session (enforced here, not only checked),
 * when a session's recordings last changed, and the sessions a user deleted (a watched folder must not bring
 * them back).
 */
const service: Migration = {
  async up(db: AnyDatabase): Promise<void> {
    await db.schema
      .alterTable('jobs')
      .addColumn('worker_id', 'text')
      .addColumn('heartbeat_at', 'timestamptz')
      .addColumn('output_id', 'uuid', (col) => col.references('outputs.id').onDelete('set null'))
      .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .execute();
    await sql`create unique index jobs_one_active_per_session on jobs (session_id) where state in ('queued', 'running')`.execute(db);
    await db.schema.createIndex('jobs_updated_at').on('jobs').column('updated_at').execute();
    await db.schema.createIndex('jobs_running_heartbeat').on('jobs').column('heartbeat_at').where(sql.ref('state'), '=', 'running').execute();
    await db.schema.alterTable('sessions').addColumn('changed_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`)).execute();
    await db.schema.createIndex('sessions_updated_at').on('sessions').column('updated_at').execute();
    await db.schema
      .createTable('deleted_sessions')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('deleted_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .execute();
  },
  async down(db: AnyDatabase): Promise<void> {
    await db.schema.dropTable('deleted_sessions').ifExists().execute();
    await db.schema.dropIndex('sessions_updated_at').ifExists().execute();
    await db.schema.alterTable('sessions').dropColumn('changed_at').execute();
    await sql`drop index if exists jobs_one_active_per_session`.execute(db);
    await db.schema.dropIndex('jobs_running_heartbeat').ifExists().execute();
    await db.schema.dropIndex('jobs_updated_at').ifExists().execute();
    for (const column of ['worker_id', 'heartbeat_at', 'output_id', 'updated_at']) {
      await db.schema.alterTable('jobs').dropColumn(column).execute();
    }
  },
};

/** Every migration, by name. Append only. */
export const CATALOG_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_initial': initial,
  '0002_service': service,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve({ ...CATALOG_MIGRATIONS }) };

/** Brings the catalog to the latest schema. Safe to run at every start and from several processes at once. */
export const migrateCatalog = async (db: Kysely<CatalogSchema>): Promise<string[]> => {
  const migrator = new Migrator({ db, provider });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const cause = error instanceof Error ? error.message : String(error);
    throw new RepriseError('DB_MIGRATION', `cannot bring the catalog schema up to date${failed === undefined ? '' : ` (migration ${failed})`}: ${cause}`, {
      details: { migration: failed ?? null },
      cause: error,
    });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
};
