import { describe, expect, test } from 'vitest';
import { computeRmsLevels, RmsLevelMeter, rmsToDbfs, SILENCE_DBFS } from './levels.js';

const RATE = 16_000;

/** `count` samples of a sine at `amplitude` (full scale 1) as Int16. */
const sine = (count: number, amplitude: number, frequency = 500): Int16Array =>
  Int16Array.from({ length: count }, (_, index) => Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * frequency * index) / RATE)));

describe('computeRmsLevels', () => {
  test('a full-scale square wave is 0 dBFS, a sine at amplitude 1/8 is −21.1 dBFS, zeros are SILENCE_DBFS', () => {
    const square = Int16Array.from({ length: 320 }, (_, index) => (index % 2 === 0 ? 32767 : -32768));
    const samples = new Int16Array(960);
    samples.set(square, 0);
    samples.set(sine(320, 1 / 8), 320);
    const levels = computeRmsLevels(samples, RATE, 20, 1000);
    expect(levels.map((level) => level.timeMs)).toEqual([1000, 1020, 1040]);
    expect(levels[0]!.rmsDbfs).toBeCloseTo(0, 2);
    expect(levels[1]!.rmsDbfs).toBeCloseTo(-21.07, 1);
    expect(levels[2]!.rmsDbfs).toBe(SILENCE_DBFS);
  });

  test('one LSB in a window is still louder than digital silence', () => {
    const samples = new Int16Array(320);
    samples[7] = 1;
    expect(computeRmsLevels(samples, RATE, 20, 0)[0]!.rmsDbfs).toBeCloseTo(-115.4, 1);
  });

  test('a last partial window is measured on its own samples; Float32 input in −1…1', () => {
    const levels = computeRmsLevels(Float32Array.from({ length: 400 }, () => 0.5), RATE, 20, 0);
    expect(levels).toHaveLength(2);
    expect(levels[1]).toEqual({ timeMs: 20, rmsDbfs: rmsToDbfs(0.5) });
  });

  test('window times come from sample counts, not from adding up rounded ms', () => {
    const levels = computeRmsLevels(new Int16Array(44_100), 44_100, 10, 0);
    expect(levels).toHaveLength(100);
    expect(levels[99]!.timeMs).toBeCloseTo(990, 6);
  });

  test('a zero or negative window is refused', () => {
    expect(() => computeRmsLevels(new Int16Array(10), RATE, 0, 0)).toThrow(expect.objectContaining({ code: 'SPEECH_OPTIONS' }));
  });
});

describe('RmsLevelMeter.pushPcm16le', () => {
  test.each([1, 2, 3, 333, 4096])('s16le bytes cut every %i bytes give the same levels as the samples', (chunkBytes) => {
    const samples = sine(16_000 + 77, 0.3, 440);
    const bytes = new Uint8Array(samples.buffer.slice(0));
    const meter = new RmsLevelMeter({ sampleRate: RATE, windowMs: 20, startMs: -6.5 });
    const levels = [];
    for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
      levels.push(...meter.pushPcm16le(bytes.subarray(offset, offset + chunkBytes)));
    }
    levels.push(...meter.finish());
    expect(levels).toEqual(computeRmsLevels(samples, RATE, 20, -6.5));
    expect(levels).toHaveLength(51);
  });

  test('negative samples are read as signed', () => {
    const meter = new RmsLevelMeter({ sampleRate: RATE, windowMs: 1000 / RATE, startMs: 0 });
    // -32768 (0x8000) little-endian, then +16384 (0x4000)
    expect(meter.pushPcm16le(new Uint8Array([0x00, 0x80, 0x00, 0x40])).map((level) => level.rmsDbfs)).toEqual([0, rmsToDbfs(0.5)]);
  });
});
