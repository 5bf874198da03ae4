import { describe, expect, test } from 'vitest';
import { parseVp9Descriptor } from './vp9.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

const flags = (set: string): Record<'i' | 'p' | 'l' | 'f' | 'b' | 'e' | 'v' | 'z', boolean> => ({
  i: set.includes('I'),
  p: set.includes('P'),
  l: set.includes('L'),
  f: set.includes('F'),
  b: set.includes('B'),
  e: set.includes('E'),
  v: set.includes('V'),
  z: set.includes('Z'),
});

describe('parseVp9Descriptor', () => {
  const cases = [
    {
      // Real: first packet of an FFmpeg VP9 RTP stream: only B is set, key frame header follows.
      name: 'FFmpeg start of frame (B only)',
      input: hex('08 824983420015f011'),
      expected: { ...flags('B'), headerLength: 1 },
    },
    {
      // Real: a one-packet inter frame from FFmpeg: B and E, P left at 0.
      name: 'FFmpeg single-packet frame (B and E)',
      input: hex('0c 860040929c2050'),
      expected: { ...flags('BE'), headerLength: 1 },
    },
    {
      // Invented: non-flexible SVC key picture start as libwebrtc sends it: I (15-bit 0x1234), L (TID 0,
      // U 0, SID 0, D 0), TL0PICIDX 9, V with SS: 3 spatial layers, Y, G with 2 picture groups.
      name: 'non-flexible mode with layer indices, TL0PICIDX and a full scalability structure',
      input: hex('aa 9234 00 09 58 0140 00b4 0280 0168 0500 02d0 02 04 01 38 02 01 aa'),
      expected: {
        ...flags('ILBV'),
        pictureId: 0x1234,
        pictureIdBits: 15,
        temporalId: 0,
        switchingUp: false,
        spatialId: 0,
        interLayerDependency: false,
        tl0PicIdx: 9,
        scalabilityStructure: {
          spatialLayerCount: 3,
          resolutions: [
            { width: 320, height: 180 },
            { width: 640, height: 360 },
            { width: 1280, height: 720 },
          ],
          pictureGroups: [
            { temporalId: 0, switchingUp: false, pDiffs: [1] },
            { temporalId: 1, switchingUp: true, pDiffs: [2, 1] },
          ],
        },
        headerLength: 24,
      },
    },
    {
      // Invented: flexible mode, inter picture on spatial layer 1 with three P_DIFFs (1, 2, 4); 7-bit picture ID.
      name: 'flexible mode with three reference indices',
      input: hex('fc 05 43 03 05 08 aa'),
      expected: {
        ...flags('IPLFBE'),
        pictureId: 5,
        pictureIdBits: 7,
        temporalId: 2,
        switchingUp: false,
        spatialId: 1,
        interLayerDependency: true,
        pDiffs: [1, 2, 4],
        headerLength: 6,
      },
    },
    {
      // Invented: flexible mode with L: no TL0PICIDX is read.
      name: 'flexible mode does not read TL0PICIDX',
      input: hex('b8 7f 20 aa'),
      expected: { ...flags('ILFB'), pictureId: 0x7f, pictureIdBits: 7, temporalId: 1, switchingUp: false, spatialId: 0, interLayerDependency: false, headerLength: 3 },
    },
    {
      // Invented: SS with N_S = 1 and no Y / G.
      name: 'scalability structure without resolutions or groups',
      input: hex('0a 20 aa'),
      expected: { ...flags('BV'), scalabilityStructure: { spatialLayerCount: 2 }, headerLength: 2 },
    },
  ];
  test.each(cases)('$name', ({ input, expected }) => {
    expect(parseVp9Descriptor(input)).toEqual(expected);
  });

  const invalid = [
    { name: 'an empty payload', input: hex('') },
    { name: 'a descriptor without payload', input: hex('0c') },
    { name: 'a 15-bit picture ID cut in half', input: hex('88 80') },
    { name: 'non-flexible L without TL0PICIDX', input: hex('28 00') },
    { name: 'a fourth P_DIFF', input: hex('58 03 03 03 03 aa') },
    { name: 'resolutions cut short', input: hex('0a 30 0140 00') },
    { name: 'a picture group cut short', input: hex('0a 08 02 04 01') },
  ];
  test.each(invalid)('throws CODEC_MALFORMED for $name (invented)', ({ input }) => {
    expect(() => parseVp9Descriptor(input)).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });
});
