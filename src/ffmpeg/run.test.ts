/** runFfmpeg / runFfprobeJson against the real ffmpeg 5.1 (tiny lavfi inputs, a few seconds in all). */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { isRepriseError, type RepriseError } from '../shared/errors.js';
import { clearFfmpegLocationCache } from './locate.js';
import { runFfmpeg, runFfprobeJson, type FfmpegProgressUpdate } from './run.js';

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0;

const rejection = async (promise: Promise<unknown>): Promise<RepriseError> => {
  try {
    await promise;
  } catch (error) {
    if (isRepriseError(error)) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a rejection');
};

/** The process is gone and reaped: signal 0 finds no such process (a zombie would still be found). */
const isGone = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
};

const directory = mkdtempSync(join(tmpdir(), 'reprise-run-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe.skipIf(!hasFfmpeg)('runFfmpeg (needs ffmpeg)', () => {
  test('success: progress updates up to progress=end, fraction reaching 1', async () => {
    const updates: FfmpegProgressUpdate[] = [];
    const output = join(directory, 'ok.mkv');
    const result = await runFfmpeg(
      [
        '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=25:duration=2',
        '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2',
        '-c:v', 'mpeg4', '-c:a', 'pcm_s16le', '-f', 'matroska', '-y', output,
      ],
      { durationMs: 2000, onProgress: (update) => updates.push(update) },
    );
    expect(result.elapsedMs).toBeGreaterThan(0);
    expect(typeof result.stderrTail).toBe('string');
    const last = updates[updates.length - 1]!;
    expect(last).toMatchObject({ done: true, fraction: 1, frame: 50 });
    expect(last.outTimeMs).toBeCloseTo(2000, -1);
    expect(updates.filter((update) => update.done)).toHaveLength(1);
    for (const update of updates) {
      expect(update.fraction).toBeGreaterThanOrEqual(0);
      expect(update.fraction).toBeLessThanOrEqual(1);
    }
    const probe = (await runFfprobeJson(['-show_entries', 'stream=codec_type', output])) as { streams: Array<{ codec_type: string }> };
    expect(probe.streams.map((stream) => stream.codec_type).sort()).toEqual(['audio', 'video']);
  });

  test('media on stdout stays separate from progress (fd 3)', async () => {
    let bytes = 0;
    let done = false;
    await runFfmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1:sample_rate=8000', '-ac', '1', '-f', 's16le', 'pipe:1'], {
      onStdout: (chunk) => {
        bytes += chunk.length;
      },
      onProgress: (update) => {
        done ||= update.done;
      },
    });
    expect(bytes).toBe(16_000);
    expect(done).toBe(true);
  });

  test('a bad argument: FFMPEG_EXIT with the exit code and ffmpeg’s own words', async () => {
    const error = await rejection(runFfmpeg(['-f', 'lavfi', '-i', 'sine=duration=0.1', '-no_such_option', '1', '-f', 'null', '-']));
    expect(error.code).toBe('FFMPEG_EXIT');
    expect(error.details['exitCode']).not.toBe(0);
    expect(typeof error.details['exitCode']).toBe('number');
    expect(String(error.details['stderrTail'])).toContain('no_such_option');
    expect(error.message).toContain('no_such_option');
  });

  test('a missing input: FFMPEG_EXIT, stderr tail bounded to the last 40 lines', async () => {
    const error = await rejection(runFfmpeg(['-i', join(directory, 'missing.webm'), '-f', 'null', '-']));
    expect(error.code).toBe('FFMPEG_EXIT');
    const tail = String(error.details['stderrTail']);
    expect(tail).toContain('No such file or directory');
    expect(tail.split('\n').length).toBeLessThanOrEqual(40);
  });

  test('abort mid-run: FFMPEG_CANCELLED quickly, and no process left behind (not even a zombie)', async () => {
    const controller = new AbortController();
    let pid = 0;
    let abortedAt = 0;
    const run = runFfmpeg(['-re', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=600', '-f', 'null', '-'], {
      signal: controller.signal,
      onSpawn: (id) => {
        pid = id;
      },
      onProgress: () => {
        if (abortedAt === 0) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    const error = await rejection(run);
    expect(error.code).toBe('FFMPEG_CANCELLED');
    expect(abortedAt).toBeGreaterThan(0);
    expect(performance.now() - abortedAt).toBeLessThan(1500);
    expect(pid).toBeGreaterThan(0);
    expect(isGone(pid)).toBe(true);
  });

  test('already aborted: rejects without starting anything', async () => {
    const onSpawn = vi.fn();
    const error = await rejection(runFfmpeg(['-f', 'lavfi', '-i', 'sine', '-f', 'null', '-'], { signal: AbortSignal.abort(), onSpawn }));
    expect(error.code).toBe('FFMPEG_CANCELLED');
    expect(onSpawn).not.toHaveBeenCalled();
  });

  test('a callback that throws stops ffmpeg and rejects with its error', async () => {
    let pid = 0;
    const run = runFfmpeg(['-re', '-f', 'lavfi', '-i', 'sine=duration=600', '-f', 'null', '-'], {
      onSpawn: (id) => {
        pid = id;
      },
      onProgress: () => {
        throw new Error('progress sink broke');
      },
    });
    await expect(run).rejects.toThrow('progress sink broke');
    expect(isGone(pid)).toBe(true);
  });
});

describe('runFfmpeg without ffmpeg', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    clearFfmpegLocationCache();
  });

  test('FFMPEG_PATH pointing nowhere: FFMPEG_MISSING', async () => {
    vi.stubEnv('FFMPEG_PATH', join(directory, 'no', 'such', 'ffmpeg'));
    const error = await rejection(runFfmpeg(['-version']));
    expect(error.code).toBe('FFMPEG_MISSING');
    expect(error.message).toContain('FFMPEG_PATH');
  });

  test('an explicit ffmpegPath that does not exist: FFMPEG_MISSING', async () => {
    const error = await rejection(runFfmpeg(['-version'], { ffmpegPath: join(directory, 'nope') }));
    expect(error.code).toBe('FFMPEG_MISSING');
  });

  test('a process that ignores SIGTERM is killed after killTimeoutMs', async () => {
    // Stands in for a stuck ffmpeg: ignores SIGTERM (kept across exec), says when it is ready, then sleeps.
    const stubborn = join(directory, 'stubborn.sh');
    writeFileSync(stubborn, "#!/bin/sh\ntrap '' TERM\necho ready\nexec sleep 30\n");
    chmodSync(stubborn, 0o755);
    const controller = new AbortController();
    let pid = 0;
    let abortedAt = 0;
    const run = runFfmpeg([], {
      ffmpegPath: stubborn,
      signal: controller.signal,
      killTimeoutMs: 300,
      onSpawn: (id) => {
        pid = id;
      },
      onStdout: () => {
        abortedAt = performance.now();
        controller.abort();
      },
    });
    const error = await rejection(run);
    const waitedMs = performance.now() - abortedAt;
    expect(error.code).toBe('FFMPEG_CANCELLED');
    expect(waitedMs).toBeGreaterThanOrEqual(250);
    expect(waitedMs).toBeLessThan(2000);
    expect(isGone(pid)).toBe(true);
  });
});

describe.skipIf(!hasFfmpeg)('runFfprobeJson (needs ffprobe)', () => {
  test('not a media file: FFMPEG_EXIT with ffprobe’s message', async () => {
    const notMedia = join(directory, 'not-media.txt');
    writeFileSync(notMedia, 'hello\n');
    const error = await rejection(runFfprobeJson(['-show_format', notMedia]));
    expect(error.code).toBe('FFMPEG_EXIT');
    expect(error.details['tool']).toBe('ffprobe');
    expect(String(error.details['stderrTail'])).toContain('Invalid data');
  });
});
