/**
 * The database backends the suite runs catalog and job tests against:
 *
 * - `pglite`, always: a fresh embedded catalog in a temporary data dir per `open()`. Creating a PGlite cluster
 *   (initdb) costs seconds, so the first open builds a migrated template once, cached under
 *   `<tmpdir>/reprise-test-cache/` and keyed by the PGlite version and the migrations' source, and every open
 *   copies it (tens of ms).
 * - `postgres`, when a server is available: `REPRISE_TEST_DATABASE_URL`, or the throwaway cluster started by
 *   test/support/postgres-setup.ts (vitest globalSetup). Each `open()` creates a database `reprise_test_<random>`
 *   and `dispose()` drops it.
 *
 *     describe.each(databaseBackends())('catalog on $name', (backend) => { … await backend.open() … })
 */
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { inject } from 'vitest';
import { CATALOG_MIGRATIONS } from '../../src/catalog/migrations.js';
import { openDatabase, type Database } from '../../src/store/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by test/support/postgres-setup.ts: the throwaway cluster's URL, or null without PostgreSQL. */
    reprisePostgresUrl: string | null;
  }
}

export type BackendName = 'pglite' | 'postgres';

export type TestDatabase = Database & {
  backend: BackendName;
  /** The embedded catalog's data dir (null for PostgreSQL). */
  dataDir: string | null;
  /** Closes the database and deletes it (the data dir, or the PostgreSQL database). */
  dispose(): Promise<void>;
};

export type DatabaseBackend = { name: BackendName; open(): Promise<TestDatabase> };

/** The PostgreSQL server to test against, if any. */
export const testPostgresUrl = (): string | null => {
  const fromEnvironment = process.env['REPRISE_TEST_DATABASE_URL'];
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    return fromEnvironment;
  }
  return inject('reprisePostgresUrl') ?? null;
};

const pathExists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

const templateKey = async (): Promise<string> => {
  const pglitePackage = fileURLToPath(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url));
  const { version } = JSON.parse(await readFile(pglitePackage, 'utf8')) as { version: string };
  const hash = createHash('sha256').update(version);
  for (const [name, migration] of Object.entries(CATALOG_MIGRATIONS)) {
    hash.update(name).update(migration.up.toString());
  }
  return hash.digest('hex').slice(0, 16);
};

/** A migrated embedded catalog to copy, built once and shared by test processes (built elsewhere, then renamed in). */
const buildTemplate = async (): Promise<string> => {
  const cacheDir = join(tmpdir(), 'reprise-test-cache');
  const templateDir = join(cacheDir, `pglite-catalog-${await templateKey()}`);
  if (await pathExists(join(templateDir, 'catalog', 'PG_VERSION'))) {
    return templateDir;
  }
  await mkdir(cacheDir, { recursive: true });
  const buildDir = await mkdtemp(join(cacheDir, 'building-'));
  try {
    const database = await openDatabase({ dataDir: buildDir });
    await database.close();
    await rename(buildDir, templateDir);
    // Templates of earlier migrations or PGlite versions are not needed any more.
    for (const entry of await readdir(cacheDir)) {
      if (entry.startsWith('pglite-catalog-') && join(cacheDir, entry) !== templateDir) {
        await rm(join(cacheDir, entry), { recursive: true, force: true });
      }
    }
  } catch (error) {
    await rm(buildDir, { recursive: true, force: true });
    if (!(await pathExists(join(templateDir, 'catalog', 'PG_VERSION')))) {
      throw error; // not just another process finishing first
    }
  }
  return templateDir;
};

let template: Promise<string> | undefined;

/** A temporary data dir holding a migrated embedded catalog, ready for openDatabase({ dataDir }). */
export const createCatalogDataDir = async (): Promise<string> => {
  const templateDir = await (template ??= buildTemplate());
  const dataDir = await mkdtemp(join(tmpdir(), 'reprise-test-catalog-'));
  await cp(join(templateDir, 'catalog'), join(dataDir, 'catalog'), { recursive: true });
  return dataDir;
};

const openPglite = async (): Promise<TestDatabase> => {
  const dataDir = await createCatalogDataDir();
  const database = await openDatabase({ dataDir });
  return {
    ...database,
    backend: 'pglite',
    dataDir,
    dispose: async () => {
      await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};

const withDatabaseName = (url: string, name: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
};

const adminQuery = async (url: string, text: string): Promise<void> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
};

const openPostgres = async (serverUrl: string): Promise<TestDatabase> => {
  const name = `reprise_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  try {
    const database = await openDatabase({ url: withDatabaseName(serverUrl, name), dataDir: tmpdir() });
    return {
      ...database,
      backend: 'postgres',
      dataDir: null,
      dispose: async () => {
        await database.close();
        // FORCE: a test that forgot to stop its pg-boss must not leave the database behind.
        await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  } catch (error) {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    throw error;
  }
};

export const databaseBackends = (): DatabaseBackend[] => {
  const postgresUrl = testPostgresUrl();
  const backends: DatabaseBackend[] = [{ name: 'pglite', open: openPglite }];
  if (postgresUrl !== null) {
    backends.push({ name: 'postgres', open: () => openPostgres(postgresUrl) });
  }
  return backends;
};

/** A fresh, empty PostgreSQL database on the test server (for a whole service under test), or null without one. */
export const createPostgresDatabase = async (): Promise<{ url: string; drop(): Promise<void> } | null> => {
  const serverUrl = testPostgresUrl();
  if (serverUrl === null) {
    return null;
  }
  const name = `reprise_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  return { url: withDatabaseName(serverUrl, name), drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
};
