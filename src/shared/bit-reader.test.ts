import { describe, expect, test } from 'vitest';
import { BitReader } from './bit-reader.js';

describe('BitReader', () => {
  test('reads bits MSB first across bytes', () => {
    const reader = new BitReader(new Uint8Array([0b1010_1100, 0b0101_0000]));
    expect(reader.readBits(3)).toBe(0b101);
    expect(reader.readBits(7)).toBe(0b0110001);
    expect(reader.bitsLeft).toBe(6);
  });

  test('decodes Exp-Golomb codes', () => {
    // 1 -> 0, 010 -> 1, 011 -> 2, 00100 -> 3, 00111 -> 6
    const reader = new BitReader(new Uint8Array([0b1010_0110, 0b0100_0011, 0b1000_0000]));
    expect([reader.readUe(), reader.readUe(), reader.readUe(), reader.readUe(), reader.readUe()]).toEqual([0, 1, 2, 3, 6]);
  });

  test('maps signed Exp-Golomb codes', () => {
    // codeNum 1 -> +1, 2 -> -1, 3 -> +2
    const reader = new BitReader(new Uint8Array([0b0100_1100, 0b1000_0000]));
    expect([reader.readSe(), reader.readSe(), reader.readSe()]).toEqual([1, -1, 2]);
  });

  test('throws a coded error past the end instead of reading garbage', () => {
    const reader = new BitReader(new Uint8Array([0xff]));
    reader.readBits(8);
    expect(() => reader.readBit()).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
    expect(() => new BitReader(new Uint8Array([0, 0, 0, 0, 0])).readUe()).toThrowError(
      expect.objectContaining({ code: 'CODEC_MALFORMED' }),
    );
  });
});
