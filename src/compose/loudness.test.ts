import { describe, expect, test } from 'vitest';
import { gainForLoudness, parseIntegratedLoudness } from './loudness.js';

describe('loudness', () => {
  test('reads the integrated loudness from the ebur128 summary (ffmpeg 5.1 output)', () => {
    const stderr = `[Parsed_ebur128_0 @ 0x55] Summary:\n\n  Integrated loudness:\n    I:         -31.2 LUFS\n    Threshold: -41.6 LUFS\n\n  Loudness range:\n    LRA:         3.1 LU\n`;
    expect(parseIntegratedLoudness(stderr)).toBe(-31.2);
  });

  test('silence measures -inf: no gain', () => {
    expect(parseIntegratedLoudness('Summary:\n    I:         -inf LUFS')).toBeNull();
    expect(gainForLoudness(null)).toBe(0);
    expect(gainForLoudness(-75)).toBe(0);
  });

  test.each([
    [-31.2, 8.2],
    [-40, 12],
    [-10, -13],
  ])('a voice at %d LUFS gets %d dB (boost capped at 12 dB)', (lufs, gain) => {
    expect(gainForLoudness(lufs)).toBeCloseTo(gain, 6);
  });
});
