import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { audioHeader, buildRtpPacket, opusPayload, writeMjr, type MjrFrame } from '../../test/support/mjr-writer.js';
import { parseMjrBytes, type MjrHeader, type MjrRecord } from '../mjr/index.js';
import { AUDIO_LEVEL_URI } from '../rtp/extensions.js';
import type { Interval } from './manifest.js';
import {
  AudioLevelReader,
  detectSpeech,
  estimateNoiseFloorDb,
  readAudioLevelsFromRecords,
  resolveSpeechThresholds,
  SPEECH_FROM_AUDIO_LEVEL,
  SPEECH_FROM_ENERGY,
  type LevelSample,
  type SpeechOptions,
} from './speaking.js';

/**
 * Level samples every `frameMs` from runs of [durationMs, levelDb]: `runs([500, -90], [200, -35])` is 25 frames
 * at −90 then 10 at −35. All sequences below are invented to show one behaviour each.
 */
const runs = (...parts: Array<[durationMs: number, levelDb: number]>): LevelSample[] => {
  const frameMs = 20;
  const samples: LevelSample[] = [];
  let timeMs = 0;
  for (const [durationMs, levelDb] of parts) {
    for (let offset = 0; offset < durationMs; offset += frameMs) {
      samples.push({ timeMs: timeMs + offset, levelDb });
    }
    timeMs += durationMs;
  }
  return samples;
};

/** Alternates two levels every `frameMs` for `durationMs`. */
const hover = (durationMs: number, a: number, b: number, frameMs = 20): Array<[number, number]> =>
  Array.from({ length: durationMs / frameMs }, (_, index) => [frameMs, index % 2 === 0 ? a : b] as [number, number]);

describe('detectSpeech: audio-level preset (on −50 dBov, off −55, attack 60 ms, release 400 ms, min 250 ms, gaps < 300 ms merged)', () => {
  const silence = -90;
  const cases: Array<{ name: string; levels: LevelSample[]; expected: Interval[] }> = [
    {
      name: 'bursty speech: syllables with short dips stay one interval',
      levels: runs([500, silence], [200, -35], [160, -70], [240, -38], [200, -65], [300, -30], [1000, silence]),
      expected: [{ startMs: 500, endMs: 1600 }],
    },
    {
      name: 'a cough: one loud 160 ms burst is not speech',
      levels: runs([1000, silence], [160, -25], [1000, silence]),
      expected: [],
    },
    {
      name: 'a 50 ms beep is not even an attack',
      levels: runs([1000, silence], [40, -10], [1000, silence]),
      expected: [],
    },
    {
      name: 'breathing noise between the thresholds never starts speech',
      levels: runs([500, silence], ...hover(4000, -52, -57), [500, silence]),
      expected: [],
    },
    {
      name: 'breathing with peaks just over the on threshold, each shorter than the attack',
      levels: runs([500, silence], [40, -49], [400, -60], [40, -48], [400, -60], [40, -47], [500, silence]),
      expected: [],
    },
    {
      name: 'a long monologue with short pauses is one interval',
      levels: runs([200, silence], [2000, -35], [300, -80], [2000, -32], [350, -75], [2500, -40], [380, silence], [1500, -36], [800, silence]),
      expected: [{ startMs: 200, endMs: 9230 }],
    },
    {
      name: 'a monologue with one 1.5 s pause is two intervals',
      levels: runs([200, silence], [3000, -35], [1500, silence], [3000, -35], [800, silence]),
      expected: [
        { startMs: 200, endMs: 3200 },
        { startMs: 4700, endMs: 7700 },
      ],
    },
    {
      name: 'no flicker: a level hovering around the on threshold keeps speech going',
      levels: runs([500, silence], [300, -35], ...hover(3000, -48, -53), [1000, silence]),
      expected: [{ startMs: 500, endMs: 3800 }],
    },
    {
      name: 'the hangover: a dip below off shorter than the release is bridged, a longer one ends speech where it began',
      levels: runs([300, -35], [380, -70], [300, -35], [420, -70], [300, -35], [600, silence]),
      expected: [
        { startMs: 0, endMs: 980 },
        { startMs: 1400, endMs: 1700 },
      ],
    },
    {
      name: 'speech running to the end of the levels is closed at the last sample’s end',
      levels: runs([500, silence], [1000, -30]),
      expected: [{ startMs: 500, endMs: 1500 }],
    },
    {
      name: 'speech ending in a short dip at the end is closed where the dip began',
      levels: runs([500, silence], [1000, -30], [200, -80]),
      expected: [{ startMs: 500, endMs: 1500 }],
    },
    { name: 'no levels', levels: [], expected: [] },
  ];

  test.each(cases)('$name', ({ levels, expected }) => {
    expect(detectSpeech(levels, SPEECH_FROM_AUDIO_LEVEL)).toEqual(expected);
  });

  test('the audio-level preset is the default', () => {
    const levels = runs([500, silence], [1000, -45], [500, silence]);
    expect(detectSpeech(levels)).toEqual(detectSpeech(levels, SPEECH_FROM_AUDIO_LEVEL));
    expect(detectSpeech(levels)).toEqual([{ startMs: 500, endMs: 1500 }]);
  });

  test('unsorted levels are put in time order first', () => {
    const levels = runs([500, silence], [1000, -35], [800, silence]);
    expect(detectSpeech([...levels].reverse())).toEqual([{ startMs: 500, endMs: 1500 }]);
  });
});

describe('detectSpeech: holes in the level stream (DTX, loss)', () => {
  const packets = (fromMs: number, toMs: number, levelDb: number, everyMs = 20): LevelSample[] =>
    Array.from({ length: Math.ceil((toMs - fromMs) / everyMs) }, (_, index) => ({ timeMs: fromMs + index * everyMs, levelDb }));

  test('DTX between talk spurts (a packet every 400 ms) is silence: two intervals, the first ending with its last packet', () => {
    const levels = [...packets(0, 1000, -35), ...packets(1000, 3000, -127, 400), ...packets(3000, 4000, -35)];
    expect(detectSpeech(levels)).toEqual([
      { startMs: 0, endMs: 1000 },
      { startMs: 3000, endMs: 4000 },
    ]);
  });

  test('a 200 ms loss inside speech is shorter than the release: one interval', () => {
    const levels = [...packets(0, 1000, -35), ...packets(1200, 2000, -35)];
    expect(detectSpeech(levels)).toEqual([{ startMs: 0, endMs: 2000 }]);
  });

  test('60 ms packets (Opus frames of 60 ms) need no special care', () => {
    expect(detectSpeech([...packets(0, 600, -90, 60), ...packets(600, 1800, -35, 60), ...packets(1800, 3000, -90, 60)])).toEqual([
      { startMs: 600, endMs: 1800 },
    ]);
  });
});

describe('detectSpeech: options', () => {
  test("voiceActivity 'require': a loud packet counts only with its V bit set", () => {
    const levels = runs([500, -90], [1000, -30], [500, -90]).map((sample, index) => ({ ...sample, voiceActivity: index >= 40 }));
    expect(detectSpeech(levels)).toEqual([{ startMs: 500, endMs: 1500 }]);
    expect(detectSpeech(levels, { voiceActivity: 'require' })).toEqual([{ startMs: 800, endMs: 1500 }]);
  });

  test('minGapMs above the release merges what the release split', () => {
    const levels = runs([300, -35], [500, -90], [300, -35], [1000, -90]);
    expect(detectSpeech(levels)).toHaveLength(2);
    expect(detectSpeech(levels, { minGapMs: 600 })).toEqual([{ startMs: 0, endMs: 1100 }]);
  });

  test('minSpeechMs 0 keeps every burst that passed the attack', () => {
    expect(detectSpeech(runs([500, -90], [80, -20], [1000, -90]), { minSpeechMs: 0 })).toEqual([{ startMs: 500, endMs: 580 }]);
  });

  test.each<[string, Partial<SpeechOptions>]>([
    ['off above on', { onThresholdDb: -50, offThresholdDb: -40 }],
    ['negative attack', { attackMs: -1 }],
    ['NaN release', { releaseMs: Number.NaN }],
    ['maxFrameGapMs below frameMs', { frameMs: 20, maxFrameGapMs: 10 }],
  ])('%s: SPEECH_OPTIONS', (_name, options) => {
    expect(() => detectSpeech([], options)).toThrow(expect.objectContaining({ code: 'SPEECH_OPTIONS' }));
  });

  test('no flicker, whatever the levels: sorted intervals, each ≥ minSpeechMs, apart by ≥ the release', () => {
    const level = fc.oneof(fc.constant(-90), fc.constant(-53), fc.constant(-30), fc.integer({ min: -127, max: 0 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), level), { maxLength: 60 }), (parts) => {
        const intervals = detectSpeech(runs(...parts.map(([frames, db]) => [frames * 20, db] as [number, number])));
        intervals.forEach((interval, index) => {
          expect(interval.endMs - interval.startMs).toBeGreaterThanOrEqual(SPEECH_FROM_AUDIO_LEVEL.minSpeechMs);
          const next = intervals[index + 1];
          if (next !== undefined) {
            expect(next.startMs - interval.endMs).toBeGreaterThanOrEqual(SPEECH_FROM_AUDIO_LEVEL.releaseMs);
          }
        });
      }),
    );
  });
});

describe('energy preset: thresholds from the noise floor', () => {
  /** ±2 dB of deterministic "noise" around a floor. */
  const noisy = (durationMs: number, floorDb: number): Array<[number, number]> =>
    Array.from({ length: durationMs / 20 }, (_, index) => [20, floorDb + ((index * 7) % 5) - 2] as [number, number]);

  test('estimateNoiseFloorDb: 10th percentile, digital silence (≤ −120) left out, null when nothing is left', () => {
    const levels = [-120, -120, -120, -70, -69, -68, -67, -66, -65, -64, -63, -62, -20].map((levelDb) => ({ levelDb }));
    expect(estimateNoiseFloorDb(levels)).toBe(-70);
    expect(estimateNoiseFloorDb(levels, { percentile: 50 })).toBe(-66);
    expect(estimateNoiseFloorDb([{ levelDb: -120 }, { levelDb: -Infinity }])).toBeNull();
    expect(estimateNoiseFloorDb([])).toBeNull();
  });

  test.each([
    { name: 'a quiet room (floor −72): on −55 (clamped up), off −61', floorDb: -72, on: -55 },
    { name: 'a typical laptop mic (floor −64): on −49, off −55', floorDb: -64, on: -49 },
    { name: 'a noisy room (floor −37): on −25 (clamped down), off −31', floorDb: -37, on: -25 },
  ])('$name', ({ floorDb, on }) => {
    const levels = runs(...noisy(5000, floorDb + 2));
    const thresholds = resolveSpeechThresholds(levels, SPEECH_FROM_ENERGY);
    expect(thresholds.noiseFloorDb).toBe(floorDb);
    expect(thresholds.onThresholdDb).toBeCloseTo(on, 0);
    expect(thresholds.offThresholdDb).toBeCloseTo(on - 6, 0);
  });

  test('speech 25 dB over a −62 dBFS floor is found; breathing 8 dB over it is not', () => {
    const levels = runs(...noisy(2000, -62), ...hover(1000, -54, -56), ...noisy(1000, -62), [1500, -37], ...noisy(2000, -62));
    expect(detectSpeech(levels, SPEECH_FROM_ENERGY)).toEqual([{ startMs: 4000, endMs: 5500 }]);
  });

  test('a track of digital silence falls back on the fixed thresholds', () => {
    expect(resolveSpeechThresholds(runs([1000, -120]), SPEECH_FROM_ENERGY)).toEqual({ onThresholdDb: -55, offThresholdDb: -61, noiseFloorDb: null });
  });
});

describe('readAudioLevelsFromRecords', () => {
  const EXTENSION_ID = 1;
  /** One Opus packet every 20 ms with an RFC 6464 element: V bit, then the level as −dBov. */
  const frames = (levels: Array<{ levelDbov: number; voice: boolean }>, order?: number[]): MjrFrame[] =>
    (order ?? levels.map((_, index) => index)).map((index) => ({
      arrivalOffsetMs: index * 20,
      bytes: buildRtpPacket({
        payloadType: 111,
        sequenceNumber: 100 + index,
        timestamp: 5000 + index * 960,
        extensions: { profile: 'one-byte', elements: [{ id: EXTENSION_ID, data: new Uint8Array([(levels[index]!.voice ? 0x80 : 0) | -levels[index]!.levelDbov]) }] },
        payload: opusPayload(),
      }),
    }));

  const parse = (mjr: Uint8Array): { header: MjrHeader; records: MjrRecord[] } => {
    const records = [...parseMjrBytes(mjr)];
    const first = records[0];
    if (first?.type !== 'header') {
      throw new Error('no header record');
    }
    return { header: first.header, records };
  };

  const levels = [
    { levelDbov: -127, voice: false },
    { levelDbov: -40, voice: true },
    { levelDbov: -33, voice: true },
    { levelDbov: -90, voice: false },
  ];

  test('levels and V bits in sequence order, timeMs from the first packet (reordered packets put back)', () => {
    const { header, records } = parse(writeMjr({ header: audioHeader({ x: { [EXTENSION_ID]: AUDIO_LEVEL_URI } }), frames: frames(levels, [0, 2, 1, 3]) }));
    expect(readAudioLevelsFromRecords(records, header)).toEqual([
      { timeMs: 0, levelDb: -127, voiceActivity: false },
      { timeMs: 20, levelDb: -40, voiceActivity: true },
      { timeMs: 40, levelDb: -33, voiceActivity: true },
      { timeMs: 60, levelDb: -90, voiceActivity: false },
    ]);
  });

  test('the streaming reader gives the same levels record by record', () => {
    const { header, records } = parse(writeMjr({ header: audioHeader({ x: { [EXTENSION_ID]: AUDIO_LEVEL_URI } }), frames: frames(levels) }));
    const reader = new AudioLevelReader(header);
    const streamed = [...records.flatMap((record) => reader.add(record)), ...reader.finish()];
    expect(streamed).toEqual(readAudioLevelsFromRecords(records, header));
    expect(reader.hasAudioLevel).toBe(true);
  });

  test('no extension in the extmap: no levels', () => {
    const { header, records } = parse(writeMjr({ header: audioHeader(), frames: frames(levels) }));
    expect(readAudioLevelsFromRecords(records, header)).toEqual([]);
  });
});
