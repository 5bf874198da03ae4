import { describe, expect, test } from 'vitest';
import { SequenceUnwrapper, sequenceDistance, timestampDistance, TimestampUnwrapper } from './sequence.js';

describe('wraparound arithmetic', () => {
  test.each([
    [1, 2, 1],
    [65535, 0, 1],
    [0, 65535, -1],
    [100, 100 + 32767, 32767],
    [100, 100 + 32768, -32768],
  ])('sequenceDistance(%i, %i) = %i', (from, to, expected) => {
    expect(sequenceDistance(from, to)).toBe(expected);
  });

  test('timestampDistance crosses 2^32', () => {
    expect(timestampDistance(0xffff_ff00, 0x100)).toBe(0x200);
    expect(timestampDistance(0x100, 0xffff_ff00)).toBe(-0x200);
  });

  test('extends sequence numbers across a wrap, and places a late pre-wrap packet before it', () => {
    const unwrapper = new SequenceUnwrapper();
    const extended = [65534, 65535, 0, 1, 65533, 2].map((sequence) => unwrapper.unwrap(sequence));
    expect(extended.map((value) => value - extended[0]!)).toEqual([0, 1, 2, 3, -1, 4]);
  });

  test('extends timestamps across a wrap', () => {
    const unwrapper = new TimestampUnwrapper();
    const extended = [0xffff_f000, 0xffff_fc40, 0x280, 0xec0].map((timestamp) => unwrapper.unwrap(timestamp));
    expect(extended.map((value) => value - extended[0]!)).toEqual([0, 3136, 4736, 7872]);
  });
});
