import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { isRepriseError } from '../shared/errors.js';
import { clearFfmpegLocationCache, locateFfmpeg } from './locate.js';

const root = mkdtempSync(join(tmpdir(), 'reprise-locate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder with fake binaries: `executable` ones get mode 755, the others 644. */
const folder = (name: string, executable: string[], plain: string[] = []): string => {
  const path = join(root, name);
  mkdirSync(path, { recursive: true });
  for (const file of [...executable, ...plain]) {
    writeFileSync(join(path, file), '#!/bin/sh\n');
    chmodSync(join(path, file), executable.includes(file) ? 0o755 : 0o644);
  }
  return path;
};

const codeOf = (run: () => unknown): string | null => {
  try {
    run();
    return null;
  } catch (error) {
    return isRepriseError(error) ? error.code : 'not a RepriseError';
  }
};

describe('locateFfmpeg', () => {
  beforeEach(() => clearFfmpegLocationCache());

  test('first executable on PATH, skipping folders without one or with a non-executable file', () => {
    const empty = folder('empty', []);
    const notExecutable = folder('not-executable', [], ['ffmpeg', 'ffprobe']);
    const bin = folder('bin', ['ffmpeg', 'ffprobe']);
    const env = { PATH: [empty, notExecutable, bin].join(':') };
    expect(locateFfmpeg({ env })).toEqual({ ffmpeg: join(bin, 'ffmpeg'), ffprobe: join(bin, 'ffprobe') });
  });

  test('FFMPEG_PATH wins over PATH, and ffprobe is taken from beside it', () => {
    const onPath = folder('on-path', ['ffmpeg', 'ffprobe']);
    const custom = folder('custom', ['ffmpeg', 'ffprobe']);
    const env = { PATH: onPath, FFMPEG_PATH: join(custom, 'ffmpeg') };
    expect(locateFfmpeg({ env })).toEqual({ ffmpeg: join(custom, 'ffmpeg'), ffprobe: join(custom, 'ffprobe') });
  });

  test('FFPROBE_PATH wins for ffprobe', () => {
    const bin = folder('bin2', ['ffmpeg', 'ffprobe']);
    const other = folder('other', ['my-ffprobe']);
    expect(locateFfmpeg({ env: { PATH: bin, FFPROBE_PATH: join(other, 'my-ffprobe') } }).ffprobe).toBe(join(other, 'my-ffprobe'));
  });

  test('cached per set of variables: the same env answers without looking again', () => {
    const bin = folder('cached', ['ffmpeg', 'ffprobe']);
    const env = { PATH: bin };
    const first = locateFfmpeg({ env });
    rmSync(bin, { recursive: true });
    expect(locateFfmpeg({ env })).toBe(first);
  });

  test.each([
    { name: 'FFMPEG_PATH pointing nowhere', env: () => ({ PATH: folder('fine', ['ffmpeg', 'ffprobe']), FFMPEG_PATH: join(root, 'nowhere', 'ffmpeg') }) },
    { name: 'FFMPEG_PATH not executable', env: () => ({ PATH: '', FFMPEG_PATH: join(folder('plain', [], ['ffmpeg']), 'ffmpeg') }) },
    { name: 'FFMPEG_PATH a folder', env: () => ({ PATH: '', FFMPEG_PATH: folder('a-folder', []) }) },
    { name: 'nothing on PATH', env: () => ({ PATH: folder('nothing', []) }) },
    { name: 'no PATH at all', env: () => ({}) },
    { name: 'ffmpeg but no ffprobe', env: () => ({ PATH: folder('half', ['ffmpeg']) }) },
    { name: 'FFPROBE_PATH pointing nowhere', env: () => ({ PATH: folder('fine2', ['ffmpeg', 'ffprobe']), FFPROBE_PATH: '/nowhere/ffprobe' }) },
  ])('$name: FFMPEG_MISSING', ({ env }) => {
    expect(codeOf(() => locateFfmpeg({ env: env() }))).toBe('FFMPEG_MISSING');
  });

  test('the message says how to install it', () => {
    try {
      locateFfmpeg({ env: { PATH: '' } });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe('ffmpeg not found: install it with "apt-get install ffmpeg" (Debian/Ubuntu) or set FFMPEG_PATH');
    }
  });
});
