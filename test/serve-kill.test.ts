/**
 * A worker killed with SIGKILL in the middle of a composition (its whole process group: node and ffmpeg, as
 * when a machine dies): no partial file is ever served, and after another worker starts the job runs again
 * and the session completes, each step done once.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parseInitSegment } from '../src/hls/fmp4-init.js';
import { parseMediaSegment } from '../src/hls/fmp4-media.js';
import { createPostgresDatabase } from './support/databases.js';
import { spawnReprise, startTestService, waitFor, type TestService } from './support/serve.js';

const FIXTURES = resolve(import.meta.dirname, 'fixtures/real');

type Detail = {
  id: string;
  state: string;
  jobs: Array<{ id: string; kind: string; state: string; attempts: number; progress: number }>;
  media: null | { outputId: string; state: string; master: string | null };
};

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch(() => undefined);
  }
});

/** Every published (non-temporary) segment in the folder is a whole fMP4 fragment of its rendition. */
const expectWholeSegments = async (folder: string): Promise<number> => {
  let checked = 0;
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/^seg-\d+\.m4s$/.test(entry.name)) {
      continue;
    }
    const dir = entry.parentPath ?? entry.path;
    const init = parseInitSegment(new Uint8Array(await readFile(join(dir, 'init.mp4'))));
    const segment = parseMediaSegment(new Uint8Array(await readFile(join(dir, entry.name))), init);
    expect(segment.fragments.length, `${dir}/${entry.name}`).toBeGreaterThan(0);
    checked += 1;
  }
  return checked;
};

const startWorker = (service: TestService) => {
  const worker = spawnReprise(['worker', '--database', service.databaseUrl, '--data', service.dataDir, '--lease-sec', '3'], {}, { detached: true });
  cleanups.push(async () => {
    if (worker.child.exitCode === null && worker.child.signalCode === null) {
      process.kill(-worker.child.pid!, 'SIGTERM');
    }
  });
  return worker;
};

it('a worker killed during a compose job: the job runs again after a restart, and no partial file is served', async () => {
  // The server alone (no workers in it) on PostgreSQL, the scale-out setup; workers are separate processes on
  // the same database and data folder, as on other machines.
  const database = await createPostgresDatabase();
  if (database === null) {
    throw new Error('no PostgreSQL server for the tests: run them through scripts/test (or set REPRISE_TEST_DATABASE_URL)');
  }
  cleanups.push(() => database.drop());
  const service = await startTestService({ worker: false, leaseMs: 3000, databaseUrl: database.url });
  cleanups.push(() => service.dispose());
  const form = new FormData();
  for (const name of (await readdir(FIXTURES)).filter((entry) => entry.startsWith('videoroom-1234-') && entry.endsWith('.mjr'))) {
    form.append('files', new Blob([await readFile(join(FIXTURES, name))]), name);
  }
  const upload = await service.api<{ sessions: Array<{ id: string }> }>('/api/uploads', { method: 'POST', body: form });
  expect(upload.status).toBe(201);
  const sessionId = upload.body.sessions[0]!.id;
  const detail = async () => (await service.api<Detail>(`/api/sessions/${sessionId}`)).body;

  const first = startWorker(service);
  const composing = await waitFor('the composition under way', async () => {
    const session = await detail();
    const compose = session.jobs.find((job) => job.kind === 'compose' && job.state === 'running' && job.progress > 0.2);
    return compose !== undefined && session.media?.master !== null ? { compose, outputId: session.media!.outputId } : null;
  }, 180_000, 100);
  process.kill(-first.child.pid!, 'SIGKILL');
  await new Promise((done) => first.child.once('exit', done));

  // What the killed attempt left: only whole segments under served names (ffmpeg writes `.tmp`, then renames).
  const killedOutput = join(service.dataDir, 'media', sessionId, composing.outputId);
  expect(await expectWholeSegments(killedOutput)).toBeGreaterThan(0);
  expect((await detail()).state).toBe('processing');

  const second = startWorker(service);
  const done = await waitFor('the session ready after the restart', async () => {
    const session = await detail();
    return session.state === 'ready' && session.media?.state === 'ready' ? session : null;
  }, 300_000);
  expect(second.child.exitCode).toBe(null);

  const jobs = (await service.api<Detail>(`/api/sessions/${sessionId}`)).body.jobs;
  expect(jobs.map((job) => `${job.kind}:${job.state}`).sort()).toEqual(['compose:completed', 'convert:completed', 'package:completed', 'thumbnails:completed']);
  const compose = jobs.find((job) => job.kind === 'compose')!;
  expect(compose.id).toBe(composing.compose.id);
  expect(compose.attempts).toBe(2);
  // A new output with new URLs: nothing served under the killed attempt's names changes its bytes.
  expect(done.media!.outputId).not.toBe(composing.outputId);
  expect(await readdir(join(service.dataDir, 'media', sessionId))).toEqual([done.media!.outputId]);
  const finalOutput = join(service.dataDir, 'media', sessionId, done.media!.outputId);
  expect(await expectWholeSegments(finalOutput)).toBeGreaterThan(10);
  expect((await stat(join(finalOutput, 'hls', 'download.mp4'))).size).toBeGreaterThan(100_000);
  const master = await fetch(`${service.url}${done.media!.master!}`);
  expect(master.status).toBe(200);
  // The retry ran in the second worker (the lost job was found by whichever process swept first).
  expect(second.output()).toMatch(/composition restarted under a new output/);
}, 600_000);
