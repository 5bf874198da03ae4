import { describe, expect, test } from 'vitest';
import {
  Av1ObuType,
  iterateObus,
  parseAv1ObuHeader,
  parseAv1SequenceHeader,
  readLeb128,
  serializeAv1CodecConfigurationRecord,
  writeLeb128,
} from './av1.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

// Real: the first OBUs of `ffmpeg -f lavfi -i testsrc=size=320x180 -c:v libaom-av1 -f obu`:
// temporal delimiter, sequence header (11 bytes), then the head of a 1184-byte frame OBU.
const LIBAOM_TU_HEAD = hex('1200 0a0b000000043cfeccdaf90040 32a009 1400a27010b45df1');
const LIBAOM_SEQUENCE_HEADER_OBU = hex('0a0b000000043cfeccdaf90040');

describe('leb128', () => {
  const cases = [
    { name: 'one byte', bytes: hex('05'), value: 5 }, // invented
    { name: 'two bytes (the 1184-byte frame OBU size)', bytes: hex('a009'), value: 1184 }, // real
    { name: 'the largest value, 2^32 - 1', bytes: hex('ffffffff0f'), value: 2 ** 32 - 1 }, // invented
  ];
  test.each(cases)('reads and writes $name', ({ bytes, value }) => {
    expect(readLeb128(bytes, 0)).toEqual({ value, length: bytes.length });
    expect(writeLeb128(value)).toEqual(bytes);
  });

  test('accepts a padded encoding (8 bytes)', () => {
    expect(readLeb128(hex('8180808080808000'), 0)).toEqual({ value: 1, length: 8 });
  });

  const invalid = [
    { name: 'truncated', bytes: hex('80') }, // invented
    { name: 'longer than 8 bytes', bytes: hex('808080808080808001') }, // invented
    { name: 'above 2^32 - 1', bytes: hex('8080808010') }, // invented: 2^32
  ];
  test.each(invalid)('throws CODEC_MALFORMED when $name', ({ bytes }) => {
    expect(() => readLeb128(bytes, 0)).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });

  test('refuses to write negative or fractional values', () => {
    expect(() => writeLeb128(-1)).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
    expect(() => writeLeb128(1.5)).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });
});

describe('OBU headers and iteration', () => {
  test('reads an extension header with temporal and spatial ids', () => {
    // Invented: FRAME OBU with extension, temporal_id 2, spatial_id 1 (0b010_01_000).
    expect(parseAv1ObuHeader(hex('3648'))).toEqual({
      type: Av1ObuType.Frame,
      hasExtension: true,
      hasSizeField: true,
      temporalId: 2,
      spatialId: 1,
      headerLength: 2,
    });
  });

  test('rejects the forbidden bit', () => {
    expect(() => parseAv1ObuHeader(hex('92'))).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });

  test('walks a real temporal unit until a size runs past the data', () => {
    const obus = iterateObus(LIBAOM_TU_HEAD);
    expect(obus.next().value).toMatchObject({ type: Av1ObuType.TemporalDelimiter, offset: 0, payloadLength: 0, totalLength: 2 });
    expect(obus.next().value).toMatchObject({ type: Av1ObuType.SequenceHeader, offset: 2, payloadOffset: 4, payloadLength: 11 });
    // The frame OBU says 1184 bytes but only its head is here.
    expect(() => obus.next()).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });

  test('lets the last OBU run to the end when it has no size field', () => {
    // Invented: TD with size, then a FRAME OBU without obu_size.
    expect([...iterateObus(hex('1200 30 1400a2'))]).toEqual([
      expect.objectContaining({ type: Av1ObuType.TemporalDelimiter, payloadLength: 0 }),
      expect.objectContaining({ type: Av1ObuType.Frame, hasSizeField: false, payloadOffset: 3, payloadLength: 3 }),
    ]);
  });
});

describe('parseAv1SequenceHeader', () => {
  const cases = [
    {
      // Real: libaom 320x180 4:2:0 8-bit (the OBU above).
      name: 'libaom main profile 320x180',
      payload: LIBAOM_SEQUENCE_HEADER_OBU.subarray(2),
      expected: {
        seqProfile: 0,
        reducedStillPictureHeader: false,
        operatingPoints: [{ idc: 0, seqLevelIdx: 0, seqTier: 0, decoderModelPresent: false, initialDisplayDelayPresent: false }],
        frameWidthBits: 9,
        frameHeightBits: 8,
        maxFrameWidth: 320,
        maxFrameHeight: 180,
        enableOrderHint: true,
        orderHintBits: 7,
        bitDepth: 8,
        monochrome: false,
        chromaSubsamplingX: 1,
        chromaSubsamplingY: 1,
        filmGrainParamsPresent: false,
      },
    },
    {
      // Real: libaom with -pix_fmt yuv444p at 176x144 (profile 1: no mono_chrome bit, 4:4:4).
      name: 'high profile 4:4:4',
      payload: hex('20000003bd7c79b5f204'),
      expected: { seqProfile: 1, maxFrameWidth: 176, maxFrameHeight: 144, bitDepth: 8, chromaSubsamplingX: 0, chromaSubsamplingY: 0 },
    },
    {
      // Real: libaom with -pix_fmt yuv420p10le at 176x144.
      name: 'main profile 10-bit',
      payload: hex('00000003bd7c79b5f28080'),
      expected: { seqProfile: 0, highBitdepth: true, twelveBit: false, bitDepth: 10, maxFrameWidth: 176 },
    },
    {
      // Real: libaom with -pix_fmt gray at 176x144 (monochrome returns early from color_config).
      name: 'monochrome',
      payload: hex('00000003bd7c79b5f254'),
      expected: { monochrome: true, colorRange: 1, chromaSubsamplingX: 1, chromaSubsamplingY: 1, separateUvDeltaQ: false },
    },
    {
      // Invented, and checked field by field with FFmpeg's trace_headers bitstream filter (trailing bits
      // land where expected): timing_info with equal_picture_interval, decoder_model_info, two operating
      // points (the first with tier, decoder model and display delay), 11-bit 1920x1080, frame ids,
      // forced screen content tools, 10-bit BT.709 full range, film grain.
      name: 'timing info, decoder model and two operating points',
      payload: hex('0400000fa40003a983a400000fa4848440d1a58643220242abbfc37aa7fd73a020203580'),
      expected: {
        timingInfo: { numUnitsInDisplayTick: 1001, timeScale: 60000, equalPictureInterval: true, numTicksPerPicture: 1 },
        decoderModelInfo: {
          bufferDelayLengthMinus1: 9,
          numUnitsInDecodingTick: 1001,
          bufferRemovalTimeLengthMinus1: 4,
          framePresentationTimeLengthMinus1: 4,
        },
        initialDisplayDelayPresent: true,
        operatingPoints: [
          { idc: 0x103, seqLevelIdx: 8, seqTier: 1, decoderModelPresent: true, initialDisplayDelayPresent: true, initialDisplayDelayMinus1: 9 },
          { idc: 0x101, seqLevelIdx: 4, seqTier: 0, decoderModelPresent: false, initialDisplayDelayPresent: false },
        ],
        frameWidthBits: 11,
        maxFrameWidth: 1920,
        maxFrameHeight: 1080,
        frameIdNumbersPresent: true,
        orderHintBits: 7,
        enableRestoration: true,
        bitDepth: 10,
        colorPrimaries: 1,
        transferCharacteristics: 1,
        matrixCoefficients: 1,
        colorRange: 1,
        chromaSamplePosition: 1,
        filmGrainParamsPresent: true,
      },
    },
    {
      // Invented: reduced_still_picture_header, level 31, 6-bit sizes 64x48, 8-bit 4:2:0.
      // 000 1 1 11111 | 0101 0101 | 111111 101111 | 0 1 1 | 0 1 1 | 0 0 0 0 00 0 | 0 | 1
      name: 'reduced still picture header',
      payload: hex('1fd57fbdb008'),
      expected: {
        stillPicture: true,
        reducedStillPictureHeader: true,
        operatingPoints: [{ idc: 0, seqLevelIdx: 31, seqTier: 0, decoderModelPresent: false, initialDisplayDelayPresent: false }],
        maxFrameWidth: 64,
        maxFrameHeight: 48,
        enableOrderHint: false,
        orderHintBits: 0,
      },
    },
  ];
  test.each(cases)('$name', ({ payload, expected }) => {
    expect(parseAv1SequenceHeader(payload)).toMatchObject(expected);
  });

  const invalid = [
    { name: 'a truncated header', payload: hex('000000043cfe') }, // invented: real header cut short
    { name: 'a reserved profile', payload: hex('e0000000') }, // invented: seq_profile 7
    { name: 'an empty payload', payload: hex('') }, // invented
  ];
  test.each(invalid)('throws CODEC_MALFORMED for $name', ({ payload }) => {
    expect(() => parseAv1SequenceHeader(payload)).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });
});

describe('serializeAv1CodecConfigurationRecord', () => {
  test('matches the av1C FFmpeg writes for the same stream', () => {
    expect(serializeAv1CodecConfigurationRecord(LIBAOM_SEQUENCE_HEADER_OBU)).toEqual(hex('81 00 0c 00 0a0b000000043cfeccdaf90040'));
  });

  test('adds obu_size to a sequence header OBU sent without one (as in RTP)', () => {
    expect(serializeAv1CodecConfigurationRecord(hex('08 000000043cfeccdaf90040'))).toEqual(hex('81 00 0c 00 0a0b000000043cfeccdaf90040'));
  });

  test('carries profile, level, tier, bit depth and chroma of operating point 0', () => {
    const payload = hex('0400000fa40003a983a400000fa4848440d1a58643220242abbfc37aa7fd73a020203580');
    const record = serializeAv1CodecConfigurationRecord(Uint8Array.from([0x0a, payload.length, ...payload]));
    // 000 01000 | 1 1 0 0 1 1 01 | 0
    expect(record.subarray(0, 4)).toEqual(hex('81 08 cd 00'));
  });

  test('refuses an OBU that is not a sequence header', () => {
    expect(() => serializeAv1CodecConfigurationRecord(hex('1200'))).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });
});
