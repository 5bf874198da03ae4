import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { databaseBackends, type TestDatabase } from '../../test/support/databases.js';
import { buildManifest, person } from '../../test/support/layout-manifest.js';
import type { SessionManifest } from '../sessions/manifest.js';
import { Catalog } from './catalog.js';

/** Tests share one database per backend, so each works in its own room with its own session ids. */
const uniqueRoom = (): string => `room-${randomBytes(4).toString('hex')}`;

const ORIGIN_US = 1_795_567_682_185_123;

const manifestFor = (room: string, index = 0, overrides: Partial<SessionManifest> = {}): SessionManifest => ({
  ...buildManifest(60_000, [
    person('1001', 'Alice Martin', [[0, 60_000]], { speaking: [[1_000, 4_000]] }),
    person('1002', null, [
      [5_000, 20_000],
      [30_000, 60_000],
    ]),
  ]),
  id: `videoroom-${room}-${index}`,
  room,
  originUs: ORIGIN_US + index * 3_600_000_000,
  ...overrides,
});

describe.each(databaseBackends())('Catalog on $name', (backend) => {
  let database: TestDatabase;
  let catalog: Catalog;

  beforeAll(async () => {
    database = await backend.open();
    catalog = new Catalog(database.db);
  });
  afterAll(() => database?.dispose());

  test('saves a session with its participants and tracks, and reads it back', async () => {
    const manifest = manifestFor(uniqueRoom());
    expect(await catalog.saveSession(manifest, '/recordings/a')).toEqual({ created: true });
    const detail = await catalog.getSession(manifest.id);
    expect(detail?.session).toMatchObject({
      id: manifest.id,
      room: manifest.room,
      kind: 'videoroom',
      title: null,
      startedAtMs: Math.floor(ORIGIN_US / 1000),
      durationMs: 60_000,
      originUs: ORIGIN_US,
      sourceDir: '/recordings/a',
      state: 'pending',
      error: null,
    });
    expect(detail?.session.manifest).toEqual(manifest);
    // Database time, in epoch ms: close to ours.
    expect(Math.abs((detail?.session.createdAtMs ?? 0) - Date.now())).toBeLessThan(120_000);
    expect(detail?.participants).toEqual([
      { participantId: '1001', displayName: 'Alice Martin', intervals: [{ startMs: 0, endMs: 60_000 }], speaking: [{ startMs: 1_000, endMs: 4_000 }] },
      {
        participantId: '1002',
        displayName: null,
        intervals: [
          { startMs: 5_000, endMs: 20_000 },
          { startMs: 30_000, endMs: 60_000 },
        ],
        speaking: [],
      },
    ]);
    expect(detail?.tracks.map((track) => [track.participantId, track.kind, track.codec, track.startMs, track.endMs])).toEqual([
      ['1001', 'audio', 'opus', 0, 60_000],
      ['1001', 'video', 'vp8', 0, 60_000],
      ['1002', 'audio', 'opus', 5_000, 20_000],
      ['1002', 'video', 'vp8', 5_000, 20_000],
      ['1002', 'audio', 'opus', 30_000, 60_000],
      ['1002', 'video', 'vp8', 30_000, 60_000],
    ]);
    expect(detail?.jobs).toEqual([]);
    expect(detail?.outputs).toEqual([]);
  });

  test('saving a session again replaces its participants and tracks and keeps its state, jobs and outputs', async () => {
    const manifest = manifestFor(uniqueRoom());
    await catalog.saveSession(manifest, '/recordings/b');
    await catalog.setSessionState(manifest.id, 'ready');
    const job = await catalog.createJob({ sessionId: manifest.id, kind: 'package' });
    const output = await catalog.createOutput({ sessionId: manifest.id, kind: 'hls', path: 'b/hls', jobId: job.id });
    await catalog.publishOutput(output.id);

    const [alice] = manifest.participants;
    const revised = { ...manifest, durationMs: 61_500.4, participants: [alice!] };
    expect(await catalog.saveSession(revised, '/recordings/b2')).toEqual({ created: false });

    const detail = await catalog.getSession(manifest.id);
    expect(detail?.session).toMatchObject({ state: 'ready', durationMs: 61_500, sourceDir: '/recordings/b2' });
    expect(detail?.participants.map((participant) => participant.participantId)).toEqual(['1001']);
    expect(detail?.tracks).toHaveLength(2);
    expect(detail?.jobs.map((entry) => entry.id)).toEqual([job.id]);
    expect(detail?.outputs.map((entry) => [entry.id, entry.state])).toEqual([[output.id, 'ready']]);
  });

  test('returns null for a session it does not know', async () => {
    expect(await catalog.getSession('no-such-session')).toBeNull();
    expect(await catalog.setSessionState('no-such-session', 'failed', 'x')).toBe(false);
    expect(await catalog.deleteSession('no-such-session')).toBe(false);
  });

  test('lists sessions newest first with participant names, a total, paging, and room and time filters', async () => {
    const room = uniqueRoom();
    for (const index of [0, 2, 1]) {
      await catalog.saveSession(manifestFor(room, index), `/recordings/${index}`);
    }
    const page = await catalog.listSessions({ room, limit: 2, offset: 0 });
    expect(page.total).toBe(3);
    expect(page.items.map((item) => item.id)).toEqual([`videoroom-${room}-2`, `videoroom-${room}-1`]);
    expect(page.items[0]).toMatchObject({ room, kind: 'videoroom', durationMs: 60_000, state: 'pending', participantCount: 2, participantNames: ['Alice Martin', '1002'] });
    expect(page.items[0]).not.toHaveProperty('manifest');

    const rest = await catalog.listSessions({ room, limit: 2, offset: 2 });
    expect(rest).toMatchObject({ total: 3, items: [{ id: `videoroom-${room}-0` }] });

    const hourMs = 3_600_000;
    const fromMs = Math.floor(ORIGIN_US / 1000) + hourMs; // the start of session 1, included
    const window = await catalog.listSessions({ room, fromMs, toMs: fromMs + hourMs, limit: 10, offset: 0 });
    expect(window.items.map((item) => item.id)).toEqual([`videoroom-${room}-1`]);
  });

  test('searches rooms, titles and participant names case-insensitively, taking % and _ literally', async () => {
    const room = uniqueRoom();
    const tag = randomBytes(3).toString('hex');
    const named = manifestFor(room, 0, {
      participants: [person('7', `Zoë ${tag}`, [[0, 1000]])],
    });
    await catalog.saveSession(named, '/r');
    await catalog.saveSession(manifestFor(room, 1), '/r');
    await database.db.updateTable('sessions').set({ title: `Weekly 100%_${tag}` }).where('id', '=', `videoroom-${room}-1`).execute();

    const byName = await catalog.listSessions({ query: `ZOË ${tag.toUpperCase()}`, limit: 10, offset: 0 });
    expect(byName.items.map((item) => item.id)).toEqual([named.id]);
    const byTitle = await catalog.listSessions({ query: `100%_${tag}`, limit: 10, offset: 0 });
    expect(byTitle.items.map((item) => item.id)).toEqual([`videoroom-${room}-1`]);
    expect((await catalog.listSessions({ query: `100%x${tag}`, limit: 10, offset: 0 })).total).toBe(0);
    expect((await catalog.listSessions({ query: room.toUpperCase(), limit: 10, offset: 0 })).total).toBe(2);
  });

  test('sets and clears a session state and error', async () => {
    const manifest = manifestFor(uniqueRoom());
    await catalog.saveSession(manifest, '/r');
    expect(await catalog.setSessionState(manifest.id, 'failed', 'ffmpeg exited with 1')).toBe(true);
    expect((await catalog.getSession(manifest.id))?.session).toMatchObject({ state: 'failed', error: 'ffmpeg exited with 1' });
    await catalog.setSessionState(manifest.id, 'processing');
    expect((await catalog.getSession(manifest.id))?.session).toMatchObject({ state: 'processing', error: null });
  });

  test('deletes a session with its participants, tracks, jobs and outputs, leaving its recordings unlinked', async () => {
    const manifest = manifestFor(uniqueRoom());
    await catalog.saveSession(manifest, '/r');
    await catalog.createJob({ sessionId: manifest.id, kind: 'convert' });
    await catalog.createOutput({ sessionId: manifest.id, kind: 'poster', path: 'p.jpg' });
    const path = `/in/${manifest.id}/a.mjr`;
    await catalog.upsertRecording({ path, sizeBytes: 10, mtimeMs: 1, state: 'ingested', sessionId: manifest.id });

    expect(await catalog.deleteSession(manifest.id)).toBe(true);
    expect(await catalog.getSession(manifest.id)).toBeNull();
    expect(await catalog.jobsOf(manifest.id)).toEqual([]);
    expect(await catalog.outputsOf(manifest.id)).toEqual([]);
    const counts = await sql<{ n: number }>`select count(*)::int as n from tracks where session_id = ${manifest.id}`.execute(database.db);
    expect(counts.rows[0]?.n).toBe(0);
    expect((await catalog.recordingsByState('ingested')).find((recording) => recording.path === path)).toMatchObject({ sessionId: null });
  });

  test('records what ingest sees of a file, keeping when it was first seen and its session', async () => {
    const room = uniqueRoom();
    const manifest = manifestFor(room);
    await catalog.saveSession(manifest, '/r');
    const path = `/in/${room}/user-1-audio.mjr`;
    const first = await catalog.upsertRecording({ path, sizeBytes: 4_096, mtimeMs: 1_795_567_682_185.5, state: 'growing' });
    expect(first).toMatchObject({ path, sizeBytes: 4_096, mtimeMs: 1_795_567_682_185.5, state: 'growing', sessionId: null, sha256: null, errorCode: null });

    await catalog.markRecordings([path], 'stable', { sessionId: manifest.id });
    const second = await catalog.upsertRecording({ path, sizeBytes: 6_000_000_000, mtimeMs: 1_795_567_699_000, state: 'stable', sha256: 'ab'.repeat(32) });
    expect(second).toMatchObject({ sizeBytes: 6_000_000_000, state: 'stable', sessionId: manifest.id, sha256: 'ab'.repeat(32), firstSeenAtMs: first.firstSeenAtMs });
    expect(second.updatedAtMs).toBeGreaterThanOrEqual(first.updatedAtMs);
  });

  test('lists recordings by state and marks several at once', async () => {
    const room = uniqueRoom();
    const paths = ['b', 'a', 'c'].map((name) => `/in/${room}/${name}.mjr`);
    for (const path of paths) {
      await catalog.upsertRecording({ path, sizeBytes: 1, mtimeMs: 1, state: 'stable' });
    }
    const mine = (records: Array<{ path: string }>) => records.map((record) => record.path).filter((path) => path.startsWith(`/in/${room}/`));
    expect(mine(await catalog.recordingsByState('stable'))).toEqual([...paths].sort());

    expect(await catalog.markRecordings([paths[0]!, '/in/never-seen.mjr'], 'rejected', { errorCode: 'MJR_BAD_MAGIC' })).toBe(1);
    expect(await catalog.markRecordings([], 'rejected')).toBe(0);
    const rejected = (await catalog.recordingsByState(['rejected'])).filter((record) => record.path === paths[0]);
    expect(rejected).toMatchObject([{ state: 'rejected', errorCode: 'MJR_BAD_MAGIC' }]);
    expect(mine(await catalog.recordingsByState(['stable', 'rejected']))).toHaveLength(3);
    expect(await catalog.recordingsByState([])).toEqual([]);
  });

  test('tracks a job through its states, with progress and timestamps', async () => {
    const manifest = manifestFor(uniqueRoom());
    await catalog.saveSession(manifest, '/r');
    const job = await catalog.createJob({ sessionId: manifest.id, kind: 'compose', payload: { layout: 'grid' } });
    expect(job).toMatchObject({ sessionId: manifest.id, kind: 'compose', state: 'queued', progress: 0, attempts: 0, payload: { layout: 'grid' }, startedAtMs: null, finishedAtMs: null });
    expect(await catalog.activeJobOf(manifest.id)).toMatchObject({ id: job.id });

    const running = await catalog.updateJob(job.id, { state: 'running', attempts: 1, bossJobId: 'boss-1', progress: 1.7 });
    expect(running).toMatchObject({ state: 'running', attempts: 1, bossJobId: 'boss-1', progress: 1, finishedAtMs: null });
    expect(running?.startedAtMs).toBeGreaterThanOrEqual(job.createdAtMs);
    expect(await catalog.updateJob(job.id, { progress: 0.25 })).toMatchObject({ progress: 0.25, startedAtMs: running?.startedAtMs });

    const failed = await catalog.updateJob(job.id, { state: 'failed', error: 'FFMPEG_EXIT' });
    expect(failed).toMatchObject({ state: 'failed', error: 'FFMPEG_EXIT', progress: 0.25 });
    expect(failed?.finishedAtMs).not.toBeNull();
    expect(await catalog.activeJobOf(manifest.id)).toBeNull();

    const retried = await catalog.updateJob(job.id, { state: 'running', error: null });
    expect(retried).toMatchObject({ state: 'running', error: null, finishedAtMs: null, startedAtMs: running?.startedAtMs });
    expect(await catalog.updateJob(job.id, { state: 'completed' })).toMatchObject({ state: 'completed', progress: 1 });
    expect(await catalog.updateJob('00000000-0000-0000-0000-000000000000', { state: 'running' })).toBeNull();
  });

  test('lists a session’s jobs newest first, and shows the latest of each kind with the session', async () => {
    const manifest = manifestFor(uniqueRoom());
    await catalog.saveSession(manifest, '/r');
    // One active job per session at a time (a unique index): each ends before the next is created.
    const convert = await catalog.createJob({ sessionId: manifest.id, kind: 'convert' });
    await catalog.updateJob(convert.id, { state: 'completed' });
    const firstPackage = await catalog.createJob({ sessionId: manifest.id, kind: 'package' });
    await expect(catalog.createJob({ sessionId: manifest.id, kind: 'compose' })).rejects.toMatchObject({ code: 'DB_CONFLICT' });
    await catalog.updateJob(firstPackage.id, { state: 'failed' });
    const secondPackage = await catalog.createJob({ sessionId: manifest.id, kind: 'package' });
    expect((await catalog.jobsOf(manifest.id)).map((job) => job.id)).toEqual([secondPackage.id, firstPackage.id, convert.id]);
    const detail = await catalog.getSession(manifest.id);
    expect(detail?.jobs.map((job) => job.id)).toEqual([secondPackage.id, convert.id]);
  });

  test('refuses a job for an unknown session with DB_CONFLICT', async () => {
    await expect(catalog.createJob({ sessionId: 'no-such-session', kind: 'convert' })).rejects.toMatchObject({ code: 'DB_CONFLICT' });
  });

  test('publishes an output, superseding the previous one of its kind', async () => {
    const manifest = manifestFor(uniqueRoom());
    await catalog.saveSession(manifest, '/r');
    const first = await catalog.createOutput({ sessionId: manifest.id, kind: 'hls', path: `${manifest.id}/v1` });
    expect(first).toMatchObject({ state: 'processing', kind: 'hls', jobId: null, sizeBytes: null, publishedAtMs: null });
    expect(await catalog.currentOutput(manifest.id, 'hls')).toBeNull();

    expect(await catalog.publishOutput(first.id, { sizeBytes: 5_000_000_000 })).toMatchObject({ state: 'ready', sizeBytes: 5_000_000_000 });
    const poster = await catalog.createOutput({ sessionId: manifest.id, kind: 'poster', path: `${manifest.id}/poster.jpg` });
    await catalog.publishOutput(poster.id);
    const second = await catalog.createOutput({ sessionId: manifest.id, kind: 'hls', path: `${manifest.id}/v2` });
    const published = await catalog.publishOutput(second.id);
    expect(published?.publishedAtMs).not.toBeNull();
    expect(await catalog.publishOutput(second.id)).toEqual(published);

    expect(await catalog.currentOutput(manifest.id, 'hls')).toMatchObject({ id: second.id });
    expect(await catalog.currentOutput(manifest.id, 'poster')).toMatchObject({ id: poster.id, state: 'ready' });
    const states = new Map((await catalog.outputsOf(manifest.id)).map((output) => [output.id, output.state]));
    expect(Object.fromEntries(states)).toEqual({ [first.id]: 'superseded', [second.id]: 'ready', [poster.id]: 'ready' });
    expect((await catalog.getSession(manifest.id))?.outputs.map((output) => output.id).sort()).toEqual([second.id, poster.id].sort());

    await expect(catalog.publishOutput(first.id)).rejects.toMatchObject({ code: 'DB_CONFLICT' });
    expect(await catalog.publishOutput('00000000-0000-0000-0000-000000000000')).toBeNull();
  });

  test('publishing two outputs of one kind at once leaves exactly one ready', async () => {
    const manifest = manifestFor(uniqueRoom());
    await catalog.saveSession(manifest, '/r');
    const outputs = await Promise.all([1, 2, 3].map((n) => catalog.createOutput({ sessionId: manifest.id, kind: 'hls', path: `v${n}` })));
    await Promise.all(outputs.map((output) => catalog.publishOutput(output.id)));
    const states = (await catalog.outputsOf(manifest.id)).map((output) => output.state).sort();
    expect(states).toEqual(['ready', 'superseded', 'superseded']);
  });

  test('saves large manifests concurrently, each in its own transaction', async () => {
    const room = uniqueRoom();
    // Enough speaking intervals to make each manifest a few hundred kB: larger than one TCP read.
    const speaking: Array<[number, number]> = Array.from({ length: 6_000 }, (_, index) => [index * 10, index * 10 + 5]);
    const manifests = Array.from({ length: 8 }, (_, index) =>
      manifestFor(room, index, { participants: [person(`p${index}`, `Person ${index}`, [[0, 60_000]], { speaking })] }),
    );
    await Promise.all(manifests.map((manifest) => catalog.saveSession(manifest, `/r/${manifest.id}`)));
    const listed = await catalog.listSessions({ room, limit: 20, offset: 0 });
    expect(listed.total).toBe(8);
    for (const manifest of manifests) {
      const detail = await catalog.getSession(manifest.id);
      expect(detail?.session.manifest).toEqual(manifest);
      expect(detail?.participants[0]?.speaking).toHaveLength(6_000);
    }
  });
});
