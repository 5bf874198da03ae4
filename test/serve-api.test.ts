/**
 * `reprise serve` end to end on the embedded catalog: upload the real fixture meeting, watch it get processed
 * by the real pipeline (convert → compose → package → thumbnails), and exercise every API route on it.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from './support/databases.js';
import { writeZip } from './support/zip-writer.js';
import { startTestService, waitFor, type TestService } from './support/serve.js';

const FIXTURES = resolve(import.meta.dirname, 'fixtures/real');
const MEETING_ID = 'videoroom-1234-1795567682';

type SessionDetail = {
  id: string;
  state: string;
  participants: Array<{ id: string; presence: unknown[]; speaking: unknown[]; tracks: unknown[] }>;
  jobs: Array<{ id: string; kind: string; state: string; attempts: number }>;
  media: null | { state: string; master: string | null; mosaic: string | null; tileMap: { tiles: unknown[] } | null; thumbnails: string | null; download: string | null; poster: string | null; participants: unknown[]; captions: unknown[] };
};

const meetingFiles = async (): Promise<string[]> => (await readdir(FIXTURES)).filter((name) => name.startsWith('videoroom-1234-') && name.endsWith('.mjr')).sort();

const formOf = async (names: readonly string[], folder = FIXTURES, checksums?: Record<string, string>): Promise<FormData> => {
  const form = new FormData();
  if (checksums !== undefined) {
    form.append('checksums', JSON.stringify(checksums));
  }
  for (const name of names) {
    form.append('files', new Blob([await readFile(join(folder, name))]), name);
  }
  return form;
};

/** The embedded catalog always; a real PostgreSQL too when the suite has one (scripts/test starts a cluster). */
const BACKENDS: Array<{ name: string; database: () => Promise<{ url: string | null; drop(): Promise<void> } | null> }> = [
  { name: 'embedded PGlite', database: async () => ({ url: null, drop: async () => undefined }) },
  { name: 'PostgreSQL', database: createPostgresDatabase },
];

describe.each(BACKENDS)('reprise serve on $name: API', (backend) => {
  let service: TestService;
  let database: { url: string | null; drop(): Promise<void> } | null = null;

  beforeAll(async () => {
    database = await backend.database();
    if (database === null) {
      throw new Error('no PostgreSQL server for the tests: run them through scripts/test (or set REPRISE_TEST_DATABASE_URL)');
    }
    service = await startTestService(database.url === null ? {} : { databaseUrl: database.url });
  });

  afterAll(async () => {
    await service?.dispose();
    await database?.drop();
  });

  const detail = async (id = MEETING_ID): Promise<SessionDetail> => (await service.api<SessionDetail>(`/api/sessions/${id}`)).body;

  it('answers health and metrics without a token, and the API only with one', async () => {
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const metrics = await fetch(`${service.url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toContain('reprise_http_requests_total');
    const anonymous = await fetch(`${service.url}/api/sessions`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('API_UNAUTHORIZED');
    expect((await fetch(`${service.url}/api/sessions`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const undecodable = await fetch(`${service.url}/media/%zz/1.x/a.m3u8`);
    expect(undecodable.status).toBe(400);
    expect(((await undecodable.json()) as { error: { code: string } }).error.code).toBe('API_BAD_REQUEST');
    const docs = (await (await fetch(`${service.url}/api/docs`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(docs.openapi).toMatch(/^3\./);
    expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/api/sessions', '/api/sessions/{id}', '/api/uploads', '/api/jobs/{id}/cancel', '/api/events']));
  });

  it('refuses uploads with a wrong checksum, without recordings, or with only empty recordings — storing nothing', async () => {
    const [first] = await meetingFiles();
    const wrong = await service.api<{ error: { code: string } }>('/api/uploads', { method: 'POST', body: await formOf([first!], FIXTURES, { [first!]: '0'.repeat(64) }) });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe('UPLOAD_CHECKSUM');
    const form = new FormData();
    form.append('files', new Blob(['hello']), 'notes.txt');
    const none = await service.api<{ error: { code: string } }>('/api/uploads', { method: 'POST', body: form });
    expect(none.status).toBe(422);
    expect(none.body.error.code).toBe('UPLOAD_EMPTY');
    const empty = new FormData();
    empty.append('files', new Blob([Buffer.from('MJR00002')]), 'videoroom-9-user-1-1-audio-0.mjr');
    expect((await service.api<{ error: { code: string } }>('/api/uploads', { method: 'POST', body: empty })).body.error.code).toBe('UPLOAD_EMPTY');
    expect((await service.api<{ total: number }>('/api/sessions')).body.total).toBe(0);
    expect(await readdir(join(service.dataDir, 'uploads')).catch(() => [])).toEqual([]);
  });

  it('takes the meeting as an upload (checksummed), processes it, and serves it', async () => {
    const names = await meetingFiles();
    const checksums = Object.fromEntries(await Promise.all(names.map(async (name) => [name, createHash('sha256').update(await readFile(join(FIXTURES, name))).digest('hex')])));
    const upload = await service.api<{ sessions: Array<{ id: string; participants: number }>; files: Array<{ name: string; sha256: string }> }>('/api/uploads', {
      method: 'POST',
      body: await formOf(names, FIXTURES, checksums),
    });
    expect(upload.status).toBe(201);
    expect(upload.body.sessions).toEqual([expect.objectContaining({ id: MEETING_ID, participants: 3 })]);
    expect(upload.body.files.map((file) => file.sha256)).toEqual(names.map((name) => checksums[name]));

    const again = await service.api<{ error: { code: string } }>('/api/uploads', { method: 'POST', body: await formOf(names) });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('UPLOAD_EXISTS');

    const ready = await waitFor('the meeting processed', async () => {
      const session = await detail();
      return session.state === 'ready' && session.media?.poster !== null ? session : null;
    }, 240_000);
    expect(ready.jobs.map((job) => `${job.kind}:${job.state}`).sort()).toEqual(['compose:completed', 'convert:completed', 'package:completed', 'thumbnails:completed']);
    expect(ready.participants).toHaveLength(3);
    expect(ready.participants.every((participant) => participant.tracks.length >= 2)).toBe(true);
    expect(ready.media).toMatchObject({ state: 'ready' });
    expect(ready.media!.tileMap!.tiles).toHaveLength(3);
    expect(ready.media!.participants).toHaveLength(3);
    expect(ready.media!.captions).toHaveLength(1);

    const master = await fetch(`${service.url}${ready.media!.master!}`);
    expect(master.status).toBe(200);
    expect(master.headers.get('content-type')).toMatch(/mpegurl/i);
    const masterText = await master.text();
    const variant = masterText.split('\n').find((line) => line.endsWith('playlist.m3u8'))!;
    const playlistUrl = new URL(variant, `${service.url}${ready.media!.master!}`);
    const playlist = await (await fetch(playlistUrl)).text();
    expect(playlist).toContain('#EXT-X-ENDLIST');
    expect(playlist).toContain('#EXT-X-PROGRAM-DATE-TIME');
    const segment = new URL(playlist.split('\n').find((line) => line.endsWith('.m4s'))!, playlistUrl);
    const ranged = await fetch(segment, { headers: { range: 'bytes=0-99' } });
    expect(ranged.status).toBe(206);
    expect((await ranged.arrayBuffer()).byteLength).toBe(100);
    const tampered = ready.media!.master!.replace(/\/(\d+)\.([A-Za-z0-9_-]+)\//, (_all, expiry: string, signature: string) => `/${expiry}.${signature.slice(1)}x/`);
    expect((await fetch(`${service.url}${tampered}`)).status).toBe(403);
    expect((await fetch(`${service.url}${ready.media!.poster!}`)).headers.get('content-type')).toBe('image/jpeg');
  });

  it('lists and searches sessions', async () => {
    const all = await service.api<{ total: number; items: Array<{ id: string; state: string; posterUrl: string | null; participants: unknown[] }> }>('/api/sessions');
    expect(all.body.total).toBe(1);
    expect(all.body.items[0]).toMatchObject({ id: MEETING_ID, state: 'ready' });
    expect(all.body.items[0]!.posterUrl).toMatch(/poster\.jpg$/);
    expect((await service.api<{ total: number }>('/api/sessions?q=1234')).body.total).toBe(1);
    expect((await service.api<{ total: number }>('/api/sessions?q=1002')).body.total).toBe(1);
    expect((await service.api<{ total: number }>('/api/sessions?q=nobody')).body.total).toBe(0);
    expect((await service.api<{ total: number }>('/api/sessions?room=1234')).body.total).toBe(1);
    expect((await service.api<{ total: number }>('/api/sessions?room=4321')).body.total).toBe(0);
    expect((await service.api<{ total: number }>('/api/sessions?from=2020-01-01T00:00:00Z&to=2099-01-01T00:00:00Z')).body.total).toBe(1);
    expect((await service.api<{ total: number }>('/api/sessions?from=2099-01-01T00:00:00Z')).body.total).toBe(0);
    expect((await service.api('/api/sessions?from=yesterday')).status).toBe(400);
    expect((await service.api('/api/sessions?limit=0')).status).toBe(400);
    expect((await service.api('/api/sessions/nope')).status).toBe(404);
  });

  it('runs a job again, refuses a second one meanwhile, pushes progress as events, and cancels', async () => {
    const events: string[] = [];
    const controller = new AbortController();
    const stream = fetch(`${service.url}/api/events?session=${MEETING_ID}&token=${service.apiToken}`, { signal: controller.signal }).then(async (response) => {
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reader = response.body!.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          return;
        }
        events.push(new TextDecoder().decode(value));
      }
    }).catch(() => undefined);
    const started = await service.api<{ jobId: string }>(`/api/sessions/${MEETING_ID}/jobs`, { method: 'POST' });
    expect(started.status).toBe(202);
    const busy = await service.api<{ error: { code: string } }>(`/api/sessions/${MEETING_ID}/jobs`, { method: 'POST' });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('JOB_BUSY');
    await waitFor('a job event', async () => events.join('').includes('event: job'), 30_000);
    const composing = await waitFor('the compose job running', async () => {
      const session = await detail();
      return session.jobs.find((job) => job.kind === 'compose' && job.state === 'running') ?? null;
    }, 60_000);
    const cancelled = await service.api<{ state: string }>(`/api/jobs/${composing.id}/cancel`, { method: 'POST' });
    expect(cancelled.body.state).toBe('cancelled');
    const after = await waitFor('the session settled', async () => {
      const session = await detail();
      return session.state === 'ready' ? session : null;
    }, 30_000);
    // The earlier, complete output still plays.
    expect(after.media?.state).toBe('ready');
    expect((await fetch(`${service.url}${after.media!.master!}`)).status).toBe(200);
    expect((await service.api<{ state: string }>(`/api/jobs/${composing.id}`)).body.state).toBe('cancelled');
    expect((await service.api('/api/jobs/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    controller.abort();
    await stream;
  });

  it('takes an archive of a room, and deletes a session with its media and uploaded recordings', async () => {
    const folder = join(FIXTURES, 'h264');
    const names = (await readdir(folder)).filter((name) => name.endsWith('.mjr'));
    const zip = writeZip(await Promise.all(names.map(async (name) => ({ name: `room/${name}`, bytes: await readFile(join(folder, name)), deflate: true }))));
    const form = new FormData();
    form.append('files', new Blob([zip]), 'room.zip');
    const upload = await service.api<{ sessions: Array<{ id: string }> }>('/api/uploads', { method: 'POST', body: form });
    expect(upload.status).toBe(201);
    const [session] = upload.body.sessions;
    expect(await readdir(join(service.dataDir, 'recordings', session!.id))).toEqual(expect.arrayContaining(names));
    const deleted = await service.api(`/api/sessions/${session!.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await service.api(`/api/sessions/${session!.id}`)).status).toBe(404);
    expect(await readdir(join(service.dataDir, 'recordings')).then((entries) => entries.includes(session!.id))).toBe(false);
    expect((await service.api(`/api/sessions/${session!.id}`, { method: 'DELETE' })).status).toBe(404);
  });
});
