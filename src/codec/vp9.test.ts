import { describe, expect, test } from 'vitest';
import { parseVp9FrameHeader, parseVp9Superframe } from './vp9.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

describe('parseVp9FrameHeader', () => {
  const cases = [
    {
      // Real: key frame of `-c:v libvpx-vp9` on testsrc 352x288, yuv420p.
      name: 'profile 0 key frame, 8-bit 4:2:0, 352x288',
      input: hex('824983420015f011f60838241c184200'),
      expected: {
        profile: 0,
        showExistingFrame: false,
        keyframe: true,
        showFrame: true,
        errorResilientMode: false,
        bitDepth: 8,
        colorSpace: 0,
        subsamplingX: 1,
        subsamplingY: 1,
        width: 352,
        height: 288,
      },
    },
    {
      // Real: key frame of libvpx-vp9 with -pix_fmt yuv444p at 200x100 (profile 1 reads subsampling bits).
      name: 'profile 1 key frame, 4:4:4, 200x100',
      input: hex('a249834200018e00c6c1070483830940'),
      expected: {
        profile: 1,
        showExistingFrame: false,
        keyframe: true,
        showFrame: true,
        errorResilientMode: false,
        bitDepth: 8,
        colorSpace: 0,
        subsamplingX: 0,
        subsamplingY: 0,
        width: 200,
        height: 100,
      },
    },
    {
      // Real: key frame of libvpx-vp9 with -pix_fmt yuv420p10le at 200x100 (profile 2 reads ten_or_twelve_bit).
      name: 'profile 2 key frame, 10-bit, 200x100',
      input: hex('92498342000638031b051c120e0c2c00'),
      expected: {
        profile: 2,
        showExistingFrame: false,
        keyframe: true,
        showFrame: true,
        errorResilientMode: false,
        bitDepth: 10,
        colorSpace: 0,
        subsamplingX: 1,
        subsamplingY: 1,
        width: 200,
        height: 100,
      },
    },
    {
      // Real: the second frame of the 352x288 stream.
      name: 'inter frame: no size',
      input: hex('86004092f0412500'),
      expected: { profile: 0, showExistingFrame: false, keyframe: false, showFrame: true, errorResilientMode: false, intraOnly: false },
    },
    {
      // Real: the hidden alt-ref frame at the start of a libvpx-vp9 two-pass superframe.
      name: 'hidden inter frame reads intra_only = 0',
      input: hex('84008049468021d0001e807f918162ef'),
      expected: { profile: 0, showExistingFrame: false, keyframe: false, showFrame: false, errorResilientMode: false, intraOnly: false },
    },
    {
      // Invented: 10 0 0 1 101 -> show_existing_frame of slot 5.
      name: 'show_existing_frame stops after the slot index',
      input: hex('8d'),
      expected: { profile: 0, showExistingFrame: true, keyframe: false, showFrame: true, frameToShowMapIdx: 5 },
    },
    {
      // Invented: profile 0 intra-only frame (hidden, error resilient), refresh_frame_flags 0x01, 640x360.
      // 10 0 0 0 1 0 1 | intra_only 1 | sync code | refresh 00000001 | 639 | 359
      name: 'profile 0 intra-only frame: implied 8-bit 4:2:0, size after refresh_frame_flags',
      input: hex('85 a4 c1 a1 00 81 3f 80 b3 80'),
      expected: {
        profile: 0,
        showExistingFrame: false,
        keyframe: false,
        showFrame: false,
        errorResilientMode: true,
        intraOnly: true,
        bitDepth: 8,
        colorSpace: 1,
        subsamplingX: 1,
        subsamplingY: 1,
        width: 640,
        height: 360,
      },
    },
  ];
  test.each(cases)('$name', ({ input, expected }) => {
    expect(parseVp9FrameHeader(input)).toEqual(expected);
  });

  const invalid = [
    { name: 'empty input', input: hex('') }, // invented
    { name: 'a frame_marker of 3', input: hex('c24983420015f011') }, // invented: real key frame with the marker changed
    { name: 'a broken sync code', input: hex('824983430015f011f608') }, // invented
    { name: 'a key frame cut inside frame_size', input: hex('8249834200') }, // invented
    { name: 'profile 3 with the reserved bit set', input: hex('b8') }, // invented
    { name: 'RGB in profile 0', input: hex('824983420e') }, // invented: color_space 7
  ];
  test.each(invalid)('returns null for $name', ({ input }) => {
    expect(parseVp9FrameHeader(input)).toBeNull();
  });
});

describe('parseVp9Superframe', () => {
  // Real index of a 727-byte libvpx-vp9 superframe (hidden ARF of 610 bytes + shown frame of 111 bytes);
  // the frame bodies are filled with zeros except their real first bytes.
  const superframe = new Uint8Array(727);
  superframe.set(hex('84008049468021d0'), 0);
  superframe.set(hex('860040969c104a40'), 610);
  superframe.set(hex('c962026f00c9'), 721);

  test('splits a real two-frame superframe with 2-byte sizes', () => {
    const ranges = parseVp9Superframe(superframe);
    expect(ranges).toEqual([
      { offset: 0, length: 610 },
      { offset: 610, length: 111 },
    ]);
    expect(parseVp9FrameHeader(superframe.subarray(610, 721))?.showFrame).toBe(true);
  });

  const single = [
    { name: 'a frame without index', input: hex('824983420015f011f6083824') }, // real key frame prefix
    { name: 'a marker-like last byte without a matching first index byte', input: hex('860040 00 0100 c1') }, // invented
    { name: 'an index longer than the data', input: hex('c9 c9') }, // invented
  ];
  test.each(single)('returns one range for $name', ({ input }) => {
    expect(parseVp9Superframe(input)).toEqual([{ offset: 0, length: input.length }]);
  });

  const broken = [
    { name: 'sizes past the data', input: hex('86 00 c9 0500 0500 c9') }, // invented: 2 x 5 bytes, 2 available
    { name: 'a zero size', input: hex('86 00 c9 0200 0000 c9') }, // invented
  ];
  test.each(broken)('throws CODEC_MALFORMED for $name', ({ input }) => {
    expect(() => parseVp9Superframe(input)).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });
});
