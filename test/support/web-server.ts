/**
 * The server the web player tests run against: `reprise serve` in the test process (test/support/serve.ts), with
 * the bundled sample meeting ingested and processed by the real pipeline, serving web/dist (built first by
 * buildWebPlayer).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type ReplayServer = {
  /** http://127.0.0.1:<port>, serving the player at `/` and the API at `/api`. */
  url: string;
  token: string;
  /** The composed fixture meeting (three participants, flashes and beeps). */
  sessionId: string;
  close: () => Promise<void>;
};

export type ReplayServerOptions = {
  /** How long media signatures last (the expiry test wants seconds). */
  signatureTtlSec?: number;
};

const ROOT = join(import.meta.dirname, '..', '..');

/** The newest modification time under a folder (ms). */
const newestMtimeMs = (folder: string): number =>
  readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((newest, entry) => Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs), 0);

/**
 * Builds web/dist when it is missing or older than the player's sources. `scripts/test` builds it before the
 * tests, so test files running in parallel never rebuild (and never empty) the folder another one serves.
 */
export const buildWebPlayer = (): void => {
  const index = join(ROOT, 'web', 'dist', 'index.html');
  const sourcesMs = Math.max(newestMtimeMs(join(ROOT, 'web', 'src')), statSync(join(ROOT, 'web', 'index.html')).mtimeMs, statSync(join(ROOT, 'web', 'vite.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sourcesMs) {
    return;
  }
  const build = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'error'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) {
    throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);
  }
};

const startReal = async (options: ReplayServerOptions): Promise<ReplayServer> => {
  const { startTestService, waitFor } = await import('./serve.js');
  const service = await startTestService({ sample: true, webRoot: join(ROOT, 'web', 'dist'), ...(options.signatureTtlSec === undefined ? {} : { mediaUrlTtlSec: options.signatureTtlSec }) });
  const sessionId = await waitFor(
    'the sample meeting, processed',
    async () => {
      const { body } = await service.api<{ items: { id: string; state: string }[] }>('/api/sessions');
      const sample = body.items.find((item) => item.id.startsWith('videoroom-1234-'));
      return sample?.state === 'ready' ? sample.id : null;
    },
    300_000,
    500,
  );
  return { url: service.url!, token: service.apiToken, sessionId, close: () => service.dispose() };
};

export const startReplayServer = (options: ReplayServerOptions = {}): Promise<ReplayServer> => startReal(options);
