import { describe, expect, test } from 'vitest';
import { parseVp8Descriptor } from './vp8.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

describe('parseVp8Descriptor', () => {
  const cases = [
    {
      // Real: first packet of an FFmpeg VP8 RTP stream (libvpx key frame): X, S, I with M (15-bit ID 0).
      name: 'extended descriptor with a 15-bit picture ID',
      input: hex('90 80 8000 b05a009d012a'),
      expected: { extended: true, nonReference: false, startOfPartition: true, partitionIndex: 0, pictureId: 0, pictureIdBits: 15, headerLength: 4 },
    },
    {
      // Real: second packet of the same key frame (continuation, S = 0).
      name: 'continuation packet',
      input: hex('80 80 8000 7c209115'),
      expected: { extended: true, nonReference: false, startOfPartition: false, partitionIndex: 0, pictureId: 0, pictureIdBits: 15, headerLength: 4 },
    },
    {
      // Real: first packet of the second frame, picture ID 1.
      name: 'next picture ID',
      input: hex('90 80 8001 f1130002'),
      expected: { extended: true, nonReference: false, startOfPartition: true, partitionIndex: 0, pictureId: 1, pictureIdBits: 15, headerLength: 4 },
    },
    {
      // Invented: the minimal 1-byte descriptor (no X).
      name: 'one-byte descriptor',
      input: hex('10 9d'),
      expected: { extended: false, nonReference: false, startOfPartition: true, partitionIndex: 0, headerLength: 1 },
    },
    {
      // Invented: libwebrtc-style temporal layers: N, S, PID 1; I (7-bit 0x2a), L (TL0PICIDX 7), T (TID 2, Y) and K (KEYIDX 5).
      name: 'every optional field, 7-bit picture ID',
      input: hex('b1 f0 2a 07 a5 00'),
      expected: {
        extended: true,
        nonReference: true,
        startOfPartition: true,
        partitionIndex: 1,
        pictureId: 0x2a,
        pictureIdBits: 7,
        tl0PicIdx: 7,
        temporalId: 2,
        layerSync: true,
        keyIndex: 5,
        headerLength: 5,
      },
    },
    {
      // Invented: K without T: KEYIDX only, TID/Y not reported.
      name: 'key index without temporal ID',
      input: hex('90 10 e3 ff'),
      expected: { extended: true, nonReference: false, startOfPartition: true, partitionIndex: 0, keyIndex: 3, headerLength: 3 },
    },
  ];
  test.each(cases)('$name', ({ input, expected }) => {
    expect(parseVp8Descriptor(input)).toEqual(expected);
  });

  const invalid = [
    { name: 'an empty payload', input: hex('') },
    { name: 'a descriptor without payload', input: hex('10') },
    { name: 'X set but no extension byte', input: hex('90') },
    { name: 'a 15-bit picture ID cut in half', input: hex('90 80 80') },
    { name: 'L set but no TL0PICIDX', input: hex('90 40') },
    { name: 'a full extended descriptor with no payload', input: hex('90 f0 2a 07 a5') },
  ];
  test.each(invalid)('throws CODEC_MALFORMED for $name (invented)', ({ input }) => {
    expect(() => parseVp8Descriptor(input)).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });
});
