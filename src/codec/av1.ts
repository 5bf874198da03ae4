/**
 * AV1 bitstream helpers (AV1 Bitstream & Decoding Process Specification):
 * - §4.10.5 leb128(), §4.10.3 uvlc()
 * - §5.3 OBU syntax, low overhead bitstream format (§5.2):
 *       obu_forbidden_bit f(1) | obu_type f(4) | obu_extension_flag f(1) | obu_has_size_field f(1)
 *       | obu_reserved_1bit f(1)
 *       [extension: temporal_id f(3) | spatial_id f(2) | extension_header_reserved_3bits f(3)]
 *       [obu_size leb128() when obu_has_size_field]
 * - §5.5 sequence_header_obu() with timing_info() §5.5.3, decoder_model_info() §5.5.4,
 *   operating_parameters_info() §5.5.5 and color_config() §5.5.2.
 * - av1C: AV1 Codec ISO Media File Format Binding §2.3 AV1CodecConfigurationRecord.
 */
import { BitReader } from '../shared/bit-reader.js';
import { RepriseError } from '../shared/errors.js';

export enum Av1ObuType {
  SequenceHeader = 1,
  TemporalDelimiter = 2,
  FrameHeader = 3,
  TileGroup = 4,
  Metadata = 5,
  Frame = 6,
  RedundantFrameHeader = 7,
  TileList = 8,
  Padding = 15,
}

const malformed = (message: string, details: Record<string, number> = {}): RepriseError =>
  new RepriseError('CODEC_MALFORMED', `AV1: ${message}`, { details });

/** leb128() is at most 8 bytes and, for a conforming stream, at most 2^32 - 1. */
const LEB128_MAX_BYTES = 8;
const LEB128_MAX_VALUE = 2 ** 32 - 1;

/** Reads leb128() at `offset`. Throws CODEC_MALFORMED when truncated, longer than 8 bytes or ≥ 2^32. */
export const readLeb128 = (bytes: Uint8Array, offset: number): { value: number; length: number } => {
  let value = 0;
  for (let i = 0; i < LEB128_MAX_BYTES; i++) {
    const byte = bytes[offset + i];
    if (byte === undefined) {
      throw malformed('leb128 runs past the end of the data', { offset });
    }
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (value > LEB128_MAX_VALUE) {
        throw malformed('leb128 value exceeds 2^32 - 1', { offset });
      }
      return { value, length: i + 1 };
    }
  }
  throw malformed('leb128 longer than 8 bytes', { offset });
};

/** Encodes a value 0..2^32-1 as the shortest leb128(). */
export const writeLeb128 = (value: number): Uint8Array => {
  if (!Number.isInteger(value) || value < 0 || value > LEB128_MAX_VALUE) {
    throw malformed('leb128 value must be an integer in 0..2^32-1', { value });
  }
  const out: number[] = [];
  let rest = value;
  do {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    out.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  return Uint8Array.from(out);
};

export type Av1ObuHeader = {
  type: number;
  hasExtension: boolean;
  hasSizeField: boolean;
  temporalId?: number;
  spatialId?: number;
  /** 1 or 2 bytes. */
  headerLength: number;
};

/** Parses the OBU header at `offset` (§5.3.2, §5.3.3). Throws CODEC_MALFORMED when truncated or the forbidden bit is set. */
export const parseAv1ObuHeader = (bytes: Uint8Array, offset = 0): Av1ObuHeader => {
  const first = bytes[offset];
  if (first === undefined) {
    throw malformed('OBU header past the end of the data', { offset });
  }
  if ((first & 0x80) !== 0) {
    throw malformed('obu_forbidden_bit is set', { offset });
  }
  const header: Av1ObuHeader = {
    type: (first >>> 3) & 0x0f,
    hasExtension: (first & 0x04) !== 0,
    hasSizeField: (first & 0x02) !== 0,
    headerLength: 1,
  };
  if (header.hasExtension) {
    const extension = bytes[offset + 1];
    if (extension === undefined) {
      throw malformed('OBU extension header past the end of the data', { offset });
    }
    header.temporalId = extension >>> 5;
    header.spatialId = (extension >>> 3) & 0b11;
    header.headerLength = 2;
  }
  return header;
};

export type Av1ObuLocation = Av1ObuHeader & {
  /** Start of the OBU header. */
  offset: number;
  /** Header, size field and payload. */
  totalLength: number;
  payloadOffset: number;
  payloadLength: number;
};

/**
 * Yields the OBUs of a low overhead bitstream (§5.2). An OBU without obu_has_size_field extends to
 * the end of the data, as the format allows for the last OBU. Throws CODEC_MALFORMED when a size
 * runs past the end.
 */
export function* iterateObus(bytes: Uint8Array): Generator<Av1ObuLocation> {
  let offset = 0;
  while (offset < bytes.length) {
    const header = parseAv1ObuHeader(bytes, offset);
    let payloadOffset = offset + header.headerLength;
    let payloadLength: number;
    if (header.hasSizeField) {
      const size = readLeb128(bytes, payloadOffset);
      payloadOffset += size.length;
      payloadLength = size.value;
    } else {
      payloadLength = bytes.length - payloadOffset;
    }
    if (payloadOffset + payloadLength > bytes.length || payloadLength < 0) {
      throw malformed('obu_size runs past the end of the data', { offset, payloadLength });
    }
    yield { ...header, offset, totalLength: payloadOffset + payloadLength - offset, payloadOffset, payloadLength };
    offset = payloadOffset + payloadLength;
  }
}

export type Av1OperatingPoint = {
  idc: number;
  seqLevelIdx: number;
  seqTier: number;
  decoderModelPresent: boolean;
  initialDisplayDelayPresent: boolean;
  initialDisplayDelayMinus1?: number;
};

export type Av1SequenceHeader = {
  seqProfile: number;
  stillPicture: boolean;
  reducedStillPictureHeader: boolean;
  timingInfo?: {
    numUnitsInDisplayTick: number;
    timeScale: number;
    equalPictureInterval: boolean;
    numTicksPerPicture?: number;
  };
  decoderModelInfo?: {
    bufferDelayLengthMinus1: number;
    numUnitsInDecodingTick: number;
    bufferRemovalTimeLengthMinus1: number;
    framePresentationTimeLengthMinus1: number;
  };
  initialDisplayDelayPresent: boolean;
  operatingPoints: Av1OperatingPoint[];
  frameWidthBits: number;
  frameHeightBits: number;
  maxFrameWidth: number;
  maxFrameHeight: number;
  frameIdNumbersPresent: boolean;
  use128x128Superblock: boolean;
  enableOrderHint: boolean;
  orderHintBits: number;
  enableSuperres: boolean;
  enableCdef: boolean;
  enableRestoration: boolean;
  highBitdepth: boolean;
  twelveBit: boolean;
  bitDepth: number;
  monochrome: boolean;
  colorPrimaries: number;
  transferCharacteristics: number;
  matrixCoefficients: number;
  colorRange: number;
  chromaSubsamplingX: number;
  chromaSubsamplingY: number;
  chromaSamplePosition: number;
  separateUvDeltaQ: boolean;
  filmGrainParamsPresent: boolean;
};

/** uvlc() (§4.10.3); the BitReader bounds the loop. */
const readUvlc = (reader: BitReader): number => {
  let leadingZeros = 0;
  while (reader.readBit() === 0) {
    leadingZeros++;
  }
  if (leadingZeros >= 32) {
    return LEB128_MAX_VALUE;
  }
  return reader.readBits(leadingZeros) + 2 ** leadingZeros - 1;
};

const SELECT_SCREEN_CONTENT_TOOLS = 2;
const CP_BT_709 = 1;
const TC_SRGB = 13;
const MC_IDENTITY = 0;
const UNSPECIFIED = 2;

type TimingAndOperatingPoints = Pick<
  Av1SequenceHeader,
  'timingInfo' | 'decoderModelInfo' | 'initialDisplayDelayPresent' | 'operatingPoints'
>;

const readOperatingPoints = (reader: BitReader): TimingAndOperatingPoints => {
  const result: TimingAndOperatingPoints = { initialDisplayDelayPresent: false, operatingPoints: [] };
  if (reader.readBit() === 1) {
    const numUnitsInDisplayTick = reader.readBits(32);
    const timeScale = reader.readBits(32);
    const equalPictureInterval = reader.readBit() === 1;
    result.timingInfo = { numUnitsInDisplayTick, timeScale, equalPictureInterval };
    if (equalPictureInterval) {
      result.timingInfo.numTicksPerPicture = readUvlc(reader) + 1;
    }
    if (reader.readBit() === 1) {
      result.decoderModelInfo = {
        bufferDelayLengthMinus1: reader.readBits(5),
        numUnitsInDecodingTick: reader.readBits(32),
        bufferRemovalTimeLengthMinus1: reader.readBits(5),
        framePresentationTimeLengthMinus1: reader.readBits(5),
      };
    }
  }
  result.initialDisplayDelayPresent = reader.readBit() === 1;
  const count = reader.readBits(5) + 1;
  for (let i = 0; i < count; i++) {
    const idc = reader.readBits(12);
    const seqLevelIdx = reader.readBits(5);
    const seqTier = seqLevelIdx > 7 ? reader.readBit() : 0;
    let decoderModelPresent = false;
    if (result.decoderModelInfo !== undefined) {
      decoderModelPresent = reader.readBit() === 1;
      if (decoderModelPresent) {
        // operating_parameters_info(): decoder_buffer_delay, encoder_buffer_delay, low_delay_mode_flag
        const n = result.decoderModelInfo.bufferDelayLengthMinus1 + 1;
        reader.skipBits(2 * n + 1);
      }
    }
    const point: Av1OperatingPoint = { idc, seqLevelIdx, seqTier, decoderModelPresent, initialDisplayDelayPresent: false };
    if (result.initialDisplayDelayPresent && reader.readBit() === 1) {
      point.initialDisplayDelayPresent = true;
      point.initialDisplayDelayMinus1 = reader.readBits(4);
    }
    result.operatingPoints.push(point);
  }
  return result;
};

type ColorConfig = Pick<
  Av1SequenceHeader,
  | 'highBitdepth'
  | 'twelveBit'
  | 'bitDepth'
  | 'monochrome'
  | 'colorPrimaries'
  | 'transferCharacteristics'
  | 'matrixCoefficients'
  | 'colorRange'
  | 'chromaSubsamplingX'
  | 'chromaSubsamplingY'
  | 'chromaSamplePosition'
  | 'separateUvDeltaQ'
>;

const readColorConfig = (reader: BitReader, seqProfile: number): ColorConfig => {
  const highBitdepth = reader.readBit() === 1;
  const twelveBit = seqProfile === 2 && highBitdepth && reader.readBit() === 1;
  const bitDepth = twelveBit ? 12 : highBitdepth ? 10 : 8;
  const monochrome = seqProfile === 1 ? false : reader.readBit() === 1;
  let colorPrimaries = UNSPECIFIED;
  let transferCharacteristics = UNSPECIFIED;
  let matrixCoefficients = UNSPECIFIED;
  if (reader.readBit() === 1) {
    colorPrimaries = reader.readBits(8);
    transferCharacteristics = reader.readBits(8);
    matrixCoefficients = reader.readBits(8);
  }
  const base = { highBitdepth, twelveBit, bitDepth, monochrome, colorPrimaries, transferCharacteristics, matrixCoefficients };
  if (monochrome) {
    const colorRange = reader.readBit();
    return { ...base, colorRange, chromaSubsamplingX: 1, chromaSubsamplingY: 1, chromaSamplePosition: 0, separateUvDeltaQ: false };
  }
  let colorRange = 1;
  let chromaSubsamplingX = 0;
  let chromaSubsamplingY = 0;
  let chromaSamplePosition = 0;
  if (!(colorPrimaries === CP_BT_709 && transferCharacteristics === TC_SRGB && matrixCoefficients === MC_IDENTITY)) {
    colorRange = reader.readBit();
    if (seqProfile === 0) {
      chromaSubsamplingX = 1;
      chromaSubsamplingY = 1;
    } else if (seqProfile === 2) {
      if (bitDepth === 12) {
        chromaSubsamplingX = reader.readBit();
        chromaSubsamplingY = chromaSubsamplingX === 1 ? reader.readBit() : 0;
      } else {
        chromaSubsamplingX = 1;
      }
    }
    if (chromaSubsamplingX === 1 && chromaSubsamplingY === 1) {
      chromaSamplePosition = reader.readBits(2);
    }
  }
  const separateUvDeltaQ = reader.readBit() === 1;
  return { ...base, colorRange, chromaSubsamplingX, chromaSubsamplingY, chromaSamplePosition, separateUvDeltaQ };
};

type CodingTools = Pick<Av1SequenceHeader, 'frameIdNumbersPresent' | 'use128x128Superblock' | 'enableOrderHint' | 'orderHintBits'>;

const readCodingTools = (reader: BitReader, reduced: boolean): CodingTools => {
  const frameIdNumbersPresent = !reduced && reader.readBit() === 1;
  if (frameIdNumbersPresent) {
    reader.skipBits(4 + 3); // delta_frame_id_length_minus_2, additional_frame_id_length_minus_1
  }
  const use128x128Superblock = reader.readBit() === 1;
  reader.skipBits(2); // enable_filter_intra, enable_intra_edge_filter
  if (reduced) {
    return { frameIdNumbersPresent, use128x128Superblock, enableOrderHint: false, orderHintBits: 0 };
  }
  // enable_interintra_compound, enable_masked_compound, enable_warped_motion, enable_dual_filter
  reader.skipBits(4);
  const enableOrderHint = reader.readBit() === 1;
  if (enableOrderHint) {
    reader.skipBits(2); // enable_jnt_comp, enable_ref_frame_mvs
  }
  let forceScreenContentTools = SELECT_SCREEN_CONTENT_TOOLS;
  if (reader.readBit() === 0) {
    forceScreenContentTools = reader.readBit(); // seq_force_screen_content_tools
  }
  if (forceScreenContentTools > 0 && reader.readBit() === 0) {
    reader.skipBits(1); // seq_force_integer_mv
  }
  const orderHintBits = enableOrderHint ? reader.readBits(3) + 1 : 0;
  return { frameIdNumbersPresent, use128x128Superblock, enableOrderHint, orderHintBits };
};

/**
 * Parses a sequence_header_obu() payload (after the OBU header and size). Throws CODEC_MALFORMED
 * when truncated or when seq_profile is a reserved value (> 2).
 */
export const parseAv1SequenceHeader = (obuPayload: Uint8Array): Av1SequenceHeader => {
  const reader = new BitReader(obuPayload);
  const seqProfile = reader.readBits(3);
  if (seqProfile > 2) {
    throw malformed('reserved seq_profile', { seqProfile });
  }
  const stillPicture = reader.readBit() === 1;
  const reducedStillPictureHeader = reader.readBit() === 1;
  let points: TimingAndOperatingPoints;
  if (reducedStillPictureHeader) {
    const seqLevelIdx = reader.readBits(5);
    points = {
      initialDisplayDelayPresent: false,
      operatingPoints: [{ idc: 0, seqLevelIdx, seqTier: 0, decoderModelPresent: false, initialDisplayDelayPresent: false }],
    };
  } else {
    points = readOperatingPoints(reader);
  }
  const frameWidthBits = reader.readBits(4) + 1;
  const frameHeightBits = reader.readBits(4) + 1;
  const maxFrameWidth = reader.readBits(frameWidthBits) + 1;
  const maxFrameHeight = reader.readBits(frameHeightBits) + 1;
  const tools = readCodingTools(reader, reducedStillPictureHeader);
  const enableSuperres = reader.readBit() === 1;
  const enableCdef = reader.readBit() === 1;
  const enableRestoration = reader.readBit() === 1;
  const color = readColorConfig(reader, seqProfile);
  const filmGrainParamsPresent = reader.readBit() === 1;
  return {
    seqProfile,
    stillPicture,
    reducedStillPictureHeader,
    ...points,
    frameWidthBits,
    frameHeightBits,
    maxFrameWidth,
    maxFrameHeight,
    ...tools,
    enableSuperres,
    enableCdef,
    enableRestoration,
    ...color,
    filmGrainParamsPresent,
  };
};

/**
 * Builds an AV1CodecConfigurationRecord (the body of an `av1C` box, AV1-ISOBMFF §2.3) from a
 * sequence header OBU (header included, with or without obu_size). The OBU is copied into
 * configOBUs with obu_has_size_field set, as the binding requires of OBUs stored in the file.
 * initial_presentation_delay is not signalled (it is about the file's samples, which this
 * function does not see).
 *
 *     marker(1)=1 version(7)=1 | seq_profile(3) seq_level_idx_0(5)
 *     | seq_tier_0(1) high_bitdepth(1) twelve_bit(1) monochrome(1) chroma_subsampling_x(1)
 *       chroma_subsampling_y(1) chroma_sample_position(2)
 *     | reserved(3)=0 initial_presentation_delay_present(1)=0 reserved(4)=0 | configOBUs
 */
export const serializeAv1CodecConfigurationRecord = (seqHeaderObu: Uint8Array): Uint8Array => {
  const obu = iterateObus(seqHeaderObu).next();
  if (obu.done === true || obu.value.type !== Av1ObuType.SequenceHeader) {
    throw malformed('av1C needs a sequence header OBU');
  }
  const { headerLength, payloadOffset, payloadLength, offset } = obu.value;
  const payload = seqHeaderObu.subarray(payloadOffset, payloadOffset + payloadLength);
  const info = parseAv1SequenceHeader(payload);
  const operatingPoint = info.operatingPoints[0]!;
  const size = writeLeb128(payloadLength);
  const out = new Uint8Array(4 + headerLength + size.length + payloadLength);
  out[0] = 0x81;
  out[1] = (info.seqProfile << 5) | operatingPoint.seqLevelIdx;
  out[2] =
    (operatingPoint.seqTier << 7) |
    (Number(info.highBitdepth) << 6) |
    (Number(info.twelveBit) << 5) |
    (Number(info.monochrome) << 4) |
    (info.chromaSubsamplingX << 3) |
    (info.chromaSubsamplingY << 2) |
    info.chromaSamplePosition;
  out[3] = 0;
  out.set(seqHeaderObu.subarray(offset, offset + headerLength), 4);
  out[4] = out[4]! | 0x02;
  out.set(size, 4 + headerLength);
  out.set(payload, 4 + headerLength + size.length);
  return out;
};
