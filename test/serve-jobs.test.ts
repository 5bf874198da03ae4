/**
 * Jobs the queue lost: a catalog row still 'queued' whose pg-boss job is gone (the process died between the two
 * writes) or failed for good (its last retry) must not keep the session busy for ever.
 */
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scanSessions } from '../src/api/sessions.js';
import { startTestService, waitFor, type TestService } from './support/serve.js';

const FIXTURES = resolve(import.meta.dirname, 'fixtures/real');
let service: TestService;

beforeAll(async () => {
  // No workers: nothing runs the jobs, only the sweeper looks at them.
  service = await startTestService({ worker: false, leaseMs: 1000 });
});
afterAll(async () => {
  await service?.dispose();
});

const ageJob = async (jobId: string): Promise<void> => {
  const client = new pg.Client({ connectionString: service.databaseUrl });
  await client.connect();
  try {
    await client.query(`update jobs set updated_at = now() - interval '1 hour' where id = $1`, [jobId]);
  } finally {
    await client.end();
  }
};

it('fails a queued job the queue no longer holds, so the session can be processed again', async () => {
  const { sessions } = await scanSessions(resolve(FIXTURES, 'vp9'));
  const manifest = sessions[0]!;
  await service.catalog.saveSession(manifest, resolve(FIXTURES, 'vp9'));
  const lost = await service.catalog.createJob({ sessionId: manifest.id, kind: 'convert', bossJobId: '00000000-0000-4000-8000-000000000000' });
  await expect(service.jobs.startPipeline(manifest.id)).rejects.toMatchObject({ code: 'JOB_BUSY' });
  await ageJob(lost.id);
  const failed = await waitFor('the sweeper to fail the lost job', async () => {
    const job = await service.catalog.getJob(lost.id);
    return job?.state === 'failed' ? job : null;
  }, 30_000);
  expect(failed.error).toMatch(/the queue holds it no more \(missing\)/);
  expect((await service.catalog.getSession(manifest.id))!.session.state).toBe('failed');

  // A pipeline starts again; its job is really queued (pg-boss holds it), so the sweeper leaves it alone.
  const started = await service.jobs.startPipeline(manifest.id);
  await ageJob(started.jobId);
  await service.jobs.sweep();
  expect((await service.catalog.getJob(started.jobId))!.state).toBe('queued');
});
