import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createHannWindow,
  findBeepOnsets,
  findFlashes,
  measureSync,
  measureToneAmplitude,
  pairBeepsWithFlashes,
  parseJanusFirstPacketUs,
  parseLumaLog,
  summarizeOffsets,
  type AudioClip,
  type LumaSample,
} from './support/measure-sync.js';
import { parseFirstAudioFrameSec } from './support/measure-sync-decode.js';

const AUDIO_TOLERANCE_SEC = 0.002;
/** Containers store ms timestamps (Matroska), so a frame's pts can be 0.5 ms off its ideal time. */
const VIDEO_TOLERANCE_SEC = 0.0015;
const SAMPLE_RATE = 48_000;

/** A clip with sine beeps (phase 0 at each onset) on digital silence, like our fake microphones. */
function synthesizeBeeps(durationSec: number, beeps: { pitchHz: number; atSec: number; lengthSec?: number }[], startSec = 0): AudioClip {
  const samples = new Float32Array(Math.round(durationSec * SAMPLE_RATE));
  for (const beep of beeps) {
    const first = Math.round(beep.atSec * SAMPLE_RATE);
    const count = Math.round((beep.lengthSec ?? 0.05) * SAMPLE_RATE);
    for (let index = 0; index < count && first + index < samples.length; index += 1) {
      samples[first + index] = (samples[first + index] as number) + 0.5 * Math.sin((2 * Math.PI * beep.pitchHz * index) / SAMPLE_RATE);
    }
  }
  return { samples, sampleRate: SAMPLE_RATE, startSec };
}

const lumaSeries = (lumas: number[], frameRate = 30): LumaSample[] =>
  lumas.map((luma, frameIndex) => ({ frameIndex, pts: frameIndex, timeSec: frameIndex / frameRate, luma }));

describe('parseLumaLog', () => {
  test('reads frame pts and YAVG pairs printed by the metadata filter', () => {
    const text = [
      'frame:0    pts:1250    pts_time:1.25',
      'lavfi.signalstats.YAVG=111.359',
      'frame:1    pts:1283    pts_time:1.283',
      'lavfi.signalstats.YAVG=235',
      '',
    ].join('\n');
    expect(parseLumaLog(text)).toEqual([
      { frameIndex: 0, pts: 1250, timeSec: 1.25, luma: 111.359 },
      { frameIndex: 1, pts: 1283, timeSec: 1.283, luma: 235 },
    ]);
  });
});

describe('findFlashes', () => {
  test('finds one-frame flashes and times them at the frame pts', () => {
    const lumas = Array.from({ length: 90 }, (_, index) => 100 + (index % 5));
    lumas[10] = 235;
    lumas[40] = 230;
    const flashes = findFlashes(lumaSeries(lumas));
    expect(flashes.map((flash) => flash.frameIndex)).toEqual([10, 40]);
    expect(flashes[0]?.timeSec).toBeCloseTo(10 / 30, 9);
    expect(flashes[0]?.frames).toBe(1);
  });

  test('counts a flash smeared over two frames once, at its first frame', () => {
    const lumas = Array.from({ length: 30 }, () => 90);
    lumas[12] = 220;
    lumas[13] = 180;
    const flashes = findFlashes(lumaSeries(lumas));
    expect(flashes).toHaveLength(1);
    expect(flashes[0]).toMatchObject({ frameIndex: 12, frames: 2 });
  });

  test('ignores ordinary motion', () => {
    const lumas = Array.from({ length: 60 }, (_, index) => 100 + 20 * Math.sin(index / 3));
    expect(findFlashes(lumaSeries(lumas))).toEqual([]);
  });
});

describe('findBeepOnsets (synthetic PCM)', () => {
  test('measures a full-window sine at its amplitude', () => {
    const clip = synthesizeBeeps(0.1, [{ pitchHz: 800, atSec: 0, lengthSec: 0.1 }]);
    expect(measureToneAmplitude(clip, 0, createHannWindow(480), 800)).toBeCloseTo(0.5, 2);
  });

  test('finds onsets per pitch to well under a millisecond, even when beeps overlap', () => {
    const beeps = [
      { pitchHz: 500, atSec: 0.2503 },
      { pitchHz: 800, atSec: 0.2503 },
      { pitchHz: 1250, atSec: 0.61 },
      { pitchHz: 500, atSec: 1.2001 },
      { pitchHz: 800, atSec: 1.9876 },
    ];
    const clip = synthesizeBeeps(2.5, beeps, 3.5);
    const onsets = findBeepOnsets(clip, [500, 800, 1250]);
    expect(onsets).toHaveLength(beeps.length);
    for (const beep of beeps) {
      const found = onsets.find((onset) => onset.pitchHz === beep.pitchHz && Math.abs(onset.timeSec - 3.5 - beep.atSec) < 0.1);
      expect(found, `${beep.pitchHz} Hz at ${beep.atSec}`).toBeDefined();
      expect(Math.abs((found?.timeSec ?? 0) - 3.5 - beep.atSec)).toBeLessThan(0.0005);
    }
  });

  test('reports nothing for silence', () => {
    expect(findBeepOnsets(synthesizeBeeps(1, []), [500, 800])).toEqual([]);
  });
});

describe('pairing and summary', () => {
  test('pairs each beep with the nearest flash and summarizes beep − flash', () => {
    const flashes = findFlashes(lumaSeries([90, 90, 90, 90, 230, 90, 90, 90, 90, 90, 90, 90, 90, 235, 90, 90, 90, 90], 10));
    const pairs = pairBeepsWithFlashes(
      [
        { pitchHz: 500, timeSec: 0.44, amplitude: 0.5 },
        { pitchHz: 500, timeSec: 1.28, amplitude: 0.5 },
        { pitchHz: 500, timeSec: 5, amplitude: 0.5 },
      ],
      flashes,
    );
    expect(pairs.map((pair) => Math.round(pair.offsetMs))).toEqual([40, -20]);
    expect(summarizeOffsets(pairs)).toMatchObject({ pairs: 2, medianMs: expect.closeTo(10, 6), maxAbsMs: expect.closeTo(40, 6) });
    expect(summarizeOffsets([])).toBeNull();
  });
});

describe('ffmpeg output parsing', () => {
  test('reads the first audio frame pts from ashowinfo', () => {
    const stderr = '[Parsed_ashowinfo_2 @ 0x55] n:0 pts:59664 pts_time:1.243 pos:672 fmt:flt channels:1\n[Parsed_ashowinfo_2 @ 0x55] n:1 pts:60312 pts_time:1.2565';
    expect(parseFirstAudioFrameSec(stderr)).toBe(1.243);
    expect(parseFirstAudioFrameSec('nothing here')).toBeNull();
  });

  test('reads u from a janus-pp-rec comment tag (WebM format tag or Ogg stream tag)', () => {
    const comment = '{"t": "a", "c": "opus", "s": 1795566948699723, "u": 1795566948761059}';
    expect(parseJanusFirstPacketUs({ format: { tags: { COMMENT: comment } } })).toBe(1795566948761059);
    expect(parseJanusFirstPacketUs({ format: {}, streams: [{ tags: { comment, encoder: 'Lavf' } }] })).toBe(1795566948761059);
    expect(parseJanusFirstPacketUs({ format: { tags: { comment: 'not json' } } })).toBeNull();
  });
});

// Real media made by the real ffmpeg: flashes at frame numbers, beeps at sample-exact times.
type MediaSpec = {
  name: string;
  frameRate: number;
  flashFrames: number[];
  beeps: { pitchHz: number; atSec: number }[];
  /** Where the audio stream starts relative to the video's first frame (both before any ts offset). */
  audioStartSec?: number;
  /** Added to every timestamp of the output file. */
  outputOffsetSec?: number;
  codecs: string[];
};

const DURATION_SEC = 3.2;

function buildMediaArgs(spec: MediaSpec, path: string): string[] {
  const flashEnable = spec.flashFrames.map((frame) => `eq(n\\,${frame})`).join('+');
  const video = [
    `testsrc2=size=160x120:rate=${spec.frameRate}:duration=${DURATION_SEC}`,
    `drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='${flashEnable}'`,
    'format=yuv420p',
  ].join(',');
  const audioStartSec = spec.audioStartSec ?? 0;
  // Beep times are given on the video clock; the audio source's own t starts at audioStartSec.
  const terms = spec.beeps.map((beep) => {
    const at = (beep.atSec - audioStartSec).toFixed(6);
    return `gte(t\\,${at})*lt(t\\,${at}+0.05)*0.5*sin(2*PI*${beep.pitchHz}*(t-${at}))`;
  });
  const audio = `aevalsrc=exprs='${terms.join('+')}':sample_rate=${SAMPLE_RATE}:duration=${DURATION_SEC}`;
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    video,
    ...(audioStartSec === 0 ? [] : ['-itsoffset', String(audioStartSec)]),
    '-f',
    'lavfi',
    '-i',
    audio,
    '-map',
    '0:v',
    '-map',
    '1:a',
    ...spec.codecs,
    ...(spec.outputOffsetSec === undefined ? [] : ['-output_ts_offset', String(spec.outputOffsetSec)]),
    path,
  ];
}

// Audio codecs without priming samples, so every file's true timing is known exactly. (ffmpeg 5.1's
// own WebM/Opus muxing shifts audio against video by the 6.5 ms Opus pre-skip, so it is no ground
// truth; Opus is covered by the Ogg case below, the format janus-pp-rec writes.)
const VP8_FLAC = ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '400k', '-c:a', 'flac'];
const VP8_PCM = ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '400k', '-c:a', 'pcm_s16le'];
const H264_AAC = ['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-b:a', '128k'];

const MEDIA: MediaSpec[] = [
  {
    name: 'synced.mkv',
    frameRate: 30,
    flashFrames: [15, 45, 75],
    beeps: [
      { pitchHz: 500, atSec: 0.5 },
      { pitchHz: 500, atSec: 1.5 },
      { pitchHz: 800, atSec: 2.5 },
    ],
    codecs: VP8_FLAC,
  },
  {
    name: 'audio-late-40ms.mkv',
    frameRate: 30,
    flashFrames: [15, 45, 75],
    beeps: [0.54, 1.54, 2.54].map((atSec) => ({ pitchHz: 1250, atSec })),
    codecs: VP8_FLAC,
  },
  {
    // AAC has 1024 priming samples that the edit list hides; video starts at 1.25 s, audio at 1.55 s.
    name: 'late-start.mp4',
    frameRate: 25,
    flashFrames: [20, 45, 70],
    beeps: [0.8, 1.8, 2.8].map((atSec) => ({ pitchHz: 800, atSec })),
    audioStartSec: 0.3,
    outputOffsetSec: 1.25,
    codecs: H264_AAC,
  },
  {
    name: 'late-start.mkv',
    frameRate: 30,
    flashFrames: [20, 50, 80],
    beeps: [0.6667, 1.6667, 2.6667].map((atSec) => ({ pitchHz: 500, atSec })),
    audioStartSec: 0.25,
    outputOffsetSec: 10,
    codecs: VP8_PCM,
  },
];

/** Audio only, three pitches, two of them at the same instant. */
const WAV_BEEPS = [
  { pitchHz: 500, atSec: 0.3 },
  { pitchHz: 800, atSec: 0.3 },
  { pitchHz: 1250, atSec: 1.0123 },
  { pitchHz: 500, atSec: 1.7777 },
];

const AUDIO_ONLY = [
  { name: 'beeps.wav', sampleRate: 44_100, codecs: ['-c:a', 'pcm_s16le'] },
  // Ogg/Opus as janus-pp-rec writes it: the 312-sample pre-skip must not shift the onsets.
  { name: 'beeps.opus', sampleRate: 48_000, codecs: ['-c:a', 'libopus', '-b:a', '48k'] },
];

function buildAudioOnlyArgs(beeps: { pitchHz: number; atSec: number }[], sampleRate: number, codecs: string[], path: string): string[] {
  const terms = beeps.map((beep) => `gte(t\\,${beep.atSec})*lt(t\\,${beep.atSec}+0.05)*0.4*sin(2*PI*${beep.pitchHz}*(t-${beep.atSec}))`);
  const audio = `aevalsrc=exprs='${terms.join('+')}':sample_rate=${sampleRate}:duration=2.2`;
  return ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', audio, ...codecs, path];
}

describe('measureSync on media made by ffmpeg', () => {
  let folder = '';

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'reprise-measure-sync-'));
    for (const spec of MEDIA) {
      const result = spawnSync('ffmpeg', buildMediaArgs(spec, join(folder, spec.name)), { encoding: 'utf8' });
      if (result.status !== 0) {
        throw new Error(`ffmpeg could not make ${spec.name}: ${result.stderr}`);
      }
    }
    for (const spec of AUDIO_ONLY) {
      const result = spawnSync('ffmpeg', buildAudioOnlyArgs(WAV_BEEPS, spec.sampleRate, spec.codecs, join(folder, spec.name)), { encoding: 'utf8' });
      if (result.status !== 0) {
        throw new Error(`ffmpeg could not make ${spec.name}: ${result.stderr}`);
      }
    }
  });

  afterAll(() => {
    if (folder !== '') {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test.each(MEDIA)('$name: flashes within a frame, beeps within 2 ms, on the file clock', async (spec) => {
    const offsetSec = spec.outputOffsetSec ?? 0;
    const report = await measureSync(join(folder, spec.name));
    const frameSec = 1 / spec.frameRate;

    const flashTimes = report.video?.flashes.map((flash) => flash.timeSec) ?? [];
    expect(flashTimes).toHaveLength(spec.flashFrames.length);
    spec.flashFrames.forEach((frame, index) => {
      // The brief asks for one frame; the pts of the flash frame itself is found, so this is tighter.
      expect(Math.abs((flashTimes[index] ?? 0) - (offsetSec + frame * frameSec))).toBeLessThan(Math.min(frameSec, VIDEO_TOLERANCE_SEC));
    });

    const beeps = report.audio?.beeps ?? [];
    expect(beeps).toHaveLength(spec.beeps.length);
    spec.beeps.forEach((expected, index) => {
      expect(beeps[index]?.pitchHz).toBe(expected.pitchHz);
      expect(Math.abs((beeps[index]?.timeSec ?? 0) - (offsetSec + expected.atSec))).toBeLessThan(AUDIO_TOLERANCE_SEC);
    });
  });

  test('reports the deliberate +40 ms audio shift as the median offset', async () => {
    const report = await measureSync(join(folder, 'audio-late-40ms.mkv'));
    expect(report.offset?.pairs).toBe(3);
    expect(Math.abs((report.offset?.medianMs ?? 0) - 40)).toBeLessThan(AUDIO_TOLERANCE_SEC * 1000);
  });

  test('reports a synced file as synced, whatever the streams start times', async () => {
    const synced = await measureSync(join(folder, 'synced.mkv'));
    expect(Math.abs(synced.offset?.medianMs ?? 99)).toBeLessThan(2);
    const late = await measureSync(join(folder, 'late-start.mp4'));
    expect(late.video?.firstFrameSec).toBeCloseTo(1.25, 3);
    expect(Math.abs(late.offset?.medianMs ?? 99)).toBeLessThan(2);
  });

  test.each(AUDIO_ONLY)('$name: finds every beep of an audio-only file within 2 ms, and no offset', async (spec) => {
    const report = await measureSync(join(folder, spec.name));
    expect(report.video).toBeNull();
    expect(report.offset).toBeNull();
    const beeps = report.audio?.beeps ?? [];
    expect(beeps).toHaveLength(WAV_BEEPS.length);
    for (const expected of WAV_BEEPS) {
      const found = beeps.find((beep) => beep.pitchHz === expected.pitchHz && Math.abs(beep.timeSec - expected.atSec) < AUDIO_TOLERANCE_SEC);
      expect(found, `${expected.pitchHz} Hz at ${expected.atSec} s`).toBeDefined();
    }
  });

  test('looks only inside --region when one is given', async () => {
    const report = await measureSync(join(folder, 'synced.mkv'), { region: { x: 0, y: 0, width: 32, height: 32 } });
    expect(report.video?.flashes.map((flash) => flash.frameIndex)).toEqual([15, 45, 75]);
  });
});
