import { describe, expect, test } from 'vitest';
import { parseVp8FrameHeader } from './vp8.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

describe('parseVp8FrameHeader', () => {
  const cases = [
    {
      // Real: first frame of `ffmpeg -f lavfi -i testsrc=size=320x240 -c:v libvpx` (IVF frame 0, 4626 bytes).
      name: 'reads a key frame tag, start code and 320x240',
      input: hex('b05a00 9d012a 4001 f000 0007088585'),
      expected: {
        keyframe: true,
        version: 0,
        showFrame: true,
        firstPartitionSize: 725,
        width: 320,
        height: 240,
        horizontalScale: 0,
        verticalScale: 0,
      },
    },
    {
      // Real: second frame of the same stream.
      name: 'reads an interframe tag without dimensions',
      input: hex('111400 021010001e'),
      expected: { keyframe: false, version: 0, showFrame: true, firstPartitionSize: 160 },
    },
    {
      // Invented: version 3, hidden frame, scale bits 1 and 2 on a 1920x1080 key frame.
      name: 'separates the scale bits from the 14-bit sizes',
      input: hex('06 00 00 9d012a 8047 3884'),
      expected: {
        keyframe: true,
        version: 3,
        showFrame: false,
        firstPartitionSize: 0,
        width: 1920,
        height: 1080,
        horizontalScale: 1,
        verticalScale: 2,
      },
    },
  ];
  test.each(cases)('$name', ({ input, expected }) => {
    expect(parseVp8FrameHeader(input)).toEqual(expected);
  });

  const invalid = [
    { name: 'empty input', input: hex('') }, // invented
    { name: 'a frame tag cut after two bytes', input: hex('b05a') }, // invented
    { name: 'a key frame with a wrong start code', input: hex('b05a00 9d012b 4001 f000') }, // invented
    { name: 'a key frame cut inside the dimensions', input: hex('b05a00 9d012a 4001 f0') }, // invented
  ];
  test.each(invalid)('returns null for $name', ({ input }) => {
    expect(parseVp8FrameHeader(input)).toBeNull();
  });
});
