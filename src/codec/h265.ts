/**
 * H.265/HEVC bitstream helpers: parameter set fields that an hvcC record and frame building need.
 *
 * - NAL unit header (ITU-T H.265 §7.3.1.2), two bytes:
 *       forbidden_zero_bit f(1) | nal_unit_type u(6) | nuh_layer_id u(6) | nuh_temporal_id_plus1 u(3)
 * - video_parameter_set_rbsp() §7.3.2.1: vps_video_parameter_set_id u(4) first.
 * - seq_parameter_set_rbsp() §7.3.2.2.1, up to the bit depths:
 *       sps_video_parameter_set_id u(4) | sps_max_sub_layers_minus1 u(3) | sps_temporal_id_nesting_flag u(1)
 *       profile_tier_level(1, sps_max_sub_layers_minus1)
 *       sps_seq_parameter_set_id ue(v) | chroma_format_idc ue(v) | [separate_colour_plane_flag u(1) if 3]
 *       pic_width_in_luma_samples ue(v) | pic_height_in_luma_samples ue(v)
 *       conformance_window_flag u(1) [left, right, top, bottom offsets ue(v)]
 *       bit_depth_luma_minus8 ue(v) | bit_depth_chroma_minus8 ue(v)
 * - profile_tier_level() §7.3.3:
 *       general_profile_space u(2) | general_tier_flag u(1) | general_profile_idc u(5)
 *       general_profile_compatibility_flag[32] | 48 bits of constraint flags | general_level_idc u(8)
 *       sub_layer_profile_present_flag / sub_layer_level_present_flag per sub-layer, reserved_zero_2bits
 *       up to 8, then per sub-layer 88 bits of profile and 8 of level when present.
 * - pic_parameter_set_rbsp() §7.3.2.3.1: pps_pic_parameter_set_id ue(v) | pps_seq_parameter_set_id ue(v).
 * - hvcC: ISO/IEC 14496-15 §8.3.3.1 HEVCDecoderConfigurationRecord.
 */
import { BitReader } from '../shared/bit-reader.js';
import { RepriseError } from '../shared/errors.js';
import { removeEmulationPrevention } from './h264.js';

export enum HevcNalUnitType {
  Vps = 32,
  Sps = 33,
  Pps = 34,
  AccessUnitDelimiter = 35,
  EndOfSequence = 36,
  EndOfBitstream = 37,
  FillerData = 38,
  PrefixSei = 39,
  SuffixSei = 40,
}

export type HevcProfileTierLevel = {
  profileSpace: number;
  tierFlag: number;
  profileIdc: number;
  /** general_profile_compatibility_flag[0..31], flag 0 as the most significant bit. */
  profileCompatibilityFlags: number;
  /** The 48 bits from general_progressive_source_flag on, as 6 bytes. */
  constraintIndicatorFlags: Uint8Array;
  levelIdc: number;
};

export type HevcSps = HevcProfileTierLevel & {
  vpsId: number;
  maxSubLayersMinus1: number;
  temporalIdNesting: boolean;
  spsId: number;
  chromaFormatIdc: number;
  separateColourPlane: boolean;
  codedWidth: number;
  codedHeight: number;
  /** Display size: coded size minus the conformance window. */
  width: number;
  height: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
};

const HEADER_SIZE = 2;

const malformed = (message: string, details: Record<string, number> = {}): RepriseError =>
  new RepriseError('CODEC_MALFORMED', `H.265: ${message}`, { details });

export const getHevcNalType = (nalUnit: Uint8Array): number => ((nalUnit[0] ?? 0) >>> 1) & 0x3f;

/** nuh_temporal_id_plus1 - 1. */
export const getHevcTemporalId = (nalUnit: Uint8Array): number => ((nalUnit[1] ?? 1) & 0x07) - 1;

const rbspReader = (nalUnit: Uint8Array, type: number, name: string): BitReader => {
  if (nalUnit.length <= HEADER_SIZE || getHevcNalType(nalUnit) !== type) {
    throw malformed(`not a ${name} NAL unit`, { nalType: getHevcNalType(nalUnit) });
  }
  return new BitReader(removeEmulationPrevention(nalUnit), HEADER_SIZE);
};

const checkedUe = (reader: BitReader, name: string, max: number): number => {
  const value = reader.readUe();
  if (value > max) {
    throw malformed(`${name} = ${value} exceeds ${max}`);
  }
  return value;
};

const readProfileTierLevel = (reader: BitReader, maxSubLayersMinus1: number): HevcProfileTierLevel => {
  const profileSpace = reader.readBits(2);
  const tierFlag = reader.readBit();
  const profileIdc = reader.readBits(5);
  const profileCompatibilityFlags = reader.readBits(32);
  const constraintIndicatorFlags = Uint8Array.from({ length: 6 }, () => reader.readBits(8));
  const levelIdc = reader.readBits(8);
  const present: { profile: boolean; level: boolean }[] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    present.push({ profile: reader.readBit() === 1, level: reader.readBit() === 1 });
  }
  if (maxSubLayersMinus1 > 0) {
    reader.skipBits(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
  }
  for (const layer of present) {
    reader.skipBits((layer.profile ? 88 : 0) + (layer.level ? 8 : 0));
  }
  return { profileSpace, tierFlag, profileIdc, profileCompatibilityFlags, constraintIndicatorFlags, levelIdc };
};

/** Parses an SPS NAL unit (2-byte header included) up to the bit depths. Throws CODEC_MALFORMED. */
export const parseHevcSps = (nalUnit: Uint8Array): HevcSps => {
  const reader = rbspReader(nalUnit, HevcNalUnitType.Sps, 'SPS');
  const vpsId = reader.readBits(4);
  const maxSubLayersMinus1 = reader.readBits(3);
  if (maxSubLayersMinus1 > 6) {
    throw malformed('sps_max_sub_layers_minus1 exceeds 6', { maxSubLayersMinus1 });
  }
  const temporalIdNesting = reader.readBit() === 1;
  const ptl = readProfileTierLevel(reader, maxSubLayersMinus1);
  const spsId = checkedUe(reader, 'sps_seq_parameter_set_id', 15);
  const chromaFormatIdc = checkedUe(reader, 'chroma_format_idc', 3);
  const separateColourPlane = chromaFormatIdc === 3 && reader.readBit() === 1;
  const codedWidth = reader.readUe();
  const codedHeight = reader.readUe();
  const window = { left: 0, right: 0, top: 0, bottom: 0 };
  if (reader.readBit() === 1) {
    window.left = reader.readUe();
    window.right = reader.readUe();
    window.top = reader.readUe();
    window.bottom = reader.readUe();
  }
  const bitDepthLuma = checkedUe(reader, 'bit_depth_luma_minus8', 8) + 8;
  const bitDepthChroma = checkedUe(reader, 'bit_depth_chroma_minus8', 8) + 8;
  // §7.4.3.2.1: the window is in chroma units (Table 6-1), luma units when ChromaArrayType is 0.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const subWidthC = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
  const subHeightC = chromaArrayType === 1 ? 2 : 1;
  const width = codedWidth - subWidthC * (window.left + window.right);
  const height = codedHeight - subHeightC * (window.top + window.bottom);
  if (codedWidth === 0 || codedHeight === 0 || width <= 0 || height <= 0) {
    throw malformed('picture size is empty after the conformance window', { codedWidth, codedHeight, width, height });
  }
  return { vpsId, maxSubLayersMinus1, temporalIdNesting, ...ptl, spsId, chromaFormatIdc, separateColourPlane, codedWidth, codedHeight, width, height, bitDepthLuma, bitDepthChroma };
};

/** vps_video_parameter_set_id. Throws CODEC_MALFORMED when not a VPS. */
export const parseHevcVpsId = (nalUnit: Uint8Array): number => rbspReader(nalUnit, HevcNalUnitType.Vps, 'VPS').readBits(4);

/** pps_pic_parameter_set_id and pps_seq_parameter_set_id. Throws CODEC_MALFORMED. */
export const parseHevcPpsIds = (nalUnit: Uint8Array): { ppsId: number; spsId: number } => {
  const reader = rbspReader(nalUnit.subarray(0, 16), HevcNalUnitType.Pps, 'PPS');
  return { ppsId: checkedUe(reader, 'pps_pic_parameter_set_id', 63), spsId: checkedUe(reader, 'pps_seq_parameter_set_id', 15) };
};

/**
 * Builds an HEVCDecoderConfigurationRecord (the body of an `hvcC` box, ISO/IEC 14496-15 §8.3.3.1) with
 * 4-byte NAL unit lengths and one complete array each of VPS, SPS and PPS (array_completeness = 1, as
 * `hvc1` requires). Profile, tier, level, chroma format and bit depths come from the first SPS.
 * min_spatial_segmentation_idc, parallelismType and the frame rate fields are 0 ("unknown"), which
 * needs no VUI parsing and is always allowed.
 *
 *     configurationVersion = 1 | profile_space(2) tier(1) profile_idc(5) | compatibility flags(32)
 *     | constraint indicator flags(48) | level_idc(8) | 1111 min_spatial_segmentation_idc(12)
 *     | 111111 parallelismType(2) | 111111 chromaFormat(2) | 11111 bitDepthLumaMinus8(3)
 *     | 11111 bitDepthChromaMinus8(3) | avgFrameRate(16) | constantFrameRate(2) numTemporalLayers(3)
 *       temporalIdNested(1) lengthSizeMinusOne(2) | numOfArrays(8)
 *     per array: array_completeness(1) 0(1) NAL_unit_type(6) | numNalus(16) | per NAL unit: length(16), bytes
 */
export const serializeHevcDecoderConfigurationRecord = (config: {
  vps: readonly Uint8Array[];
  sps: readonly Uint8Array[];
  pps: readonly Uint8Array[];
}): Uint8Array => {
  const first = config.sps[0];
  if (first === undefined || config.vps.length === 0 || config.pps.length === 0) {
    throw malformed('hvcC needs at least one VPS, SPS and PPS', { vps: config.vps.length, sps: config.sps.length, pps: config.pps.length });
  }
  const sps = parseHevcSps(first);
  const bytes: number[] = [
    1,
    (sps.profileSpace << 6) | (sps.tierFlag << 5) | sps.profileIdc,
    (sps.profileCompatibilityFlags >>> 24) & 0xff,
    (sps.profileCompatibilityFlags >>> 16) & 0xff,
    (sps.profileCompatibilityFlags >>> 8) & 0xff,
    sps.profileCompatibilityFlags & 0xff,
    ...sps.constraintIndicatorFlags,
    sps.levelIdc,
    0xf0,
    0x00,
    0xfc,
    0xfc | sps.chromaFormatIdc,
    0xf8 | (sps.bitDepthLuma - 8),
    0xf8 | (sps.bitDepthChroma - 8),
    0,
    0,
    ((sps.maxSubLayersMinus1 + 1) << 3) | (Number(sps.temporalIdNesting) << 2) | 3,
    3,
  ];
  const arrays: [number, readonly Uint8Array[]][] = [
    [HevcNalUnitType.Vps, config.vps],
    [HevcNalUnitType.Sps, config.sps],
    [HevcNalUnitType.Pps, config.pps],
  ];
  for (const [type, units] of arrays) {
    bytes.push(0x80 | type, units.length >>> 8, units.length & 0xff);
    for (const unit of units) {
      if (unit.length === 0 || unit.length > 0xffff) {
        throw malformed('parameter set length must be 1..65535', { length: unit.length });
      }
      bytes.push(unit.length >>> 8, unit.length & 0xff, ...unit);
    }
  }
  return Uint8Array.from(bytes);
};
