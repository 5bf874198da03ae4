import { describe, expect, test } from 'vitest';
import {
  annexBToLengthPrefixed,
  iterateNalUnitsInAnnexB,
  lengthPrefixedToAnnexB,
  parseAvcSps,
  removeEmulationPrevention,
  serializeAvcDecoderConfigurationRecord,
} from './h264.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

// Real SPS/PPS from libx264 (ffmpeg -f lavfi -i testsrc=... -c:v libx264), sizes confirmed with ffprobe.
const SPS_BASELINE_322X242 = hex('6742c00dd90150878888c044000003000400000300f03c50a920');
const PPS_BASELINE = hex('68cb83cb20');
const SPS_HIGH_1280X720 = hex('6764001facd9405005bb0110000003001000000303c0f1831960');
const SPS_HIGH444_318X238 = hex('67f4000d919b28283fdde022000003000200000300781e28532c');
const PPS_HIGH444 = hex('68ebe3c44844');

describe('parseAvcSps', () => {
  const cases = [
    {
      // Real: -profile:v baseline at 322x242 (4:2:0 crop units of 2: right 7, bottom 7).
      name: 'baseline 4:2:0 with cropping to 322x242',
      input: SPS_BASELINE_322X242,
      expected: { profileIdc: 66, constraintFlags: 0xc0, levelIdc: 13, chromaFormatIdc: 1, width: 322, height: 242, codedWidth: 336, codedHeight: 256, crop: { left: 0, right: 7, top: 0, bottom: 7 } },
    },
    {
      // Real: -profile:v high at 1280x720, no cropping.
      name: 'high 4:2:0 1280x720',
      input: SPS_HIGH_1280X720,
      expected: { profileIdc: 100, levelIdc: 31, chromaFormatIdc: 1, bitDepthLuma: 8, width: 1280, height: 720, frameMbsOnly: true },
    },
    {
      // Real: -profile:v high422 at 322x242: 4:2:2 crops vertically in units of 1 (bottom 14).
      name: 'high 4:2:2 uses SubHeightC = 1 for the crop unit',
      input: hex('677a000dbcd9415087888fc044000003000400000300f03c50a658'),
      expected: { profileIdc: 122, chromaFormatIdc: 2, width: 322, height: 242, crop: { left: 0, right: 7, top: 0, bottom: 14 } },
    },
    {
      // Real: -profile:v high444 at 318x238: 4:4:4 crops in units of 1 both ways.
      name: 'high 4:4:4 predictive uses crop units of 1',
      input: SPS_HIGH444_318X238,
      expected: { profileIdc: 244, chromaFormatIdc: 3, separateColourPlane: false, width: 318, height: 238, crop: { left: 0, right: 2, top: 0, bottom: 2 } },
    },
    {
      // Real: -pix_fmt gray at 318x238: chroma_format_idc 0, ChromaArrayType 0, crop units of 1.
      name: 'monochrome (chroma_format_idc 0)',
      input: hex('6764000df3650507fbbc05b2000003000200000300781e28532c'),
      expected: { chromaFormatIdc: 0, width: 318, height: 238 },
    },
    {
      // Real: -x264-params interlaced=1 at 320x236: frame_mbs_only 0 doubles map units and the crop unit (4).
      name: 'interlaced: field pairs double the height and the vertical crop unit',
      input: hex('67640015acd941410fcd8088000003000800000301e0f8a14cb0'),
      expected: { frameMbsOnly: false, codedHeight: 256, width: 320, height: 236, crop: { left: 0, right: 0, top: 0, bottom: 5 } },
    },
    {
      // Invented from the real 4:2:2 SPS by setting seq_scaling_matrix_present_flag and inserting lists 0
      // (explicit), 2 (delta -8: use the default matrix) and 6 (explicit 8x8); FFmpeg decodes the stream
      // that carries it at 322x242, so every later field is still aligned.
      name: 'skips explicit and default-flagged scaling lists',
      input: hex('677a000dbd843fffa111108bfffffffffffffff6ca0a843c447e0220000003002000000781e28532c0'),
      expected: { profileIdc: 122, scalingMatrixPresent: true, log2MaxFrameNum: 4, pocType: 0, log2MaxPocLsb: 6, width: 322, height: 242 },
    },
  ];
  test.each(cases)('$name', ({ input, expected }) => {
    expect(parseAvcSps(input)).toMatchObject(expected);
  });

  const invalid = [
    { name: 'a PPS', input: PPS_BASELINE }, // real PPS
    { name: 'an empty NAL unit', input: hex('') }, // invented
    { name: 'an SPS cut after the level', input: hex('6742c00d') }, // invented: truncated real SPS
    { name: 'an SPS id above 31', input: hex('6742c00d 0420') }, // invented: ue = 32
    { name: 'cropping larger than the picture', input: hex('6742c00d ddf89d') }, // invented: one macroblock, crop right 8 units = 16 columns
  ];
  test.each(invalid)('throws CODEC_MALFORMED for $name', ({ input }) => {
    expect(() => parseAvcSps(input)).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });
});

describe('removeEmulationPrevention', () => {
  const cases = [
    { name: 'drops the 03 of 00 00 03', input: hex('000003 01 000003 00'), expected: hex('0000 01 0000 00') }, // invented
    { name: 'keeps 03 that does not follow two zeros', input: hex('0003 03 0003'), expected: hex('0003 03 0003') }, // invented
    { name: 'restarts the zero count after a removed byte', input: hex('000003 0000 03'), expected: hex('0000 0000') }, // invented
  ];
  test.each(cases)('$name', ({ input, expected }) => {
    expect(removeEmulationPrevention(input)).toEqual(expected);
  });
});

describe('iterateNalUnitsInAnnexB', () => {
  test('finds 3- and 4-byte start codes and trims trailing zeros', () => {
    // Invented stream: 4-byte start code, SPS-like unit with trailing zero, 3-byte start code, two units.
    const stream = hex('00000001 6742c0 00 000001 68ce 00000001 65888400');
    const units = [...iterateNalUnitsInAnnexB(stream)].map(({ offset, length }) => stream.subarray(offset, offset + length));
    expect(units).toEqual([hex('6742c0'), hex('68ce'), hex('658884')]);
  });

  test('yields nothing without a start code and skips empty units', () => {
    expect([...iterateNalUnitsInAnnexB(hex('6742c0'))]).toEqual([]);
    expect([...iterateNalUnitsInAnnexB(hex('000001 000001 09f0'))]).toEqual([{ offset: 6, length: 2 }]);
  });
});

describe('Annex B and length-prefixed conversions', () => {
  test('round-trips through 4-byte lengths', () => {
    const annexB = hex('00000001 6742c0 00000001 68ce 00000001 6588');
    const prefixed = annexBToLengthPrefixed(annexB);
    expect(prefixed).toEqual(hex('00000003 6742c0 00000002 68ce 00000002 6588'));
    expect(lengthPrefixedToAnnexB(prefixed)).toEqual(annexB);
  });

  test('supports 2-byte lengths', () => {
    expect(annexBToLengthPrefixed(hex('000001 68ce'), 2)).toEqual(hex('0002 68ce'));
    expect(lengthPrefixedToAnnexB(hex('0002 68ce'), 2)).toEqual(hex('00000001 68ce'));
  });

  const broken = [
    { name: 'a length past the end', input: hex('00000005 6742c0') }, // invented
    { name: 'a truncated length', input: hex('00000001 67 0000') }, // invented
    { name: 'a zero length', input: hex('00000000') }, // invented
  ];
  test.each(broken)('throws CODEC_MALFORMED for $name', ({ input }) => {
    expect(() => lengthPrefixedToAnnexB(input)).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });

  test('refuses a NAL unit too long for a 1-byte length', () => {
    const stream = new Uint8Array(3 + 300);
    stream.set([0, 0, 1, 0x65]);
    stream.fill(0x11, 4);
    expect(() => annexBToLengthPrefixed(stream, 1)).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });
});

describe('serializeAvcDecoderConfigurationRecord', () => {
  test('baseline: no extension fields (byte-identical to the avcC FFmpeg muxes for this stream)', () => {
    expect(serializeAvcDecoderConfigurationRecord({ sps: [SPS_BASELINE_322X242], pps: [PPS_BASELINE] })).toEqual(
      hex('01 42c00d ff e1 001a 6742c00dd90150878888c044000003000400000300f03c50a920 01 0005 68cb83cb20'),
    );
  });

  test('high 4:4:4 predictive (244): chroma_format 3 and bit depths (byte-identical to FFmpeg)', () => {
    expect(serializeAvcDecoderConfigurationRecord({ sps: [SPS_HIGH444_318X238], pps: [PPS_HIGH444] })).toEqual(
      hex('01 f4000d ff e1 001a 67f4000d919b28283fdde022000003000200000300781e28532c 01 0006 68ebe3c44844 ff f8 f8 00'),
    );
  });

  test('high: extension with chroma_format 1 and SPS extensions counted', () => {
    const record = serializeAvcDecoderConfigurationRecord({ sps: [SPS_HIGH_1280X720], pps: [PPS_HIGH444], spsExt: [hex('6d01')] });
    expect(record.subarray(record.length - 8)).toEqual(hex('fd f8 f8 01 0002 6d01'));
  });

  const invalid = [
    { name: 'no SPS', config: { sps: [], pps: [PPS_BASELINE] } },
    { name: 'an empty PPS', config: { sps: [SPS_BASELINE_322X242], pps: [hex('')] } },
    { name: 'a PPS in place of the SPS', config: { sps: [PPS_BASELINE], pps: [PPS_BASELINE] } },
  ];
  test.each(invalid)('throws CODEC_MALFORMED for $name', ({ config }) => {
    expect(() => serializeAvcDecoderConfigurationRecord(config)).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });
});
