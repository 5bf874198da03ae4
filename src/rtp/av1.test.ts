import { describe, expect, test } from 'vitest';
import { parseAv1AggregationHeader } from './av1.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

// Built from real libaom OBUs (320x180 stream) packetized by hand as the AV1 RTP spec describes:
// temporal delimiter dropped, obu_has_size_field cleared.
const SEQUENCE_HEADER_ELEMENT = hex('08 000000043cfeccdaf90040');
const KEY_FRAME_HEAD = hex('30 1400a27010b45df1');

describe('parseAv1AggregationHeader', () => {
  const cases = [
    {
      name: 'W = 2: first element length-prefixed, last one to the end (key frame start, N = 1)',
      input: hex('28 0c 08000000043cfeccdaf90040 301400a27010b45df1'),
      expected: { z: false, y: false, w: 2, n: true, elements: [SEQUENCE_HEADER_ELEMENT, KEY_FRAME_HEAD] },
    },
    {
      name: 'W = 0: every element length-prefixed',
      input: hex('40 0c 08000000043cfeccdaf90040 09 301400a27010b45df1'),
      expected: { z: false, y: true, w: 0, n: false, elements: [SEQUENCE_HEADER_ELEMENT, KEY_FRAME_HEAD] },
    },
    {
      name: 'W = 1 continuation fragment (Z = 1, Y = 1)',
      input: hex('d0 b45df1'),
      expected: { z: true, y: true, w: 1, n: false, elements: [hex('b45df1')] },
    },
    {
      name: 'W = 3',
      input: hex('30 01 aa 02 bbcc dd'),
      expected: { z: false, y: false, w: 3, n: false, elements: [hex('aa'), hex('bbcc'), hex('dd')] },
    },
    {
      name: 'W = 0 with a two-byte LEB128 length',
      input: Uint8Array.from([0x00, 0x81, 0x01, ...new Uint8Array(129).fill(0x30)]),
      expected: { z: false, y: false, w: 0, n: false, elements: [new Uint8Array(129).fill(0x30)] },
    },
  ];
  test.each(cases)('$name', ({ input, expected }) => {
    expect(parseAv1AggregationHeader(input)).toEqual(expected);
  });

  const invalid = [
    { name: 'an empty payload', input: hex('') },
    { name: 'a header without elements', input: hex('10') },
    { name: 'a length past the end', input: hex('00 05 3014') },
    { name: 'a zero-length element', input: hex('00 00') },
    { name: 'fewer elements than W', input: hex('30 01 aa 01 bb') },
    { name: 'a truncated LEB128 length', input: hex('00 80') },
  ];
  test.each(invalid)('throws CODEC_MALFORMED for $name (invented)', ({ input }) => {
    expect(() => parseAv1AggregationHeader(input)).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });
});
