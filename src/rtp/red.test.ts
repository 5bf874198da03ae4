import { describe, expect, test } from 'vitest';
import { parseRedPayload } from './red.js';

describe('parseRedPayload (RFC 2198)', () => {
  test('splits a redundant block and the primary', () => {
    // F=1 PT=111, ts offset 960, length 3 | F=0 PT=111 | 3 redundant bytes | primary bytes
    const word = (960 << 10) | 3;
    const payload = new Uint8Array([0x80 | 111, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff, 111, 1, 2, 3, 9, 9, 9, 9]);
    const red = parseRedPayload(payload);
    expect(red.redundant).toEqual([{ payloadType: 111, timestampOffset: 960, data: new Uint8Array([1, 2, 3]) }]);
    expect(red.primary).toEqual({ payloadType: 111, timestampOffset: 0, data: new Uint8Array([9, 9, 9, 9]) });
  });

  test('a primary alone', () => {
    expect(parseRedPayload(new Uint8Array([111, 7, 7])).primary.data).toEqual(new Uint8Array([7, 7]));
  });

  test.each([
    ['no headers', new Uint8Array(0)],
    ['a cut block header', new Uint8Array([0x80 | 111, 0])],
    ['a block longer than the payload', new Uint8Array([0x80 | 111, 0, 0, 50, 111, 1])],
  ])('refuses %s', (_name, payload) => {
    expect(() => parseRedPayload(payload)).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });
});
