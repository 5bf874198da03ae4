/**
 * `reprise serve --watch`: a live Janus room recorded into the watched folder (real Janus, real Chromium
 * publishers, scripts/record-fixtures) becomes a playable replay with no manual step, and hls.js plays it from
 * the origin; a participant who joins after the session was processed extends it.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hlsPlayerPage } from './support/hls-player.js';
import { launchChromium, serveStatic } from './support/browser.js';
import { startTestService, waitFor, type TestService } from './support/serve.js';

const ROOT = resolve(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'test/fixtures/real');

type Detail = { id: string; state: string; participants: Array<{ id: string }>; jobs: Array<{ kind: string; state: string }>; media: null | { state: string; master: string | null; mosaic: string | null; outputId: string; tileMap: { tiles: unknown[] } | null } };

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch(() => undefined);
  }
});

const startWatching = async (): Promise<{ service: TestService; watched: string }> => {
  const watched = await mkdtemp(join(tmpdir(), 'reprise-watched-'));
  const service = await startTestService({ watchDir: watched, quietMs: 3000 });
  cleanups.push(async () => {
    await service.dispose();
    await rm(watched, { recursive: true, force: true });
  });
  return { service, watched };
};

const readySession = (service: TestService, predicate: (detail: Detail) => boolean, timeoutMs: number) =>
  waitFor(
    'a processed session',
    async () => {
      const list = await service.api<{ items: Array<{ id: string }> }>('/api/sessions');
      for (const item of list.body.items) {
        const detail = (await service.api<Detail>(`/api/sessions/${item.id}`)).body;
        if (detail.state === 'ready' && detail.jobs.every((job) => job.state === 'completed') && predicate(detail)) {
          return detail;
        }
      }
      return null;
    },
    timeoutMs,
    500,
  );

/** hls.js, from the package, plays a signed master playlist from the origin; resolves with what it saw. */
const playInChromium = async (masterUrl: string): Promise<{ errors: string[]; levels: number[]; currentTime: number }> => {
  const page = await mkdtemp(join(tmpdir(), 'reprise-player-'));
  await writeFile(
    join(page, 'player.html'),
    hlsPlayerPage(masterUrl),
  );
  const server = await serveStatic({ '/lib/': join(ROOT, 'node_modules/hls.js/dist'), '/': page });
  const browser = await launchChromium();
  try {
    const tab = await browser.context.newPage();
    await tab.goto(`${server.url}/player.html`);
    await tab.waitForFunction('document.getElementById("v").currentTime > 3 || window.errors.length > 0', undefined, { timeout: 60_000 });
    return (await tab.evaluate('({ errors: window.errors, levels: window.levels, currentTime: document.getElementById("v").currentTime })')) as {
      errors: string[];
      levels: number[];
      currentTime: number;
    };
  } finally {
    await browser.close();
    await server.close();
    await rm(page, { recursive: true, force: true });
  }
};

describe('reprise serve --watch', () => {
  it('processes a participant who joins later as the same session, extended', async () => {
    const { service, watched } = await startWatching();
    const files = (await readdir(FIXTURES)).filter((name) => name.startsWith('videoroom-1234-') && name.endsWith('.mjr'));
    for (const name of files.filter((entry) => entry.includes('-user-1001-'))) {
      await copyFile(join(FIXTURES, name), join(watched, name));
    }
    const first = await readySession(service, (detail) => detail.participants.length === 1, 180_000);
    for (const name of files.filter((entry) => entry.includes('-user-1002-'))) {
      await copyFile(join(FIXTURES, name), join(watched, name));
    }
    const extended = await readySession(service, (detail) => detail.participants.length === 2 && detail.media?.outputId !== first.media?.outputId, 180_000);
    expect(extended.id).toBe(first.id);
    expect(extended.participants.map((participant) => participant.id).sort()).toEqual(['1001', '1002']);
    expect(extended.media!.tileMap!.tiles).toHaveLength(2);
    expect((await service.api<{ total: number }>('/api/sessions')).body.total).toBe(1);
    // The earlier output is gone from the media folder once the new one is published.
    expect(await readdir(join(service.dataDir, 'media', first.id))).toEqual([extended.media!.outputId]);
  }, 400_000);

  it('turns a live recording by a real Janus into a replay that hls.js plays from the origin', async () => {
    const { service, watched } = await startWatching();
    const out = await mkdtemp(join(tmpdir(), 'reprise-rec-out-'));
    cleanups.push(() => rm(out, { recursive: true, force: true }));
    const recorder = spawn('bash', [join(ROOT, 'scripts/record-fixtures'), '--runs', 'meeting', '--rec-dir', watched, '--out', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    recorder.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    recorder.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    cleanups.push(async () => {
      if (recorder.exitCode === null) {
        recorder.kill('SIGTERM');
      }
    });
    // While the room is live the files grow in the watched folder, and nothing is processed yet.
    await waitFor('Janus writing into the watched folder', async () => (await readdir(watched)).some((name) => name.endsWith('.mjr')), 120_000);
    expect((await service.api<{ total: number }>('/api/sessions')).body.total).toBe(0);
    const exitCode = await new Promise<number | null>((done) => recorder.on('exit', done));
    expect(exitCode, log.slice(-3000)).toBe(0);
    const session = await readySession(service, (detail) => detail.participants.length === 3 && detail.media?.master !== null, 240_000);
    expect(session.media!.tileMap!.tiles).toHaveLength(3);
    const played = await playInChromium(`${service.url}${session.media!.master!}`);
    expect(played.errors).toEqual([]);
    expect(played.currentTime).toBeGreaterThan(3);
    expect([...played.levels].sort((a, b) => b - a)).toEqual([720, 480, 240]);
  }, 600_000);
});
