/**
 * The embedded catalog's owner lock: a small JSON file (PID, host, URL of the catalog's server) that exists while
 * a process has the catalog open. PGlite cannot be opened by two processes; this turns the second open into a
 * clear DB_CONNECT instead of a corrupted database. A lock whose process is gone (a crash) is taken over.
 *
 * The file appears complete and atomically: it is written under a temporary name, then hard-linked to the lock
 * name (link fails if the name exists, like O_EXCL).
 */
import { randomBytes } from 'node:crypto';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { RepriseError } from '../shared/errors.js';
import { temporaryPathFor, writeAtomically } from './atomic-file.js';

type LockOwner = { pid: number; host: string; token: string; startedAt: string; url: string | null };

export type CatalogLock = {
  path: string;
  /** Records the catalog server's URL, for the message a second process gets. */
  publish(url: string): Promise<void>;
  /** Removes the lock if it is still ours. */
  release(): Promise<void>;
};

const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

const parseOwner = (text: string): LockOwner | null => {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    return typeof value.pid === 'number' && typeof value.token === 'string' && typeof value.host === 'string'
      ? { pid: value.pid, host: value.host, token: value.token, startedAt: String(value.startedAt), url: value.url ?? null }
      : null;
  } catch {
    return null;
  }
};

/** 'missing' when the lock went away meanwhile; null when it cannot be read as a lock (treated as stale). */
const readOwner = async (path: string): Promise<LockOwner | null | 'missing'> => {
  try {
    return parseOwner(await readFile(path, 'utf8'));
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      return 'missing';
    }
    throw error;
  }
};

const isRunning = (owner: LockOwner): boolean => {
  if (owner.host !== hostname()) {
    return true; // another machine's process (a shared folder): we cannot tell, so we do not take it over
  }
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
};

const inUse = (path: string, owner: LockOwner): RepriseError =>
  new RepriseError(
    'DB_CONNECT',
    `the embedded catalog is already open in process ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`} (since ${owner.startedAt}` +
      `${owner.url === null ? '' : `, serving ${owner.url}`}): stop that process, or have this one use its database URL; ` +
      `if no such process is running, delete ${path}`,
    { details: { lockPath: path, pid: owner.pid, host: owner.host, url: owner.url } },
  );

const tryCreate = async (path: string, owner: LockOwner): Promise<boolean> => {
  const temporaryPath = temporaryPathFor(path);
  await writeFile(temporaryPath, JSON.stringify(owner));
  try {
    await link(temporaryPath, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') {
      return false;
    }
    throw error;
  } finally {
    await rm(temporaryPath, { force: true });
  }
};

/**
 * Moves a stale lock aside. If, between reading it and moving it, another process replaced it with its own
 * (live) lock, that one is put back.
 */
const removeStale = async (path: string, stale: LockOwner | null): Promise<void> => {
  const asidePath = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, asidePath);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      return;
    }
    throw error;
  }
  const moved = await readOwner(asidePath);
  if (moved !== 'missing' && moved !== null && moved.token !== stale?.token) {
    await link(asidePath, path).catch(() => undefined);
  }
  await rm(asidePath, { force: true });
};

export const acquireCatalogLock = async (path: string): Promise<CatalogLock> => {
  const owner: LockOwner = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex'), startedAt: new Date().toISOString(), url: null };
  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (await tryCreate(path, owner)) {
      return {
        path,
        publish: async (url) => {
          owner.url = url;
          await writeAtomically(path, (temporaryPath) => writeFile(temporaryPath, JSON.stringify(owner)));
        },
        release: async () => {
          const current = await readOwner(path);
          if (current !== 'missing' && current?.token === owner.token) {
            await rm(path, { force: true });
          }
        },
      };
    }
    const current = await readOwner(path);
    if (current === 'missing') {
      continue;
    }
    if (current !== null && isRunning(current)) {
      throw inUse(path, current);
    }
    await removeStale(path, current);
  }
  throw new RepriseError('DB_CONNECT', `cannot take the embedded catalog's lock ${path}: other processes keep taking it`, { details: { lockPath: path } });
};
