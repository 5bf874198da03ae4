import { sql } from 'kysely';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureQueue, startBoss, stopBoss } from '../src/jobs/boss.js';
import { databaseBackends, type TestDatabase } from './support/databases.js';

const FAST_POLLING = { pollingIntervalSeconds: 0.5 };

/** Collects values pushed by a worker; `done` resolves once there are `count` of them. */
const collect = <T>(count: number) => {
  const values: T[] = [];
  let resolve: (values: T[]) => void = () => undefined;
  const done = new Promise<T[]>((settle) => {
    resolve = settle;
  });
  return {
    done,
    push(value: T): void {
      values.push(value);
      if (values.length === count) {
        resolve(values);
      }
    },
  };
};

describe.each(databaseBackends())('the job queue on $name', (backend) => {
  let database: TestDatabase;
  let boss: PgBoss;
  const errors: Error[] = [];

  beforeAll(async () => {
    database = await backend.open();
    boss = await startBoss(database.connectionString, { schema: 'jobs_test', onError: (error) => errors.push(error) });
  });
  afterAll(async () => {
    if (boss !== undefined) {
      await stopBoss(boss, { timeoutMs: 1_000 });
    }
    await database?.dispose();
  });

  test('works a job sent to a queue and records its result', async () => {
    await ensureQueue(boss, 'echo');
    const seen = collect<unknown>(1);
    await boss.work<{ word: string }>('echo', FAST_POLLING, async ([job]) => {
      seen.push(job?.data);
      return { echoed: job?.data.word };
    });
    const id = await boss.send('echo', { word: 'hello' });
    expect(await seen.done).toEqual([{ word: 'hello' }]);
    await expect.poll(async () => (await boss.getJobById('echo', id!))?.state).toBe('completed');
    expect((await boss.getJobById('echo', id!))?.output).toEqual({ echoed: 'hello' });
    await boss.offWork('echo');
  });

  test('retries a failed job after a backoff delay, and fails it for good once retries run out', async () => {
    await ensureQueue(boss, 'flaky', { retryLimit: 2, retryDelay: 1, retryBackoff: true });
    const attempts = collect<number>(2);
    let calls = 0;
    await boss.work('flaky', FAST_POLLING, async () => {
      calls += 1;
      attempts.push(Date.now());
      if (calls === 1) {
        throw new Error('first attempt fails');
      }
      return 'ok';
    });
    const id = await boss.send('flaky', {});
    const [firstMs, secondMs] = await attempts.done;
    // retryDelay 1 s with backoff: the first retry waits 1 to 2 s (pg-boss adds jitter).
    expect(secondMs! - firstMs!).toBeGreaterThanOrEqual(1_000);
    await expect.poll(async () => (await boss.getJobById('flaky', id!))?.state).toBe('completed');
    expect(await boss.getJobById('flaky', id!)).toMatchObject({ retryCount: 1, retryBackoff: true, retryLimit: 2 });
    await boss.offWork('flaky');

    await ensureQueue(boss, 'doomed', { retryLimit: 0 });
    await boss.work('doomed', FAST_POLLING, async () => {
      throw new Error('always fails');
    });
    const doomed = await boss.send('doomed', {});
    await expect.poll(async () => (await boss.getJobById('doomed', doomed!))?.state).toBe('failed');
    expect((await boss.getJobById('doomed', doomed!))?.output).toMatchObject({ message: 'always fails' });
    await boss.offWork('doomed');
  });

  test('keeps one job per session at a time with a stately queue and the session as singleton key', async () => {
    await ensureQueue(boss, 'pipeline', { policy: 'stately' });
    const first = await boss.send('pipeline', { n: 1 }, { singletonKey: 'session-a' });
    expect((await boss.fetch('pipeline')).map((job) => job.id)).toEqual([first]);

    const queued = await boss.send('pipeline', { n: 2 }, { singletonKey: 'session-a' });
    expect(queued).not.toBeNull();
    expect(await boss.send('pipeline', { n: 3 }, { singletonKey: 'session-a' })).toBeNull(); // one queued per session
    expect(await boss.fetch('pipeline')).toEqual([]); // not while session-a's first job runs

    await boss.complete('pipeline', first!);
    expect((await boss.fetch('pipeline')).map((job) => job.id)).toEqual([queued]);
    await boss.complete('pipeline', queued!);
  });

  test('a queued job of a busy session holds back the other sessions’ jobs queued after it (pg-boss 10 head-of-line blocking)', async () => {
    await ensureQueue(boss, 'blocking', { policy: 'stately' });
    const running = await boss.send('blocking', {}, { singletonKey: 'session-a' });
    await boss.fetch('blocking');
    const waiting = await boss.send('blocking', {}, { singletonKey: 'session-a' });
    const other = await boss.send('blocking', {}, { singletonKey: 'session-b' });
    expect(await boss.fetch('blocking', { batchSize: 5 })).toEqual([]);

    await boss.complete('blocking', running!);
    expect((await boss.fetch('blocking')).map((job) => job.id)).toEqual([waiting]);
    expect((await boss.fetch('blocking')).map((job) => job.id)).toEqual([other]);
  });

  test('stops cleanly: waits for running handlers, then fails what still runs so that it is retried', async () => {
    const stopping = await startBoss(database.connectionString, { schema: 'jobs_stop', onError: (error) => errors.push(error) });
    await ensureQueue(stopping, 'slow', { retryLimit: 1 });
    let release: () => void = () => undefined;
    const started = collect<string>(1);
    await stopping.work('slow', FAST_POLLING, async ([job]) => {
      started.push(job!.id);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    const id = await stopping.send('slow', {});
    await started.done;
    const before = Date.now();
    await stopBoss(stopping, { timeoutMs: 1_000 });
    expect(Date.now() - before).toBeLessThan(5_000);
    release();
    const { rows } = await sql<{ state: string }>`select state::text from jobs_stop.job where id = ${id}`.execute(database.db);
    expect(rows).toEqual([{ state: 'retry' }]);
  });

  test('reported no background errors', () => {
    expect(errors).toEqual([]);
  });
});

test('reports a database it cannot reach as DB_CONNECT', async () => {
  await expect(startBoss('postgres://postgres@127.0.0.1:1/none')).rejects.toMatchObject({ code: 'DB_CONNECT' });
});
