/** decodeAudioLevels on small files made by ffmpeg here, with known tones, offsets and holes. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EnergyLevel } from '../sessions/levels.js';
import { SILENCE_DBFS } from '../sessions/levels.js';
import { buildDecodeAudioArgs, decodeAudioLevels, parseAudioStreamTiming } from './decode-audio.js';
import { runFfmpeg } from './run.js';

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0;

/** A sine from lavfi's `sine` source has amplitude 1/8: RMS −21.07 dBFS. */
const TONE_DBFS = -21.07;

const at = (levels: readonly EnergyLevel[], timeMs: number): EnergyLevel => {
  const level = levels.find((candidate) => candidate.timeMs <= timeMs && timeMs < candidate.timeMs + 20);
  if (level === undefined) {
    throw new Error(`no level at ${timeMs} ms`);
  }
  return level;
};

describe('buildDecodeAudioArgs / parseAudioStreamTiming (pure)', () => {
  test('arguments: first audio stream, gaps filled, first sample pinned to the stream start', () => {
    expect(buildDecodeAudioArgs('/r/a.webm', { startMs: 500, fileStartMs: 0 })).toEqual([
      '-i', 'file:/r/a.webm',
      '-map', '0:a:0',
      '-af', 'aresample=16000,aresample=async=1:min_hard_comp=0.02:first_pts=8000',
      '-ac', '1', '-c:a', 'pcm_s16le', '-f', 's16le', 'pipe:1',
    ]);
  });

  test('ffprobe JSON → timing; strings as ffprobe prints them, N/A keys left out', () => {
    const probe = { streams: [{ index: 1, codec_name: 'opus', sample_rate: '48000', start_time: '0.493000' }], format: { start_time: '-0.007000', duration: '2.508000' } };
    expect(parseAudioStreamTiming(probe, 'x.webm')).toEqual({ codec: 'opus', startMs: 493, fileStartMs: -7, durationMs: 2508, sampleRate: 48_000 });
    expect(parseAudioStreamTiming({ streams: [{}], format: {} }, 'x')).toMatchObject({ startMs: 0, fileStartMs: 0, durationMs: null });
  });

  test('no audio stream: FFMPEG_NO_AUDIO', () => {
    expect(() => parseAudioStreamTiming({ streams: [], format: {} }, 'x.webm')).toThrow(expect.objectContaining({ code: 'FFMPEG_NO_AUDIO' }));
  });
});

describe.skipIf(!hasFfmpeg)('decodeAudioLevels (needs ffmpeg)', () => {
  let directory = '';
  const file = (name: string): string => join(directory, name);
  const make = (args: string[]): Promise<unknown> => runFfmpeg([...args, '-y']);

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'reprise-decode-'));
    await Promise.all([
      // 0.5 s silence, 1 s tone, 0.5 s silence, 48 kHz mono WAV
      make(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1:sample_rate=48000,adelay=500,apad=whole_dur=2', file('tone.wav')]),
      // video from 0, audio (all tone) from 0.5 s: the audio stream's own start_time is 0.5 s
      make([
        '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=2',
        '-itsoffset', '0.5', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1',
        '-map', '0:v', '-map', '1:a', '-c:v', 'mpeg4', '-c:a', 'pcm_s16le', file('late-audio.mkv'),
      ]),
      // Opus in WebM with a 0.5 s hole in its timestamps after 1 s (what DTX or loss leaves)
      make(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2:sample_rate=48000', '-af', "asetpts='PTS+gte(T,1)*0.5/TB'", '-c:a', 'libopus', file('hole.webm')]),
      make(['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=1', '-c:v', 'mpeg4', file('video-only.mkv')]),
    ]);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  test('a tone between silences: levels every 20 ms, tone at −21 dBFS, silence at the floor', async () => {
    const levels = await decodeAudioLevels(file('tone.wav'));
    expect(levels).toHaveLength(100);
    expect(levels[0]!.timeMs).toBe(0);
    expect(levels[99]!.timeMs).toBeCloseTo(1980, 6);
    expect(at(levels, 250).rmsDbfs).toBe(SILENCE_DBFS);
    expect(at(levels, 1000).rmsDbfs).toBeCloseTo(TONE_DBFS, 0);
    expect(at(levels, 1750).rmsDbfs).toBe(SILENCE_DBFS);
    const loud = levels.filter((level) => level.rmsDbfs > -40);
    expect(loud[0]!.timeMs).toBe(500);
    expect(loud[loud.length - 1]!.timeMs).toBe(1480);
  });

  test('audio starting after the video: timeMs starts at the audio stream’s own start time', async () => {
    const levels = await decodeAudioLevels(file('late-audio.mkv'));
    expect(levels[0]!.timeMs).toBeCloseTo(500, 0);
    expect(levels[0]!.rmsDbfs).toBeCloseTo(TONE_DBFS, 0);
    expect(levels[levels.length - 1]!.timeMs).toBeCloseTo(1480, 0);
  });

  test('a hole in the timestamps is kept as silence, so later levels stay on time', async () => {
    // libopus put the hole between the packet at 1.014 s (20 ms long) and the next at 1.534 s (ffprobe -show_packets).
    const levels = await decodeAudioLevels(file('hole.webm'), { windowMs: 10 });
    expect(levels[0]!.timeMs).toBe(-7); // Opus pre-skip: the stream starts 312 samples (6.5 ms, WebM rounds to 7) early
    const loud = levels.filter((level) => level.rmsDbfs > -40).map((level) => level.timeMs);
    const resumeMs = loud.find((timeMs) => timeMs > 1100)!;
    const stopMs = loud.filter((timeMs) => timeMs < 1100).pop()! + 10;
    expect(stopMs).toBeCloseTo(1034, -1);
    expect(resumeMs).toBeCloseTo(1534, -1);
    expect(levels.filter((level) => level.timeMs >= stopMs + 10 && level.timeMs < resumeMs - 10).every((level) => level.rmsDbfs === SILENCE_DBFS)).toBe(true);
    expect(loud[loud.length - 1]).toBeGreaterThan(2480);
  });

  test('a file without audio: FFMPEG_NO_AUDIO', async () => {
    await expect(decodeAudioLevels(file('video-only.mkv'))).rejects.toMatchObject({ code: 'FFMPEG_NO_AUDIO' });
  });

  test('cancelled: FFMPEG_CANCELLED', async () => {
    const controller = new AbortController();
    const run = decodeAudioLevels(file('tone.wav'), { signal: controller.signal });
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: 'FFMPEG_CANCELLED' });
  });

  test('an hour streams through: 115 MB of decoded samples, only the levels kept', async () => {
    const long = file('hour.mka');
    await make(['-f', 'lavfi', '-i', 'anoisesrc=duration=3600:sample_rate=8000:amplitude=0.01', '-c:a', 'pcm_s16le', long]);
    const before = process.memoryUsage().rss;
    const levels = await decodeAudioLevels(long);
    expect(levels).toHaveLength(180_000);
    // Buffering the decoded audio would take at least 115 MB; the levels are ~15 MB.
    expect(process.memoryUsage().rss - before).toBeLessThan(80 * 1024 * 1024);
    rmSync(long);
  });
});
