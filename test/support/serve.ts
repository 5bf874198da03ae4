/**
 * A whole `reprise serve` in the test process (real database, queue, workers, HTTP on 127.0.0.1 and a free
 * port), or as a child process (`bin/reprise.js serve|worker`) for tests that kill it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startService, type RunningService, type ServiceOptions } from '../../src/service/runtime.js';

export type TestService = RunningService & { dataDir: string; dispose(): Promise<void>; api<T = unknown>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> };

export const startTestService = async (options: Partial<ServiceOptions> = {}): Promise<TestService> => {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'reprise-serve-')));
  const lines: string[] = [];
  const service = await startService(
    {
      dataDir,
      worker: true,
      http: { host: '127.0.0.1', port: 0, http2: false },
      sample: false,
      logLevel: 'silent',
      leaseMs: 4000,
      retryDelaySec: 1,
      quietMs: 1500,
      watchIntervalMs: 300,
      ...options,
    },
    (line) => lines.push(line),
  );
  return {
    ...service,
    dataDir,
    api: async <T,>(path: string, init: RequestInit = {}) => {
      const response = await fetch(`${service.url}${path}`, { ...init, headers: { authorization: `Bearer ${service.apiToken}`, ...(init.headers ?? {}) } });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
    },
    dispose: async () => {
      await service.close();
      if (options.dataDir === undefined) {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
};

/** Polls until `check` returns a value (not undefined/null/false), or fails after `timeoutMs`. */
export const waitFor = async <T,>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 120_000, intervalMs = 250): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== null && value !== undefined && value !== false) {
        return value;
      }
    } catch (error) {
      last = error;
    }
    await new Promise((done) => setTimeout(done, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last === null ? '' : ` (last error: ${String(last)})`}`);
};

export const REPRISE_BIN = resolve(import.meta.dirname, '../../bin/reprise.js');

/** `node bin/reprise.js <args>` as a child process, its output collected. */
export const spawnReprise = (args: readonly string[], env: Record<string, string> = {}, options: { detached?: boolean } = {}): { child: ChildProcess; output: () => string } => {
  // detached: its own process group, so a test can end it with its ffmpeg children (kill(-pid)).
  const child = spawn(process.execPath, [REPRISE_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached === true });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
};
