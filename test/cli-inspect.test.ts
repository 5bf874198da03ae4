import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { audioHeader, opusFrames, videoHeader, vp8Frames, writeMjr } from './support/mjr-writer.js';

const folder = mkdtempSync(join(tmpdir(), 'reprise-cli-'));
const file = (name: string, bytes: Uint8Array): string => {
  const path = join(folder, name);
  writeFileSync(path, bytes);
  return path;
};
const audio = file('audio.mjr', writeMjr({ header: audioHeader(), frames: opusFrames(50) }));
const video = file('video.mjr', writeMjr({ header: videoHeader(), frames: vp8Frames(30) }));
const empty = file('empty.mjr', new TextEncoder().encode('MJR00002'));

const run = async (...argv: string[]) => {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } });
  return { code, stdout, stderr };
};

describe('reprise inspect', () => {
  test('--json on one file prints one object with the file name', async () => {
    const { code, stdout } = await run('inspect', audio, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ file: audio, kind: 'audio', codec: 'opus', packets: 50 });
  });

  test('--json on several files prints an array', async () => {
    const { stdout } = await run('inspect', '--json', audio, video);
    expect(JSON.parse(stdout).map((report: { kind: string }) => report.kind)).toEqual(['audio', 'video']);
  });

  test('prints a table by default', async () => {
    const { code, stdout } = await run('inspect', audio, video);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^file\s+track\s+format/);
    expect(lines[2]).toMatch(/^audio\.mjr\s+audio\/opus\s+MJR00002/);
    expect(lines[3]).toMatch(/30 frames, 1 key, 1st key 0\.000 s, 640x360/);
  });

  test('exit code 1 and a one-line reason per file that could not be read; the others are still reported', async () => {
    const { code, stdout, stderr } = await run('inspect', '--json', audio, empty, join(folder, 'absent.mjr'));
    expect(code).toBe(1);
    const reports = JSON.parse(stdout);
    expect(reports[0]).toMatchObject({ kind: 'audio' });
    expect(reports[1]).toMatchObject({ file: empty, error: { code: 'MJR_EMPTY' } });
    expect(reports[2]).toMatchObject({ error: { code: 'IO_NOT_FOUND' } });
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/empty\.mjr: MJR_EMPTY: /), expect.stringMatching(/absent\.mjr: IO_NOT_FOUND: /)]);
  });

  test('usage errors exit 2', async () => {
    expect((await run('inspect')).code).toBe(2);
    expect((await run('inspect', '--bogus', audio)).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
  });
});
