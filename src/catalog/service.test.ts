/** The catalog queries of the job service and server (service.ts), on every database backend. */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { databaseBackends, type TestDatabase } from '../../test/support/databases.js';
import { buildManifest, person } from '../../test/support/layout-manifest.js';
import type { SessionManifest } from '../sessions/manifest.js';
import { Catalog } from './catalog.js';

const manifestFor = (): SessionManifest => {
  const room = `room-${randomBytes(4).toString('hex')}`;
  return { ...buildManifest(30_000, [person('1001', 'Alice', [[0, 30_000]])]), id: `videoroom-${room}-1`, room };
};

describe.each(databaseBackends())('catalog service queries on $name', (backend) => {
  let database: TestDatabase;
  let catalog: Catalog;

  beforeAll(async () => {
    database = await backend.open();
    catalog = new Catalog(database.db);
  });
  afterAll(() => database?.dispose());

  test('heartbeats only from the owning worker, and finds running jobs whose worker went quiet (database time)', async () => {
    const manifest = manifestFor();
    await catalog.saveSession(manifest, '/r');
    const job = await catalog.createJob({ sessionId: manifest.id, kind: 'compose' });
    await catalog.updateJob(job.id, { state: 'running', workerId: 'host:1', attempts: 1 });
    expect(await catalog.heartbeat(job.id, 'host:2', 0.9)).toBe('running');
    expect((await catalog.getJob(job.id))!.progress).toBe(0);
    expect(await catalog.heartbeat(job.id, 'host:1', 0.5)).toBe('running');
    expect((await catalog.getJob(job.id))).toMatchObject({ progress: 0.5, workerId: 'host:1' });
    expect((await catalog.staleRunningJobs(60_000)).map((entry) => entry.id)).not.toContain(job.id);
    await sql`update jobs set heartbeat_at = now() - interval '2 minutes' where id = ${job.id}`.execute(database.db);
    expect((await catalog.staleRunningJobs(60_000)).map((entry) => entry.id)).toContain(job.id);
    await catalog.updateJob(job.id, { state: 'cancelled' });
    expect(await catalog.heartbeat(job.id, 'host:1', 0.7)).toBe('cancelled');
    expect(await catalog.getJob('not-a-uuid')).toBeNull();
  });

  test('reports changes since a point in database time, and counts jobs by kind and state', async () => {
    const manifest = manifestFor();
    const before = (await catalog.changesSince(0)).untilMs;
    await catalog.saveSession(manifest, '/r');
    const job = await catalog.createJob({ sessionId: manifest.id, kind: 'convert' });
    await catalog.updateJob(job.id, { state: 'running', progress: 0.25 });
    const { events, untilMs } = await catalog.changesSince(before - 1);
    expect(untilMs).toBeGreaterThanOrEqual(before);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'session', sessionId: manifest.id }),
        expect.objectContaining({ type: 'job', sessionId: manifest.id, job: expect.objectContaining({ id: job.id, state: 'running', progress: 0.25 }) }),
      ]),
    );
    expect((await catalog.changesSince(untilMs + 60_000)).events).toEqual([]);
    const counts = await catalog.jobCounts();
    expect(counts.find((row) => row.kind === 'convert' && row.state === 'running')?.count).toBeGreaterThanOrEqual(1);
  });

  test('remembers deleted sessions, tells when recordings changed, and saves speaking without a change', async () => {
    const manifest = manifestFor();
    expect(await catalog.isDeleted(manifest.id)).toBe(false);
    await catalog.rememberDeleted(manifest.id);
    await catalog.rememberDeleted(manifest.id);
    expect(await catalog.isDeleted(manifest.id)).toBe(true);
    await catalog.forgetDeleted(manifest.id);
    expect(await catalog.isDeleted(manifest.id)).toBe(false);

    await catalog.saveSession(manifest, '/r');
    const loaded = (await catalog.loadSessionForJob(manifest.id))!;
    expect(loaded.sourceDir).toBe('/r');
    expect(await catalog.sessionChangedSince(manifest.id, loaded.loadedAtMs)).toBe(false);
    const speaking = { ...manifest, participants: manifest.participants.map((participant) => ({ ...participant, speaking: [{ startMs: 100, endMs: 900 }], speakingSource: 'energy' as const })) };
    await catalog.saveSpeaking(speaking);
    expect(await catalog.sessionChangedSince(manifest.id, loaded.loadedAtMs)).toBe(false);
    expect((await catalog.getSession(manifest.id))!.participants[0]!.speaking).toEqual([{ startMs: 100, endMs: 900 }]);
    await new Promise((done) => setTimeout(done, 5));
    await catalog.markSessionChanged(manifest.id);
    expect(await catalog.sessionChangedSince(manifest.id, loaded.loadedAtMs)).toBe(true);
    expect(await catalog.loadSessionForJob('nope')).toBeNull();
  });

  test('fails an output only while it is being made', async () => {
    const manifest = manifestFor();
    await catalog.saveSession(manifest, '/r');
    const output = await catalog.createOutput({ sessionId: manifest.id, kind: 'hls', path: `${manifest.id}/a` });
    await catalog.publishOutput(output.id);
    await catalog.failOutput(output.id);
    expect((await catalog.outputsOf(manifest.id))[0]!.state).toBe('ready');
    const next = await catalog.createOutput({ sessionId: manifest.id, kind: 'hls', path: `${manifest.id}/b` });
    await catalog.failOutput(next.id);
    expect((await catalog.outputsOf(manifest.id)).find((entry) => entry.id === next.id)!.state).toBe('failed');
    await expect(catalog.ping()).resolves.toBeUndefined();
  });
});
