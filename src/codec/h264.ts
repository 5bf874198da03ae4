/**
 * H.264 bitstream helpers.
 *
 * - NAL unit header and types: ITU-T H.264 §7.3.1 / Table 7-1:
 *       forbidden_zero_bit f(1) | nal_ref_idc u(2) | nal_unit_type u(5)
 * - Emulation prevention: §7.4.1 (0x000003 inside a NAL unit; the 0x03 is dropped).
 * - Byte stream format (start codes 00 00 01 / 00 00 00 01): Annex B.
 * - Sequence parameter set: §7.3.2.1.1, scaling_list(): §7.3.2.1.1.1, cropping: §7.4.2.1.1
 *   (CropUnitX/CropUnitY from ChromaArrayType, Table 6-1 SubWidthC/SubHeightC).
 * - avcC: ISO/IEC 14496-15 §5.3.3.1 AVCDecoderConfigurationRecord.
 */
import { BitReader } from '../shared/bit-reader.js';
import { RepriseError } from '../shared/errors.js';

export enum AvcNalUnitType {
  NonIdrSlice = 1,
  SliceDataPartitionA = 2,
  SliceDataPartitionB = 3,
  SliceDataPartitionC = 4,
  IdrSlice = 5,
  Sei = 6,
  Sps = 7,
  Pps = 8,
  AccessUnitDelimiter = 9,
  EndOfSequence = 10,
  EndOfStream = 11,
  FillerData = 12,
  SpsExtension = 13,
  PrefixNalUnit = 14,
  SubsetSps = 15,
  DepthParameterSet = 16,
  AuxiliarySlice = 19,
  SliceExtension = 20,
  SliceExtensionDepth = 21,
}

export type NalUnitLocation = { offset: number; length: number };

const malformed = (message: string, details?: Record<string, number>): RepriseError =>
  new RepriseError('CODEC_MALFORMED', `H.264: ${message}`, details === undefined ? {} : { details });

export const getAvcNalUnitType = (nalHeader: number): number => nalHeader & 0x1f;

/**
 * Yields the NAL units of an Annex B byte stream (without start codes and without the trailing
 * zero bytes before the next start code; a NAL unit never ends in 0x00). Bytes before the first
 * start code are ignored; empty NAL units are skipped. Never copies.
 */
export function* iterateNalUnitsInAnnexB(bytes: Uint8Array): Generator<NalUnitLocation> {
  let start = -1;
  let i = 0;
  while (i + 2 < bytes.length) {
    if (bytes[i + 2]! > 1) {
      i += 3;
    } else if (bytes[i] === 0 && bytes[i + 1] === 0 && bytes[i + 2] === 1) {
      if (start >= 0) {
        yield* trimmed(bytes, start, i);
      }
      i += 3;
      start = i;
    } else {
      i++;
    }
  }
  if (start >= 0) {
    yield* trimmed(bytes, start, bytes.length);
  }
}

function* trimmed(bytes: Uint8Array, start: number, end: number): Generator<NalUnitLocation> {
  let last = end;
  while (last > start && bytes[last - 1] === 0) {
    last--;
  }
  if (last > start) {
    yield { offset: start, length: last - start };
  }
}

/** Returns a copy of the NAL unit with every emulation_prevention_three_byte removed (RBSP). */
export const removeEmulationPrevention = (nalUnit: Uint8Array): Uint8Array => {
  const out = new Uint8Array(nalUnit.length);
  let length = 0;
  let zeros = 0;
  for (const byte of nalUnit) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    out[length++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return out.slice(0, length);
};

export type AvcSps = {
  profileIdc: number;
  /** The byte after profile_idc: constraint_set0..5 flags and reserved_zero_2bits (MSB = set0). */
  constraintFlags: number;
  levelIdc: number;
  spsId: number;
  chromaFormatIdc: number;
  separateColourPlane: boolean;
  bitDepthLuma: number;
  bitDepthChroma: number;
  scalingMatrixPresent: boolean;
  log2MaxFrameNum: number;
  pocType: number;
  /** pic_order_cnt_type 0 only. */
  log2MaxPocLsb?: number;
  maxNumRefFrames: number;
  frameMbsOnly: boolean;
  /** Before cropping. */
  codedWidth: number;
  codedHeight: number;
  crop: { left: number; right: number; top: number; bottom: number };
  /** Display size: coded size minus cropping, in luma samples. */
  width: number;
  height: number;
  vuiParametersPresent: boolean;
};

/** Profiles whose SPS carries chroma_format_idc, bit depths and scaling lists (§7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

const readScalingList = (reader: BitReader, size: number): void => {
  let lastScale = 8;
  let nextScale = 8;
  for (let j = 0; j < size; j++) {
    if (nextScale !== 0) {
      const deltaScale = reader.readSe();
      if (deltaScale < -128 || deltaScale > 127) {
        throw malformed('delta_scale out of range', { deltaScale });
      }
      nextScale = (lastScale + deltaScale + 256) % 256;
    }
    lastScale = nextScale === 0 ? lastScale : nextScale;
  }
};

const checkedUe = (reader: BitReader, name: string, max: number): number => {
  const value = reader.readUe();
  if (value > max) {
    throw malformed(`${name} = ${value} exceeds ${max}`);
  }
  return value;
};

type ChromaInfo = Pick<
  AvcSps,
  'chromaFormatIdc' | 'separateColourPlane' | 'bitDepthLuma' | 'bitDepthChroma' | 'scalingMatrixPresent'
>;

const readChromaInfo = (reader: BitReader, profileIdc: number): ChromaInfo => {
  if (!HIGH_PROFILES.has(profileIdc)) {
    return { chromaFormatIdc: 1, separateColourPlane: false, bitDepthLuma: 8, bitDepthChroma: 8, scalingMatrixPresent: false };
  }
  const chromaFormatIdc = checkedUe(reader, 'chroma_format_idc', 3);
  const separateColourPlane = chromaFormatIdc === 3 && reader.readBit() === 1;
  const bitDepthLuma = checkedUe(reader, 'bit_depth_luma_minus8', 6) + 8;
  const bitDepthChroma = checkedUe(reader, 'bit_depth_chroma_minus8', 6) + 8;
  reader.skipBits(1); // qpprime_y_zero_transform_bypass_flag
  const scalingMatrixPresent = reader.readBit() === 1;
  if (scalingMatrixPresent) {
    const listCount = chromaFormatIdc === 3 ? 12 : 8;
    for (let i = 0; i < listCount; i++) {
      if (reader.readBit() === 1) {
        readScalingList(reader, i < 6 ? 16 : 64);
      }
    }
  }
  return { chromaFormatIdc, separateColourPlane, bitDepthLuma, bitDepthChroma, scalingMatrixPresent };
};

const skipPocType1 = (reader: BitReader): void => {
  reader.skipBits(1); // delta_pic_order_always_zero_flag
  reader.readSe(); // offset_for_non_ref_pic
  reader.readSe(); // offset_for_top_to_bottom_field
  const cycle = checkedUe(reader, 'num_ref_frames_in_pic_order_cnt_cycle', 255);
  for (let i = 0; i < cycle; i++) {
    reader.readSe(); // offset_for_ref_frame[i]
  }
};

/**
 * Parses a sequence parameter set NAL unit (header byte included, emulation prevention bytes
 * allowed) up to vui_parameters_present_flag. Throws CODEC_MALFORMED on anything that is not a
 * well-formed SPS.
 */
export const parseAvcSps = (nalUnit: Uint8Array): AvcSps => {
  const header = nalUnit[0];
  if (header === undefined || getAvcNalUnitType(header) !== AvcNalUnitType.Sps) {
    throw malformed('not an SPS NAL unit', { nalType: header === undefined ? -1 : getAvcNalUnitType(header) });
  }
  const reader = new BitReader(removeEmulationPrevention(nalUnit), 1);
  const profileIdc = reader.readBits(8);
  const constraintFlags = reader.readBits(8);
  const levelIdc = reader.readBits(8);
  const spsId = checkedUe(reader, 'seq_parameter_set_id', 31);
  const chroma = readChromaInfo(reader, profileIdc);
  const log2MaxFrameNum = checkedUe(reader, 'log2_max_frame_num_minus4', 12) + 4;
  const pocType = checkedUe(reader, 'pic_order_cnt_type', 2);
  let log2MaxPocLsb: number | undefined;
  if (pocType === 0) {
    log2MaxPocLsb = checkedUe(reader, 'log2_max_pic_order_cnt_lsb_minus4', 12) + 4;
  } else if (pocType === 1) {
    skipPocType1(reader);
  }
  const maxNumRefFrames = reader.readUe();
  reader.skipBits(1); // gaps_in_frame_num_value_allowed_flag
  const widthInMbs = reader.readUe() + 1;
  const heightInMapUnits = reader.readUe() + 1;
  const frameMbsOnly = reader.readBit() === 1;
  if (!frameMbsOnly) {
    reader.skipBits(1); // mb_adaptive_frame_field_flag
  }
  reader.skipBits(1); // direct_8x8_inference_flag
  const crop = { left: 0, right: 0, top: 0, bottom: 0 };
  if (reader.readBit() === 1) {
    crop.left = reader.readUe();
    crop.right = reader.readUe();
    crop.top = reader.readUe();
    crop.bottom = reader.readUe();
  }
  const vuiParametersPresent = reader.readBit() === 1;

  // §7.4.2.1.1: ChromaArrayType is 0 for monochrome and for separately coded colour planes.
  const chromaArrayType = chroma.separateColourPlane ? 0 : chroma.chromaFormatIdc;
  const subWidthC = chroma.chromaFormatIdc === 3 ? 1 : 2;
  const subHeightC = chroma.chromaFormatIdc === 1 ? 2 : 1;
  const fieldFactor = frameMbsOnly ? 1 : 2;
  const cropUnitX = chromaArrayType === 0 ? 1 : subWidthC;
  const cropUnitY = (chromaArrayType === 0 ? 1 : subHeightC) * fieldFactor;
  const codedWidth = widthInMbs * 16;
  const codedHeight = heightInMapUnits * 16 * fieldFactor;
  const width = codedWidth - cropUnitX * (crop.left + crop.right);
  const height = codedHeight - cropUnitY * (crop.top + crop.bottom);
  if (width <= 0 || height <= 0) {
    throw malformed('cropping removes the whole picture', { codedWidth, codedHeight, width, height });
  }
  return {
    profileIdc,
    constraintFlags,
    levelIdc,
    spsId,
    ...chroma,
    log2MaxFrameNum,
    pocType,
    ...(log2MaxPocLsb === undefined ? {} : { log2MaxPocLsb }),
    maxNumRefFrames,
    frameMbsOnly,
    codedWidth,
    codedHeight,
    crop,
    width,
    height,
    vuiParametersPresent,
  };
};

/**
 * Builds an AVCDecoderConfigurationRecord (the body of an `avcC` box), ISO/IEC 14496-15
 * §5.3.3.1, with 4-byte NAL unit lengths. Profile, compatibility and level come from the first
 * SPS. The chroma_format / bit depth extension is written when AVCProfileIndication is not 66, 77
 * or 88: that is the 2017 edition's condition, a superset of the older 100/110/122/144 list, and
 * what current readers expect for e.g. High 4:4:4 Predictive (244).
 */
export const serializeAvcDecoderConfigurationRecord = (config: {
  sps: readonly Uint8Array[];
  pps: readonly Uint8Array[];
  spsExt?: readonly Uint8Array[];
}): Uint8Array => {
  const { sps, pps, spsExt = [] } = config;
  const first = sps[0];
  if (first === undefined || sps.length > 31 || pps.length > 255 || spsExt.length > 255) {
    throw malformed('avcC needs 1-31 SPS, at most 255 PPS and 255 SPS extensions', {
      sps: sps.length,
      pps: pps.length,
    });
  }
  for (const unit of [...sps, ...pps, ...spsExt]) {
    if (unit.length === 0 || unit.length > 0xffff) {
      throw malformed('parameter set length must be 1..65535', { length: unit.length });
    }
  }
  const info = parseAvcSps(first);
  const withExtension = ![66, 77, 88].includes(info.profileIdc);
  const parts: number[] = [1, info.profileIdc, info.constraintFlags, info.levelIdc, 0xfc | 3, 0xe0 | sps.length];
  const pushUnits = (units: readonly Uint8Array[]): void => {
    for (const unit of units) {
      parts.push(unit.length >>> 8, unit.length & 0xff);
      for (const byte of unit) {
        parts.push(byte);
      }
    }
  };
  pushUnits(sps);
  parts.push(pps.length);
  pushUnits(pps);
  if (withExtension) {
    parts.push(0xfc | info.chromaFormatIdc, 0xf8 | (info.bitDepthLuma - 8), 0xf8 | (info.bitDepthChroma - 8));
    parts.push(spsExt.length);
    pushUnits(spsExt);
  }
  return Uint8Array.from(parts);
};

/** Annex B → length-prefixed NAL units (lengthSize 1, 2 or 4 bytes, big-endian). */
export const annexBToLengthPrefixed = (bytes: Uint8Array, lengthSize: 1 | 2 | 4 = 4): Uint8Array => {
  const units = [...iterateNalUnitsInAnnexB(bytes)];
  const limit = 2 ** (8 * lengthSize);
  let total = 0;
  for (const unit of units) {
    if (unit.length >= limit) {
      throw malformed(`NAL unit of ${unit.length} bytes does not fit a ${lengthSize}-byte length`);
    }
    total += lengthSize + unit.length;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const unit of units) {
    for (let b = lengthSize - 1; b >= 0; b--) {
      out[offset++] = Math.floor(unit.length / 2 ** (8 * b)) & 0xff;
    }
    out.set(bytes.subarray(unit.offset, unit.offset + unit.length), offset);
    offset += unit.length;
  }
  return out;
};

/** Length-prefixed NAL units → Annex B with 4-byte start codes. Throws CODEC_MALFORMED on a bad length. */
export const lengthPrefixedToAnnexB = (bytes: Uint8Array, lengthSize: 1 | 2 | 4 = 4): Uint8Array => {
  const units: NalUnitLocation[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + lengthSize > bytes.length) {
      throw malformed('truncated NAL unit length', { offset });
    }
    let length = 0;
    for (let b = 0; b < lengthSize; b++) {
      length = length * 256 + bytes[offset + b]!;
    }
    offset += lengthSize;
    if (length === 0 || offset + length > bytes.length) {
      throw malformed('NAL unit length exceeds the data', { offset, length, available: bytes.length - offset });
    }
    units.push({ offset, length });
    offset += length;
  }
  const out = new Uint8Array(units.reduce((sum, unit) => sum + 4 + unit.length, 0));
  let position = 0;
  for (const unit of units) {
    out[position + 3] = 1;
    out.set(bytes.subarray(unit.offset, unit.offset + unit.length), position + 4);
    position += 4 + unit.length;
  }
  return out;
};
