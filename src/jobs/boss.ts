/**
 * pg-boss 10 on the catalog's database (PostgreSQL or the embedded PGlite server, through the same URL), in its
 * own schema. In v10 a queue must exist before `send` or `work`: use `ensureQueue`.
 *
 * What the settings are for:
 * - `max: 4` connections: pg-boss's pool is separate from Kysely's. Workers poll one query at a time, and on the
 *   embedded backend all statements run one after another anyway, so more connections only add idle sockets.
 * - `schedule: false`: no cron. Scheduling would add a `__pgboss__send-it` queue polled every 5 s plus a cron
 *   and clock-skew monitor; pass `schedule: true` when cron jobs are wanted.
 * - `supervise: true`: maintenance every 2 min fails jobs past their expiry (a worker that died) and archives
 *   and deletes old jobs. Its statements are one multi-statement query each (BEGIN; advisory lock; …; COMMIT),
 *   which the embedded server runs as a single turn, so they never hold the shared session between round trips.
 * - Job defaults: 2 retries with exponential backoff from 10 s; jobs expire after 2 h (a pipeline on a long
 *   meeting can take long; pg-boss abandons a handler that exceeds its expiry, max 24 h). Queues and sends
 *   override these.
 *
 * "One pipeline per session at a time": create the queue with `policy: 'stately'` and send with
 * `singletonKey: sessionId`. Then a session has at most one queued and one active job (a second send while one
 * is queued returns null) and its queued job never starts while another of its jobs runs. Beware pg-boss 10's
 * head-of-line blocking (https://github.com/timgit/pg-boss/pull/536): fetch takes the oldest queued job first,
 * and when activating it would break the policy, the whole fetch fails silently, so jobs of *other* sessions
 * queued behind it also wait until the running one ends. That costs nothing with one worker processing one job
 * at a time; with more workers it limits parallelism. `policy: 'singleton'` blocks the same way without the
 * one-queued-job limit.
 */
import PgBoss from 'pg-boss';
import { RepriseError } from '../shared/errors.js';
import { redactUrl } from '../store/database.js';

export type BossOptions = {
  /** The PostgreSQL schema pg-boss creates and migrates (default 'pgboss'). */
  schema?: string;
  /** Turn on pg-boss's cron scheduling (off by default). */
  schedule?: boolean;
  /** Where pg-boss's background errors go (failed maintenance, lost connections). Default: stderr. */
  onError?: (error: Error) => void;
};

export type QueueOptions = Omit<PgBoss.Queue, 'name'>;

const DEFAULT_JOB_OPTIONS = {
  retryLimit: 2,
  retryDelay: 10,
  retryBackoff: true,
  expireInSeconds: 2 * 60 * 60,
} satisfies PgBoss.ConstructorOptions;

const reportToStderr = (error: Error): void => {
  process.stderr.write(`reprise: job queue: ${error.message}\n`);
};

/** pg-boss opens its pool in start(); if start fails it does not close it (stop() is a no-op then). */
const closeUnstartedBoss = async (boss: PgBoss): Promise<void> => {
  const db = boss.getDb() as PgBoss.Db & { close?: () => Promise<void>; opened?: boolean };
  if (db.opened === true && db.close !== undefined) {
    await db.close().catch(() => undefined);
  }
};

/** Starts pg-boss (creating or migrating its schema). Stop it with `stopBoss` before closing the database. */
export const startBoss = async (connectionString: string, options: BossOptions = {}): Promise<PgBoss> => {
  const boss = new PgBoss({
    connectionString,
    schema: options.schema ?? 'pgboss',
    max: 4,
    application_name: 'reprise-jobs',
    schedule: options.schedule ?? false,
    supervise: true,
    migrate: true,
    ...DEFAULT_JOB_OPTIONS,
  });
  // pg-boss is an EventEmitter: an 'error' without a listener would end the process.
  boss.on('error', options.onError ?? reportToStderr);
  try {
    await boss.start();
  } catch (error) {
    await closeUnstartedBoss(boss);
    throw new RepriseError('DB_CONNECT', `cannot start the job queue on ${redactUrl(connectionString)}: ${(error as Error).message}`, {
      details: { url: redactUrl(connectionString) },
      cause: error,
    });
  }
  return boss;
};

/** Creates the queue if missing, and applies the options to an existing one (pg-boss's createQueue keeps the old ones). */
export const ensureQueue = async (boss: PgBoss, name: string, options: QueueOptions = {}): Promise<void> => {
  await boss.createQueue(name, { ...options, name });
  await boss.updateQueue(name, { ...options, name });
};

/**
 * Stops fetching, waits up to `timeoutMs` for running handlers, fails the jobs still running (they are retried
 * per their policy) and closes pg-boss's pool.
 */
export const stopBoss = async (boss: PgBoss, options: { timeoutMs?: number } = {}): Promise<void> => {
  await boss.stop({ graceful: true, wait: true, close: true, timeout: options.timeoutMs ?? 30_000 });
};
