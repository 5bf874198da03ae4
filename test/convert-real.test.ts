/**
 * `reprise convert` on the real recordings (test/fixtures/real, recorded by a real Janus from Chromium):
 * every output decodes with no error and no non-monotonic timestamp; video frames equal janus-pp-rec's
 * except where janus-pp-rec is wrong (each difference named); audio equals janus-pp-rec's once both are
 * decoded; and each participant's merged file is in sync (flash vs beep within 15 ms).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { convertFiles } from '../src/api/convert.js';
import { decodeMonoPcm, decodeWarnings, frameDigests, probe } from './support/decode-check.js';
import { measureSync } from './support/measure-sync.js';

const REAL = join(import.meta.dirname, 'fixtures', 'real');
const out = mkdtempSync(join(tmpdir(), 'reprise-convert-real-'));

const findFile = (folder: string, pattern: RegExp): string => {
  const name = readdirSync(folder).find((file) => pattern.test(file));
  if (name === undefined) {
    throw new Error(`no file matching ${pattern} in ${folder}`);
  }
  return join(folder, name);
};

const janusPpRec = (input: string, output: string): void => {
  const result = spawnSync('janus-pp-rec', [input, output], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`janus-pp-rec failed on ${input}: ${result.stdout}${result.stderr}`);
  }
};

const PARTICIPANTS = [
  { name: 'alice', user: '1001', pitchHz: 500 },
  { name: 'bob', user: '1002', pitchHz: 800 },
  { name: 'carol', user: '1003', pitchHz: 1250 },
];

describe('video tracks against janus-pp-rec', () => {
  const cases = [
    // alice's recording ends in the middle of a frame: janus-pp-rec writes the cut frame, which decodes to a
    // corrupt picture; Reprise drops it (counted as incomplete).
    { name: 'VP8 (alice)', input: findFile(REAL, /user-1001-.*-video-1\.mjr$/), ext: 'webm', janusOnlyLastFrames: 1, repriseOnlyLastFrames: 0 },
    { name: 'VP8 (bob)', input: findFile(REAL, /user-1002-.*-video-1\.mjr$/), ext: 'webm', janusOnlyLastFrames: 0, repriseOnlyLastFrames: 0 },
    { name: 'VP8 (carol)', input: findFile(REAL, /user-1003-.*-video-1\.mjr$/), ext: 'webm', janusOnlyLastFrames: 0, repriseOnlyLastFrames: 0 },
    { name: 'VP9', input: findFile(join(REAL, 'vp9'), /-video-1\.mjr$/), ext: 'webm', janusOnlyLastFrames: 0, repriseOnlyLastFrames: 0 },
    // janus-pp-rec writes the last MP4 sample without a duration, and ffmpeg never outputs that frame.
    { name: 'H.264', input: findFile(join(REAL, 'h264'), /-video-1\.mjr$/), ext: 'mp4', janusOnlyLastFrames: 0, repriseOnlyLastFrames: 1 },
    { name: 'AV1', input: findFile(join(REAL, 'av1'), /-video-1\.mjr$/), ext: 'mp4', janusOnlyLastFrames: 0, repriseOnlyLastFrames: 1 },
  ];

  test.each(cases)('$name: decodes cleanly, and its frames are janus-pp-rec\'s', async ({ name, input, ext, janusOnlyLastFrames, repriseOnlyLastFrames }) => {
    const ours = join(out, `${name.replace(/\W+/g, '-')}.${ext}`);
    const theirs = join(out, `${name.replace(/\W+/g, '-')}-janus.${ext}`);
    const report = await convertFiles({ inputs: [input], output: ours });
    janusPpRec(input, theirs);
    expect(decodeWarnings(ours)).toBe('');
    const ourFrames = frameDigests(ours, 'v');
    const theirFrames = frameDigests(theirs, 'v');
    expect(ourFrames.length).toBe(report.tracks[0]!.framesWritten);
    const common = Math.min(ourFrames.length - repriseOnlyLastFrames, theirFrames.length - janusOnlyLastFrames);
    expect(ourFrames.length - common).toBe(repriseOnlyLastFrames);
    expect(theirFrames.length - common).toBe(janusOnlyLastFrames);
    expect(ourFrames.slice(0, common)).toEqual(theirFrames.slice(0, common));
  });
});

describe('audio tracks against janus-pp-rec', () => {
  const inputs = [
    ...PARTICIPANTS.map(({ user }) => findFile(REAL, new RegExp(`user-${user}-.*-audio-0\\.mjr$`))),
    ...['vp9', 'h264', 'av1'].map((folder) => findFile(join(REAL, folder), /-audio-0\.mjr$/)),
  ];

  test.each(inputs)('%s: the same decoded audio (janus-pp-rec declares 2 channels for a mono stream)', async (input) => {
    const ours = join(out, `${input.split('/').at(-1)}.opus`);
    const theirs = join(out, `${input.split('/').at(-1)}-janus.opus`);
    await convertFiles({ inputs: [input], output: ours });
    janusPpRec(input, theirs);
    expect(decodeWarnings(ours)).toBe('');
    expect(probe(ours).streams[0]).toMatchObject({ codec_name: 'opus', channels: 1 });
    expect(probe(theirs).streams[0]).toMatchObject({ codec_name: 'opus', channels: 2 });
    const ourPcm = decodeMonoPcm(ours);
    const theirPcm = decodeMonoPcm(theirs);
    expect(ourPcm.length).toBe(theirPcm.length);
    expect(Buffer.from(ourPcm.buffer, ourPcm.byteOffset, ourPcm.byteLength).equals(Buffer.from(theirPcm.buffer, theirPcm.byteOffset, theirPcm.byteLength))).toBe(true);
  });
});

describe('each participant merged into one file', () => {
  test.each(PARTICIPANTS)('$name: audio and video in sync within 15 ms, the later track starting later', async ({ name, user, pitchHz }) => {
    const video = findFile(REAL, new RegExp(`user-${user}-.*-video-1\\.mjr$`));
    const audio = findFile(REAL, new RegExp(`user-${user}-.*-audio-0\\.mjr$`));
    const merged = join(out, `${name}.webm`);
    // The order of the inputs does not matter.
    const report = await convertFiles({ inputs: [audio, video], output: merged });
    expect(decodeWarnings(merged)).toBe('');
    const videoTrack = report.tracks.find((track) => track.kind === 'video')!;
    const audioTrack = report.tracks.find((track) => track.kind === 'audio')!;
    expect(Math.min(videoTrack.offsetMs, audioTrack.offsetMs)).toBe(0);
    const probed = probe(merged);
    const videoStartSec = Number(probed.streams.find((stream) => stream.codec_type === 'video')!.start_time);
    expect(videoStartSec * 1000).toBeCloseTo(videoTrack.offsetMs, -1);
    const sync = await measureSync(merged, { pitchesHz: [pitchHz] });
    expect(sync.offset!.pairs).toBeGreaterThanOrEqual(10);
    expect(sync.offset!.maxAbsMs).toBeLessThanOrEqual(15);
  });

  test('the merged file keeps the recording header and its wall-clock start in its metadata', async () => {
    const video = findFile(REAL, /user-1002-.*-video-1\.mjr$/);
    const audio = findFile(REAL, /user-1002-.*-audio-0\.mjr$/);
    const merged = join(out, 'bob-tags.mkv');
    const report = await convertFiles({ inputs: [video, audio], output: merged });
    const tags = probe(merged).format.tags ?? {};
    const tag = (name: string): string => Object.entries(tags).find(([key]) => key.toLowerCase().endsWith(name))?.[1] ?? '';
    expect(JSON.parse(tag('comment'))).toMatchObject({ t: 'v', c: 'vp8' });
    expect(Math.abs(Date.parse(tag('date_recorded')) * 1000 - report.startUs)).toBeLessThan(1000);
  });
});
