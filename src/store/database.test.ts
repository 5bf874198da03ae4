import { execFile as execFileCallback } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCatalogDataDir, databaseBackends, type TestDatabase } from '../../test/support/databases.js';
import { CATALOG_MIGRATIONS, migrateCatalog } from '../catalog/migrations.js';
import { openDatabase } from './database.js';

const execFile = promisify(execFileCallback);

describe.each(databaseBackends())('the catalog database on $name', (backend) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(() => database?.dispose());

  test('has run every migration once, and running them again does nothing', async () => {
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db);
    expect(applied.rows.map((row) => row.name)).toEqual(Object.keys(CATALOG_MIGRATIONS).sort());
    expect(await migrateCatalog(database.db)).toEqual([]);
  });

  test('reads bigint as a number and timestamps as epoch milliseconds', async () => {
    const { rows } = await sql<{ big: number; at: number }>`select 1795567682185123::bigint as big, to_timestamp(1795567682.185) as at`.execute(database.db);
    expect(rows[0]).toEqual({ big: 1_795_567_682_185_123, at: 1_795_567_682_185 });
  });

  test('opening the same database a second time is fine once the first is closed (PostgreSQL: at once)', async () => {
    const own = await backend.open();
    try {
      if (own.dataDir === null) {
        const again = await openDatabase({ url: own.connectionString, dataDir: tmpdir() });
        expect(again.embedded).toBe(false);
        await again.close();
        return;
      }
      expect(own.embedded).toBe(true);
      await sql`create table kept (value text)`.execute(own.db);
      await sql`insert into kept values ('still here')`.execute(own.db);
      await own.close();
      const reopened = await openDatabase({ dataDir: own.dataDir });
      try {
        const { rows } = await sql<{ value: string }>`select value from kept`.execute(reopened.db);
        expect(rows).toEqual([{ value: 'still here' }]);
      } finally {
        await reopened.close();
      }
    } finally {
      await own.dispose(); // closing twice is fine
    }
  });
});

test('reports a PostgreSQL server it cannot reach as DB_CONNECT, without the password', async () => {
  const error = await openDatabase({ url: 'postgres://reprise:secret@127.0.0.1:1/catalog', dataDir: tmpdir() }).catch((caught: unknown) => caught);
  expect(error).toMatchObject({ code: 'DB_CONNECT', details: { url: 'postgres://reprise:***@127.0.0.1:1/catalog' } });
  expect((error as Error).message).not.toContain('secret');
});

describe('the embedded catalog', () => {
  let dataDir: string;

  /** An open embedded catalog, for the tests that only read or add their own tables. */
  let open: TestDatabase;

  beforeAll(async () => {
    dataDir = await createCatalogDataDir();
    open = await databaseBackends()[0]!.open();
  });
  afterAll(async () => {
    await open?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('refuses a second open of the same data dir with DB_CONNECT naming the owner and its URL', async () => {
    const error = await openDatabase({ dataDir: open.dataDir! }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'DB_CONNECT', details: { pid: process.pid, url: open.connectionString } });
  });

  test('refuses it from another process too', async () => {
    const script = `
      import { openDatabase } from ${JSON.stringify(new URL('./database.ts', import.meta.url).pathname)};
      try { await openDatabase({ dataDir: ${JSON.stringify(open.dataDir)} }); console.log('OPENED'); }
      catch (error) { console.log(error.code, error.details.pid, error.details.url); }`;
    const { stdout } = await execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    expect(stdout.trim()).toBe(`DB_CONNECT ${process.pid} ${open.connectionString}`);
  });

  test('takes over the lock of a process that is gone, and releases it at close', async () => {
    const { stdout } = await execFile(process.execPath, ['-e', 'console.log(process.pid)']);
    const deadPid = Number(stdout.trim());
    const lockPath = join(dataDir, 'catalog.lock');
    await writeFile(lockPath, JSON.stringify({ pid: deadPid, host: hostname(), token: 'stale', startedAt: 'earlier', url: null }));
    const database = await openDatabase({ dataDir });
    try {
      expect(JSON.parse(await readFile(lockPath, 'utf8'))).toMatchObject({ pid: process.pid, url: database.connectionString });
    } finally {
      await database.close();
    }
    await expect(readFile(lockPath, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('keeps concurrent connections apart: large parameterised queries, transactions and a client that dies mid-transaction', async () => {
    const pool = new pg.Pool({ connectionString: open.connectionString, max: 6 });
    try {
      await pool.query('create table entries (id int primary key, note text)');
      // 300 kB parameters span several TCP reads: another connection's Parse must not slip in between.
      const big = 'x'.repeat(300_000);
      const results = await Promise.all(
        Array.from({ length: 60 }, async (_, index) => {
          if (index % 3 === 0) {
            const { rows } = await pool.query('select length($1::text) as length, $2::int as index', [big, index]);
            return rows[0].length === 300_000 && rows[0].index === index;
          }
          if (index % 3 === 1) {
            const client = await pool.connect();
            try {
              await client.query('begin');
              await client.query('insert into entries values ($1, $2)', [index, 'draft']);
              await client.query('update entries set note = $2 where id = $1', [index, 'final']);
              await client.query(index % 2 === 0 ? 'rollback' : 'commit');
            } finally {
              client.release();
            }
            return true;
          }
          const { rows } = await pool.query('select $1::int as index, $2::text as text', [index, `n${index}`]);
          return rows[0].index === index && rows[0].text === `n${index}`;
        }),
      );
      expect(results.every(Boolean)).toBe(true);
      const { rows } = await pool.query(`select count(*)::int as count from entries where note = 'final'`);
      expect(rows[0].count).toBe(10);

      const dying = new pg.Client({ connectionString: open.connectionString });
      dying.on('error', () => undefined);
      await dying.connect();
      await dying.query('begin');
      await dying.query('insert into entries values (1000, $1)', ['never committed']);
      (dying as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      const after = await pool.query('select count(*)::int as count from entries where id = 1000');
      expect(after.rows[0].count).toBe(0);
    } finally {
      await pool.end();
    }
  });
});
