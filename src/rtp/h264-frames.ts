/**
 * H.264 access units from RTP payloads (RFC 6184, packetization modes 0 and 1), as ISO/IEC 14496-15
 * samples: NAL units with 4-byte lengths, and an avcC built from the stream's own SPS/PPS.
 *
 *     single NAL unit (types 1-23)   |F|NRI| Type | NAL unit payload ...
 *     STAP-A (24, §5.7.1)            |F|NRI|  24  | size (16) | NAL unit | size (16) | NAL unit | ...
 *     FU-A (28, §5.8)                |F|NRI|  28  |S|E|R| Type | fragment ...
 *
 * A fragmented NAL unit is rebuilt from F/NRI of the FU indicator and Type of the FU header, then the
 * fragments in order; a fragment run missing its start (S) or end (E) makes the frame unbuildable.
 *
 * Parameter sets: SPS and PPS seen in-band are remembered by id, as a decoder keeps them, and stay in
 * the sample where the sender put them. An IDR access unit that arrives without them gets the
 * remembered ones prepended, so every keyframe decodes on its own (janus-pp-rec instead writes the IDR
 * bare, and takes its avcC from a fresh x264 encoder: green frames). `decoderConfig()` is the avcC of
 * the first SPS/PPS pair seen and does not change afterwards; when the sender changes its parameter
 * sets mid-stream (a resolution change, a new profile), the new ones travel in-band in the keyframe
 * samples that need them. Access unit delimiters and filler data (types 9 and 12) are dropped: they
 * carry nothing a sample needs.
 */
import { AvcNalUnitType, parseAvcSps, serializeAvcDecoderConfigurationRecord } from '../codec/h264.js';
import { parseAvcPpsIds } from '../codec/h264-pps.js';
import { joinLengthPrefixed } from '../codec/nal-units.js';
import { concatBytes } from '../shared/bytes.js';
import { isRepriseError } from '../shared/errors.js';
import type { BuiltFrame, VideoFrameBuilder } from './depacketizer.js';
import { parseH264Payload, type H264Payload } from './h264.js';

const nalTypeOf = (nalUnit: Uint8Array): number => nalUnit[0]! & 0x1f;

const isSlice = (type: number): boolean => type >= AvcNalUnitType.NonIdrSlice && type <= AvcNalUnitType.IdrSlice;

/**
 * NAL unit types that open an access unit when they follow a picture (H.264 §7.4.1.2.3): SEI, SPS, PPS,
 * AUD, prefix NAL, subset SPS, DPS and the reserved 17-18; or the first slice of a picture.
 */
const AU_OPENING_TYPES = new Set<number>([6, 7, 8, 9, 14, 15, 16, 17, 18]);

/** `firstPayloadByte` is the byte after the NAL header: first_mb_in_slice = 0 is ue(v) '1'. */
const opensAccessUnit = (nalHeader: number, firstPayloadByte: number | undefined): boolean => {
  const type = nalHeader & 0x1f;
  if (AU_OPENING_TYPES.has(type)) {
    return true;
  }
  const primarySlice = type === AvcNalUnitType.NonIdrSlice || type === AvcNalUnitType.SliceDataPartitionA || type === AvcNalUnitType.IdrSlice;
  return primarySlice && firstPayloadByte !== undefined && (firstPayloadByte & 0x80) !== 0;
};

const parsePayload = (payload: Uint8Array): H264Payload | null => {
  try {
    return parseH264Payload(payload);
  } catch (error) {
    if (isRepriseError(error)) {
      return null;
    }
    throw error;
  }
};

/** The NAL units of one frame's payloads, FU-A fragments joined; null when a fragment run is broken. */
const collectNalUnits = (payloads: readonly Uint8Array[]): Uint8Array[] | null => {
  const nalUnits: Uint8Array[] = [];
  let fragments: Uint8Array[] | null = null;
  for (const payload of payloads) {
    const parsed = parsePayload(payload);
    if (parsed === null || parsed.type === 'unsupported') {
      return null;
    }
    if (parsed.type !== 'fu-a') {
      if (fragments !== null) {
        return null; // the FU-A before this packet never ended
      }
      nalUnits.push(...(parsed.type === 'single' ? [parsed.nalUnit] : parsed.nalUnits));
      continue;
    }
    if (parsed.start === (fragments !== null)) {
      return null; // a start inside a run, or a continuation without its start
    }
    fragments ??= [Uint8Array.of(parsed.nalHeader)];
    fragments.push(parsed.fragment);
    if (parsed.end) {
      nalUnits.push(concatBytes(fragments));
      fragments = null;
    }
  }
  return fragments === null ? nalUnits : null;
};

type ParameterSets = { sps: Map<number, Uint8Array>; pps: Map<number, Uint8Array> };

/** Remembers SPS/PPS by id; false when one is malformed. */
const rememberParameterSets = (nalUnits: readonly Uint8Array[], sets: ParameterSets): boolean => {
  try {
    for (const nalUnit of nalUnits) {
      const type = nalTypeOf(nalUnit);
      if (type === AvcNalUnitType.Sps) {
        sets.sps.set(parseAvcSps(nalUnit).spsId, nalUnit.slice());
      } else if (type === AvcNalUnitType.Pps) {
        sets.pps.set(parseAvcPpsIds(nalUnit).ppsId, nalUnit.slice());
      }
    }
    return true;
  } catch (error) {
    if (isRepriseError(error)) {
      return false;
    }
    throw error;
  }
};

/**
 * The access unit with SPS and PPS in front: the in-band ones when it has them, else the remembered
 * ones (all ids, as the slices may refer to any). SPS come first because parsing a PPS needs its SPS.
 */
const withParameterSets = (nalUnits: readonly Uint8Array[], sets: ParameterSets): Uint8Array[] => {
  const ofType = (type: number): Uint8Array[] => nalUnits.filter((unit) => nalTypeOf(unit) === type);
  const sps = ofType(AvcNalUnitType.Sps);
  const pps = ofType(AvcNalUnitType.Pps);
  if (sps.length > 0 && pps.length > 0) {
    return [...nalUnits];
  }
  const rest = nalUnits.filter((unit) => nalTypeOf(unit) !== AvcNalUnitType.Sps && nalTypeOf(unit) !== AvcNalUnitType.Pps);
  return [...(sps.length > 0 ? sps : sets.sps.values()), ...(pps.length > 0 ? pps : sets.pps.values()), ...rest];
};

export const createH264FrameBuilder = (): VideoFrameBuilder => {
  const sets: ParameterSets = { sps: new Map(), pps: new Map() };
  let config: Uint8Array | null = null;

  const buildFrame = (payloads: readonly Uint8Array[]): BuiltFrame | null => {
    const collected = collectNalUnits(payloads);
    if (collected === null || !rememberParameterSets(collected, sets)) {
      return null;
    }
    if (config === null && sets.sps.size > 0 && sets.pps.size > 0) {
      config = serializeAvcDecoderConfigurationRecord({ sps: [...sets.sps.values()], pps: [...sets.pps.values()] });
    }
    let nalUnits = collected.filter((unit) => {
      const type = nalTypeOf(unit);
      return type !== AvcNalUnitType.AccessUnitDelimiter && type !== AvcNalUnitType.FillerData;
    });
    const slices = nalUnits.filter((unit) => isSlice(nalTypeOf(unit)));
    if (slices.length === 0) {
      return null; // parameter sets or SEI alone: nothing to show
    }
    const keyframe = slices.some((unit) => nalTypeOf(unit) === AvcNalUnitType.IdrSlice);
    if (keyframe) {
      if (sets.sps.size === 0 || sets.pps.size === 0) {
        return null; // an IDR no decoder can start from: the stream never showed its SPS/PPS
      }
      nalUnits = withParameterSets(nalUnits, sets);
    }
    const frame: BuiltFrame = {
      data: joinLengthPrefixed(nalUnits),
      keyframe,
      discardable: slices.every((unit) => (unit[0]! & 0x60) === 0),
    };
    if (keyframe) {
      const sps = parseAvcSps(nalUnits.find((unit) => nalTypeOf(unit) === AvcNalUnitType.Sps)!);
      frame.width = sps.width;
      frame.height = sps.height;
    }
    return frame;
  };

  return {
    codec: 'h264',
    isFrameStart: (payload) => {
      const parsed = parsePayload(payload);
      switch (parsed?.type) {
        case 'single':
          return opensAccessUnit(parsed.nalUnit[0]!, parsed.nalUnit[1]);
        case 'stap-a':
          return opensAccessUnit(parsed.nalUnits[0]![0]!, parsed.nalUnits[0]![1]);
        case 'fu-a':
          return parsed.start && opensAccessUnit(parsed.nalHeader, parsed.fragment[0]);
        default:
          return false;
      }
    },
    buildFrame,
    decoderConfig: () => config,
  };
};
