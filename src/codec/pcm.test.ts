import { describe, expect, test } from 'vitest';
import { createL16Stats, decodeL16 } from './pcm.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

describe('decodeL16', () => {
  const cases = [
    { name: 'nothing', input: hex(''), expected: [], odd: 0 },
    { name: 'big-endian samples, both signs and the extremes', input: hex('0001 0100 ffff 8000 7fff 0000'), expected: [1, 256, -1, -32768, 32767, 0], odd: 0 },
    { name: 'an odd trailing byte is dropped and counted', input: hex('1234 56'), expected: [0x1234], odd: 1 },
    { name: 'a lone byte gives no sample', input: hex('ab'), expected: [], odd: 1 },
  ];
  test.each(cases)('$name', ({ input, expected, odd }) => {
    const stats = createL16Stats();
    expect(Array.from(decodeL16(input, stats))).toEqual(expected);
    expect(stats.oddPayloads).toBe(odd);
  });

  test('reads from a view into a larger buffer at an odd offset', () => {
    const packet = hex('ee 0102 0304');
    expect(Array.from(decodeL16(packet.subarray(1)))).toEqual([0x0102, 0x0304]);
  });

  test('counts across payloads when given the same stats', () => {
    const stats = createL16Stats();
    decodeL16(hex('010203'), stats);
    decodeL16(hex('0102'), stats);
    decodeL16(hex('01'), stats);
    expect(stats.oddPayloads).toBe(2);
  });
});
