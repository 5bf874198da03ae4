/**
 * The catalog database: a PostgreSQL server given by URL, or by default an embedded PGlite kept in
 * `<dataDir>/catalog` and served on 127.0.0.1 (see pglite-server.ts), so that Kysely, `pg` and pg-boss all reach
 * either one through the same `connectionString`. Migrations run at open.
 *
 * Only one process may open an embedded catalog (PGlite opened twice corrupts it): `<dataDir>/catalog.lock`
 * holds the owner's PID and URL, and a second open fails with DB_CONNECT naming them.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrateCatalog } from '../catalog/migrations.js';
import type { CatalogSchema } from '../catalog/schema.js';
import { RepriseError } from '../shared/errors.js';
import { acquireCatalogLock, type CatalogLock } from './catalog-lock.js';
import { startPgliteServer } from './pglite-server.js';

export type Database = {
  /** postgres://… that pg, Kysely and pg-boss can connect to (for the embedded catalog: 127.0.0.1 and a free port). */
  connectionString: string;
  db: Kysely<CatalogSchema>;
  embedded: boolean;
  close(): Promise<void>;
};

export type DatabaseOptions = {
  /** A PostgreSQL server (postgres://…). Without it, the embedded catalog under `dataDir`. */
  url?: string;
  dataDir: string;
};

/**
 * Pool sizes. The embedded backend runs one statement at a time whatever the pool size, so a few connections
 * are enough to keep requests queued client-side; pg-boss brings its own pool (jobs/boss.ts).
 */
const EMBEDDED_POOL_SIZE = 4;
const SERVER_POOL_SIZE = 10;
/** The embedded server's connection limit: Kysely's pool + pg-boss's + tools, with room to spare. */
const EMBEDDED_MAX_CONNECTIONS = 64;

const PG_INT8 = 20;
const PG_TIMESTAMP = 1114;
const PG_TIMESTAMPTZ = 1184;

/** bigint as number (sizes, µs since the epoch: all far below 2^53), timestamps as epoch ms. */
const catalogTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === PG_INT8 && format !== 'binary') {
      return (value: string) => Number(value);
    }
    if ((oid === PG_TIMESTAMPTZ || oid === PG_TIMESTAMP) && format !== 'binary') {
      const parseDate = pg.types.getTypeParser(oid, 'text') as (value: string) => Date | number;
      return (value: string) => {
        const parsed = parseDate(value);
        return parsed instanceof Date ? parsed.getTime() : parsed;
      };
    }
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** The URL without its password, for messages. */
export const redactUrl = (url: string): string => url.replace(/(\/\/[^:/@]*):[^@/]*@/, '$1:***@');

const createKysely = (connectionString: string, max: number): Kysely<CatalogSchema> => {
  const pool = new pg.Pool({ connectionString, max, types: catalogTypes });
  // An idle connection that breaks is dropped by the pool; the next query reports the problem.
  pool.on('error', () => undefined);
  return new Kysely<CatalogSchema>({ dialect: new PostgresDialect({ pool }) });
};

const checkConnection = async (db: Kysely<CatalogSchema>, connectionString: string): Promise<void> => {
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    throw new RepriseError('DB_CONNECT', `cannot connect to the catalog database ${redactUrl(connectionString)}: ${(error as Error).message}`, {
      details: { url: redactUrl(connectionString) },
      cause: error,
    });
  }
};

/** Runs the cleanups in order, keeping the first error. */
const runCleanups = async (cleanups: Array<() => Promise<void>>): Promise<void> => {
  let failure: unknown;
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) {
    throw failure;
  }
};

const openServer = async (url: string): Promise<Database> => {
  const db = createKysely(url, SERVER_POOL_SIZE);
  try {
    await checkConnection(db, url);
    await migrateCatalog(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw error;
  }
  let closing: Promise<void> | undefined;
  return { connectionString: url, db, embedded: false, close: () => (closing ??= db.destroy()) };
};

const openPglite = async (dataDir: string): Promise<PGlite> => {
  try {
    return await PGlite.create(join(dataDir, 'catalog'));
  } catch (error) {
    throw new RepriseError('DB_CONNECT', `cannot open the embedded catalog in ${join(dataDir, 'catalog')}: ${(error as Error).message}`, {
      details: { dataDir },
      cause: error,
    });
  }
};

const lockCatalog = async (dataDir: string): Promise<CatalogLock> => {
  try {
    await mkdir(dataDir, { recursive: true });
    return await acquireCatalogLock(join(dataDir, 'catalog.lock'));
  } catch (error) {
    if (error instanceof RepriseError) {
      throw error;
    }
    throw new RepriseError('DB_CONNECT', `cannot lock the embedded catalog in ${dataDir}: ${(error as Error).message}`, { details: { dataDir }, cause: error });
  }
};

const openEmbedded = async (dataDir: string): Promise<Database> => {
  const lock = await lockCatalog(dataDir);
  const cleanups: Array<() => Promise<void>> = [() => lock.release()];
  try {
    const pglite = await openPglite(dataDir);
    cleanups.unshift(() => pglite.close());
    const server = await startPgliteServer(pglite, { host: '127.0.0.1', port: 0, maxConnections: EMBEDDED_MAX_CONNECTIONS });
    cleanups.unshift(() => server.stop());
    const connectionString = `postgres://postgres@${server.host}:${server.port}/postgres`;
    await lock.publish(connectionString);
    const db = createKysely(connectionString, EMBEDDED_POOL_SIZE);
    cleanups.unshift(() => db.destroy());
    await checkConnection(db, connectionString);
    await migrateCatalog(db);
    let closing: Promise<void> | undefined;
    return {
      connectionString,
      db,
      embedded: true,
      close: () => (closing ??= runCleanups(cleanups)),
    };
  } catch (error) {
    await runCleanups(cleanups).catch(() => undefined);
    throw error;
  }
};

/**
 * Opens the catalog and brings its schema up to date. Close it before exit (closing twice is fine): for the
 * embedded catalog this stops the server, closes PGlite cleanly and releases the lock. Stop pg-boss instances
 * using `connectionString` first.
 */
export const openDatabase = async (options: DatabaseOptions): Promise<Database> =>
  options.url === undefined ? openEmbedded(options.dataDir) : openServer(options.url);
