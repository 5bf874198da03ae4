/**
 * vitest globalSetup: gives the catalog and job tests a PostgreSQL 15 to run against besides PGlite.
 *
 * - With REPRISE_TEST_DATABASE_URL set, that server is used and nothing is started.
 * - Else, when Debian's PostgreSQL 15 binaries are installed, scripts/postgres starts a throwaway cluster in a
 *   temporary folder for the run, and stops and deletes it at teardown.
 * - Else the tests run on PGlite only.
 *
 * Tests read the URL with `inject('reprisePostgresUrl')` (see test/support/databases.ts). A run that was
 * killed before its teardown leaves its cluster running: the next run stops and deletes it.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

const execFile = promisify(execFileCallback);

const SCRIPT = fileURLToPath(new URL('../../scripts/postgres', import.meta.url));
const PG_BIN = process.env['REPRISE_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';
const PREFIX = 'reprise-test-postgres-';

let clusterDir: string | null = null;

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const stopCluster = async (dir: string): Promise<void> => {
  await execFile(SCRIPT, ['stop', dir]).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
};

/** Clusters of earlier runs whose vitest process is gone. */
const stopAbandonedClusters = async (): Promise<void> => {
  for (const entry of await readdir(tmpdir())) {
    if (!entry.startsWith(PREFIX)) {
      continue;
    }
    const dir = join(tmpdir(), entry);
    const ownerPid = Number(await readFile(join(dir, 'owner.pid'), 'utf8').catch(() => 'NaN'));
    if (!Number.isInteger(ownerPid) || !isRunning(ownerPid)) {
      await stopCluster(dir);
    }
  }
};

const canStartPostgres = (): Promise<boolean> =>
  access(join(PG_BIN, 'initdb')).then(
    () => true,
    () => false,
  );

export const setup = async (project: TestProject): Promise<void> => {
  const fromEnvironment = process.env['REPRISE_TEST_DATABASE_URL'];
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    project.provide('reprisePostgresUrl', fromEnvironment);
    return;
  }
  if (!(await canStartPostgres())) {
    project.provide('reprisePostgresUrl', null);
    return;
  }
  await stopAbandonedClusters();
  const dir = await mkdtemp(join(tmpdir(), PREFIX));
  await writeFile(join(dir, 'owner.pid'), String(process.pid));
  clusterDir = dir;
  try {
    const { stdout } = await execFile(SCRIPT, ['start', dir]);
    project.provide('reprisePostgresUrl', stdout.trim());
  } catch (error) {
    await stopCluster(dir);
    clusterDir = null;
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`test/support/postgres-setup.ts: scripts/postgres could not start a cluster: ${stderr.trim() || (error as Error).message}`);
  }
};

export const teardown = async (): Promise<void> => {
  if (clusterDir !== null) {
    await stopCluster(clusterDir);
    clusterDir = null;
  }
};
