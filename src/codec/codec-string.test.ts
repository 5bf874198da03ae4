import { describe, expect, test } from 'vitest';
import { av1CodecString, avcCodecString, hevcCodecString, vp9CodecString } from './codec-string.js';

describe('codec strings', () => {
  test('avc1 from an avcC (Chrome OpenH264 constrained baseline 3.1)', () => {
    expect(avcCodecString(new Uint8Array([1, 0x42, 0xc0, 0x1f, 0xff]))).toBe('avc1.42c01f');
  });

  test('av01 from an av1C (libaom main profile, level 4.0 = idx 8, 8-bit)', () => {
    expect(av1CodecString(new Uint8Array([0x81, 0x08, 0x0c, 0x00]))).toBe('av01.0.08M.08');
  });

  test('hvc1 from an hvcC (x265 Main, level 3.1, progressive source)', () => {
    const hvcC = new Uint8Array(23);
    hvcC[1] = 0x01; // space 0, tier Main, profile 1
    hvcC[2] = 0x60; // compatibility flags 1 and 2
    hvcC[6] = 0x90; // progressive_source, frame_only constraint
    hvcC[12] = 93;
    expect(hevcCodecString(hvcC)).toBe('hvc1.1.6.L93.90');
  });

  test('vp09 defaults to profile 0, level 3.1, 8-bit', () => {
    expect(vp9CodecString()).toBe('vp09.00.31.08');
  });
});
