import type { ChildProcess } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderJanusConfigFiles, selectDisabledLibraries, type JanusRoomConfig } from './janus-config.js';
import { RecorderError } from './recorder-error.js';
import { isRunning, startLoggedProcess, stopProcess } from './run-process.js';
import { pollUntil } from './wait.js';

const JANUS_LIB_DIR = '/usr/lib/x86_64-linux-gnu/janus';
const START_TIMEOUT_MS = 20_000;
/** Janus closes its recorders on shutdown; give it time to flush them. */
const STOP_GRACE_MS = 10_000;

export type JanusServer = {
  apiUrl: string;
  logPath: string;
  child: ChildProcess;
  stop: () => Promise<void>;
};

export type JanusServerOptions = {
  workDir: string;
  httpPort: number;
  iceEnforce: string;
  publisherBitrateBps: number;
  rooms: JanusRoomConfig[];
};

async function listLibraries(folder: string): Promise<string[]> {
  return (await readdir(join(JANUS_LIB_DIR, folder))).filter((name) => name.endsWith('.so'));
}

async function writeJanusConfig(configDir: string, options: JanusServerOptions): Promise<void> {
  const files = renderJanusConfigFiles({
    configDir,
    pluginsDir: join(JANUS_LIB_DIR, 'plugins'),
    transportsDir: join(JANUS_LIB_DIR, 'transports'),
    eventsDir: join(JANUS_LIB_DIR, 'events'),
    loggersDir: join(JANUS_LIB_DIR, 'loggers'),
    disabled: {
      plugins: selectDisabledLibraries(await listLibraries('plugins'), ['libjanus_videoroom.so']),
      transports: selectDisabledLibraries(await listLibraries('transports'), ['libjanus_http.so']),
      events: selectDisabledLibraries(await listLibraries('events'), []),
      loggers: selectDisabledLibraries(await listLibraries('loggers'), []),
    },
    httpPort: options.httpPort,
    iceEnforce: options.iceEnforce,
    rtpPortRange: { min: 20_000, max: 20_999 },
    publisherBitrateBps: options.publisherBitrateBps,
    rooms: options.rooms,
  });
  await mkdir(configDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    await writeFile(join(configDir, name), text);
  }
}

async function fetchServerInfo(apiUrl: string): Promise<unknown> {
  const response = await fetch(`${apiUrl}/info`, { signal: AbortSignal.timeout(2_000) });
  const body = (await response.json()) as { janus?: string };
  return body.janus === 'server_info' ? body : undefined;
}

/** Writes a configuration into `workDir`, starts Janus and waits until its HTTP API answers. */
export async function startJanusServer(options: JanusServerOptions): Promise<JanusServer> {
  const configDir = join(options.workDir, 'janus-config');
  const logPath = join(options.workDir, 'logs', 'janus.log');
  await writeJanusConfig(configDir, options);
  for (const room of options.rooms) {
    await mkdir(room.recordingsDir, { recursive: true });
  }
  const child = startLoggedProcess('janus', ['-F', configDir, '-C', join(configDir, 'janus.jcfg'), '-o'], logPath);
  const apiUrl = `http://127.0.0.1:${options.httpPort}/janus`;
  await pollUntil(
    async () => {
      if (!isRunning(child)) {
        throw new RecorderError('REC_JANUS_START', `janus exited early (${child.exitCode ?? child.signalCode}), see ${logPath}`);
      }
      return fetchServerInfo(apiUrl);
    },
    { timeoutMs: START_TIMEOUT_MS, intervalMs: 250, what: 'Janus HTTP API' },
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw new RecorderError('REC_JANUS_START', `Janus did not start, see ${logPath}`, { cause: error });
  });
  return { apiUrl, logPath, child, stop: () => stopProcess(child, STOP_GRACE_MS) };
}
