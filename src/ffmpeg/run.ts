/**
 * The one place Reprise starts processes: ffmpeg and ffprobe, from argument arrays, without a shell.
 * ffmpeg reports progress on fd 3 (`-progress pipe:3`), so stdout stays free for media; stderr is kept only as
 * a bounded tail for error messages. An AbortSignal stops the process (SIGTERM, then SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { RepriseError, type ErrorDetails } from '../shared/errors.js';
import { locateFfmpeg } from './locate.js';
import { parseProgressBlock, ProgressBlockSplitter } from './progress.js';
import { TextTail } from './tail.js';

/** What `runFfmpeg` puts before the caller's arguments. */
export const FFMPEG_COMMON_ARGS: readonly string[] = ['-hide_banner', '-nostdin', '-progress', 'pipe:3', '-nostats'];
/** What `runFfprobeJson` puts before the caller's arguments. */
export const FFPROBE_COMMON_ARGS: readonly string[] = ['-hide_banner', '-v', 'error', '-print_format', 'json'];

const STDERR_TAIL_LINES = 40;
const DEFAULT_KILL_TIMEOUT_MS = 2000;
/** After the process exits, how long its pipes may stay open (held by a grandchild) before we stop waiting. */
const PIPE_CLOSE_GRACE_MS = 1000;
const DEFAULT_FFPROBE_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export type FfmpegProgressUpdate = {
  /** Output position in ms, when ffmpeg knows it. */
  outTimeMs: number | null;
  /** Video frames written so far (null for audio-only outputs). */
  frame: number | null;
  /** Multiple of real time. */
  speed: number | null;
  /** outTimeMs / durationMs, clamped to 0…1; 1 once done. Only when `durationMs` was given. */
  fraction?: number;
  /** The last update (`progress=end`). */
  done: boolean;
};

export type RunFfmpegOptions = {
  signal?: AbortSignal;
  onProgress?: (progress: FfmpegProgressUpdate) => void;
  /** Expected output duration, to compute `fraction`. */
  durationMs?: number;
  cwd?: string;
  /** Defaults to `locateFfmpeg().ffmpeg`. */
  ffmpegPath?: string;
  /**
   * Receives what ffmpeg writes to stdout (`pipe:1` outputs), chunk by chunk, synchronously; without it stdout
   * is discarded. If it throws, ffmpeg is stopped and the run rejects with that error.
   */
  onStdout?: (chunk: Uint8Array) => void;
  /** Called once the process exists (for logs, and for tests that check it is gone afterwards). */
  onSpawn?: (pid: number) => void;
  /** Between SIGTERM and SIGKILL after an abort. Default 2000 ms. */
  killTimeoutMs?: number;
};

export type RunFfmpegResult = { stderrTail: string; elapsedMs: number };

export type RunFfprobeOptions = {
  signal?: AbortSignal;
  cwd?: string;
  /** Defaults to `locateFfmpeg().ffprobe`. */
  ffprobePath?: string;
  /** ffprobe printing more than this is stopped (default 64 MiB). */
  maxOutputBytes?: number;
  killTimeoutMs?: number;
};

type Tool = 'ffmpeg' | 'ffprobe';

type ProcessSpec = {
  tool: Tool;
  path: string;
  args: readonly string[];
  cwd: string | undefined;
  signal: AbortSignal | undefined;
  killTimeoutMs: number;
  onStdout: ((chunk: Uint8Array) => void) | undefined;
  onProgressChunk: ((chunk: Uint8Array) => void) | undefined;
  onSpawn: ((pid: number) => void) | undefined;
};

const cancelledError = (tool: Tool, signal: AbortSignal): RepriseError =>
  new RepriseError('FFMPEG_CANCELLED', `${tool} was cancelled`, { details: { tool }, cause: signal.reason });

const spawnError = (tool: Tool, path: string, error: NodeJS.ErrnoException): RepriseError => {
  if (error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'ENOTDIR') {
    const variable = tool === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH';
    return new RepriseError(
      'FFMPEG_MISSING',
      `${tool} not found at ${JSON.stringify(path)} (${error.code}): install it with "apt-get install ffmpeg" (Debian/Ubuntu) or set ${variable}`,
      { details: { tool, path, errno: error.code }, cause: error },
    );
  }
  return new RepriseError('FFMPEG_EXIT', `${tool} could not be started: ${error.message}`, {
    details: { tool, path, errno: error.code ?? null },
    cause: error,
  });
};

const exitError = (tool: Tool, exitCode: number | null, signal: NodeJS.Signals | null, stderrTail: string): RepriseError => {
  const how = exitCode !== null ? `exited with code ${exitCode}` : `was killed by ${signal ?? 'a signal'}`;
  const details: ErrorDetails = { tool, exitCode, signal, stderrTail };
  return new RepriseError('FFMPEG_EXIT', stderrTail.length > 0 ? `${tool} ${how}:\n${stderrTail}` : `${tool} ${how}`, { details });
};

/** Spawns, streams, waits; every way out settles the promise once, after the process is gone. */
const runProcess = (spec: ProcessSpec): Promise<RunFfmpegResult> =>
  new Promise<RunFfmpegResult>((resolve, reject) => {
    const { tool, signal } = spec;
    if (signal?.aborted) {
      reject(cancelledError(tool, signal));
      return;
    }
    const startedMs = performance.now();
    const tail = new TextTail(STDERR_TAIL_LINES);
    let child: ChildProcess;
    try {
      child = spawn(spec.path, [...spec.args], {
        cwd: spec.cwd,
        shell: false,
        windowsHide: true,
        stdio: ['ignore', spec.onStdout ? 'pipe' : 'ignore', 'pipe', spec.onProgressChunk ? 'pipe' : 'ignore'],
      });
    } catch (error) {
      reject(spawnError(tool, spec.path, error as NodeJS.ErrnoException));
      return;
    }

    let settled = false;
    let cancelled = false;
    /** Thrown by a callback: stop the process, then reject with it. */
    let callbackError: { error: unknown } | null = null;
    let startError: NodeJS.ErrnoException | null = null;
    let killTimer: NodeJS.Timeout | null = null;
    let graceTimer: NodeJS.Timeout | null = null;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;

    const stop = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      child.kill('SIGTERM');
      killTimer ??= setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
        }
      }, spec.killTimeoutMs);
    };
    const onAbort = (): void => {
      cancelled = true;
      stop();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    const guard =
      (callback: (chunk: Uint8Array) => void) =>
      (chunk: Uint8Array): void => {
        if (callbackError !== null) {
          return;
        }
        try {
          callback(chunk);
        } catch (error) {
          callbackError = { error };
          stop();
        }
      };
    const stdout = child.stdout;
    const stderr = child.stderr;
    const progress = (child.stdio[3] ?? null) as Readable | null;
    const ignoreStreamError = (): void => {};
    if (stdout && spec.onStdout) {
      stdout.on('data', guard(spec.onStdout));
      stdout.on('error', ignoreStreamError);
    }
    if (progress && spec.onProgressChunk) {
      progress.on('data', guard(spec.onProgressChunk));
      progress.on('error', ignoreStreamError);
    }
    if (stderr) {
      stderr.on('data', (chunk: Uint8Array) => tail.push(chunk));
      stderr.on('error', ignoreStreamError);
    }

    const finish = (): void => {
      if (settled) {
        return;
      }
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (killTimer !== null) {
        clearTimeout(killTimer);
      }
      if (graceTimer !== null) {
        clearTimeout(graceTimer);
      }
      const stderrTail = tail.text();
      const elapsedMs = performance.now() - startedMs;
      if (startError !== null) {
        reject(spawnError(tool, spec.path, startError));
      } else if (callbackError !== null) {
        reject((callbackError as { error: unknown }).error);
      } else if (exit?.code === 0) {
        resolve({ stderrTail, elapsedMs });
      } else if (cancelled && signal !== undefined) {
        reject(cancelledError(tool, signal));
      } else {
        reject(exitError(tool, exit?.code ?? null, exit?.signal ?? null, stderrTail));
      }
    };

    child.on('spawn', () => {
      if (child.pid !== undefined) {
        spec.onSpawn?.(child.pid);
      }
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) {
        startError = error;
        finish();
      }
    });
    child.on('exit', (code, exitSignal) => {
      exit = { code, signal: exitSignal };
      // Normally 'close' follows at once; a grandchild holding the pipes must not keep us waiting.
      graceTimer = setTimeout(() => {
        for (const stream of [stdout, stderr, progress]) {
          stream?.destroy();
        }
        finish();
      }, PIPE_CLOSE_GRACE_MS);
    });
    child.on('close', (code, exitSignal) => {
      exit ??= { code, signal: exitSignal };
      finish();
    });
  });

const progressUpdate = (block: string, durationMs: number | undefined): FfmpegProgressUpdate | null => {
  const parsed = parseProgressBlock(block);
  if (parsed.progress === null) {
    return null;
  }
  const done = parsed.progress === 'end';
  const update: FfmpegProgressUpdate = { outTimeMs: parsed.outTimeMs, frame: parsed.frame, speed: parsed.speed, done };
  if (durationMs !== undefined && durationMs > 0) {
    update.fraction = done ? 1 : parsed.outTimeMs === null ? 0 : Math.min(1, Math.max(0, parsed.outTimeMs / durationMs));
  }
  return update;
};

/**
 * Runs ffmpeg with `-hide_banner -nostdin -progress pipe:3 -nostats` and then `args`. Resolves when it exits
 * with 0; rejects with `FFMPEG_EXIT` (exit code and stderr tail in details and message), `FFMPEG_CANCELLED`
 * (after the process is gone), or `FFMPEG_MISSING`.
 */
export const runFfmpeg = async (args: readonly string[], options: RunFfmpegOptions = {}): Promise<RunFfmpegResult> => {
  const path = options.ffmpegPath ?? locateFfmpeg().ffmpeg;
  const { onProgress, durationMs } = options;
  const splitter = new ProgressBlockSplitter();
  return runProcess({
    tool: 'ffmpeg',
    path,
    args: [...FFMPEG_COMMON_ARGS, ...args],
    cwd: options.cwd,
    signal: options.signal,
    killTimeoutMs: options.killTimeoutMs ?? DEFAULT_KILL_TIMEOUT_MS,
    onStdout: options.onStdout,
    onSpawn: options.onSpawn,
    onProgressChunk: (chunk) => {
      for (const block of splitter.push(chunk)) {
        const update = onProgress === undefined ? null : progressUpdate(block, durationMs);
        if (update !== null) {
          onProgress?.(update);
        }
      }
    },
  });
};

/**
 * Runs ffprobe with `-hide_banner -v error -print_format json` and then `args`; resolves with its parsed JSON
 * output (unvalidated: the caller checks the shape). Rejects like `runFfmpeg`, or with `FFPROBE_OUTPUT` when
 * the output is not JSON or too large.
 */
export const runFfprobeJson = async (args: readonly string[], options: RunFfprobeOptions = {}): Promise<unknown> => {
  const path = options.ffprobePath ?? locateFfmpeg().ffprobe;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_FFPROBE_MAX_OUTPUT_BYTES;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const { stderrTail } = await runProcess({
    tool: 'ffprobe',
    path,
    args: [...FFPROBE_COMMON_ARGS, ...args],
    cwd: options.cwd,
    signal: options.signal,
    killTimeoutMs: options.killTimeoutMs ?? DEFAULT_KILL_TIMEOUT_MS,
    onProgressChunk: undefined,
    onSpawn: undefined,
    onStdout: (chunk) => {
      size += chunk.length;
      if (size > maxOutputBytes) {
        throw new RepriseError('FFPROBE_OUTPUT', `ffprobe printed more than ${maxOutputBytes} bytes`, { details: { maxOutputBytes } });
      }
      chunks.push(chunk);
    },
  });
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new RepriseError('FFPROBE_OUTPUT', `ffprobe did not print JSON: ${JSON.stringify(text.slice(0, 200))}`, {
      details: { outputBytes: size, stderrTail },
      cause,
    });
  }
};
