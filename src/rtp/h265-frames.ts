/**
 * H.265 access units from RTP payloads (RFC 7798, no DONL: sprop-max-don-diff is 0 in WebRTC), as
 * ISO/IEC 14496-15 samples: NAL units with 4-byte lengths, and an hvcC from the stream's own VPS/SPS/PPS.
 *
 *     PayloadHdr / NAL unit header:  |F|   Type    |  LayerId  | TID |
 *     single NAL unit (types 0-47)   header | NAL unit payload ...
 *     AP (48, §4.4.2)                PayloadHdr | size (16) | NAL unit | size (16) | NAL unit | ...
 *     FU (49, §4.4.3)                PayloadHdr | |S|E| FuType | | fragment ...
 *
 * A fragmented NAL unit gets its header back from the PayloadHdr with Type replaced by FuType; a fragment
 * run missing its start or end makes the frame unbuildable. PACI (50) is not supported.
 *
 * Parameter sets are handled as for H.264 (rtp/h264-frames.ts): remembered by id, kept in-band where the
 * sender put them, prepended (VPS, SPS, PPS) to an IRAP access unit that lacks them (x265 and most
 * hardware encoders send them only once), and `decoderConfig()` is the hvcC of the first complete set.
 * Access unit delimiters and filler data (35, 38) are dropped. Keyframe: an IRAP picture (types 16-21).
 * Discardable: every slice is a sub-layer non-reference picture (even types up to 14) of the highest
 * temporal sub-layer, so that no picture refers to it (§7.4.2.2).
 */
import { getHevcNalType, getHevcTemporalId, HevcNalUnitType, parseHevcPpsIds, parseHevcSps, parseHevcVpsId, serializeHevcDecoderConfigurationRecord, type HevcSps } from '../codec/h265.js';
import { joinLengthPrefixed } from '../codec/nal-units.js';
import { concatBytes } from '../shared/bytes.js';
import { isRepriseError } from '../shared/errors.js';
import type { BuiltFrame, VideoFrameBuilder } from './depacketizer.js';
import { isHevcIrap, parseH265Payload, type H265Payload } from './h265.js';

const isVcl = (type: number): boolean => type <= 31;

/** §7.4.2.4.4: NAL unit types that open an access unit after a picture, besides its first slice. */
const AU_OPENING_TYPES = new Set<number>([32, 33, 34, 35, 39, 41, 42, 43, 44]);

/** `firstSliceByte` is the byte after the 2-byte header: first_slice_segment_in_pic_flag is its top bit. */
const opensAccessUnit = (type: number, firstSliceByte: number | undefined): boolean =>
  AU_OPENING_TYPES.has(type) || (isVcl(type) && firstSliceByte !== undefined && (firstSliceByte & 0x80) !== 0);

const parsePayload = (payload: Uint8Array): H265Payload | null => {
  try {
    return parseH265Payload(payload);
  } catch (error) {
    if (isRepriseError(error)) {
      return null;
    }
    throw error;
  }
};

const collectNalUnits = (payloads: readonly Uint8Array[]): Uint8Array[] | null => {
  const nalUnits: Uint8Array[] = [];
  let fragments: Uint8Array[] | null = null;
  for (const payload of payloads) {
    const parsed = parsePayload(payload);
    if (parsed === null || parsed.type === 'unsupported') {
      return null;
    }
    if (parsed.type !== 'fu') {
      if (fragments !== null) {
        return null; // the FU before this packet never ended
      }
      nalUnits.push(...(parsed.type === 'single' ? [parsed.nalUnit] : parsed.nalUnits));
      continue;
    }
    if (parsed.start === (fragments !== null)) {
      return null; // a start inside a run, or a continuation without its start
    }
    fragments ??= [Uint8Array.of((payload[0]! & 0x81) | (parsed.nalType << 1), payload[1]!)];
    fragments.push(parsed.fragment);
    if (parsed.end) {
      nalUnits.push(concatBytes(fragments));
      fragments = null;
    }
  }
  return fragments === null ? nalUnits : null;
};

type ParameterSets = { vps: Map<number, Uint8Array>; sps: Map<number, Uint8Array>; pps: Map<number, Uint8Array>; lastSps: HevcSps | null };

const PARAMETER_SET_TYPES = [HevcNalUnitType.Vps, HevcNalUnitType.Sps, HevcNalUnitType.Pps] as const;

const setsOfType = (sets: ParameterSets, type: (typeof PARAMETER_SET_TYPES)[number]): Map<number, Uint8Array> =>
  type === HevcNalUnitType.Vps ? sets.vps : type === HevcNalUnitType.Sps ? sets.sps : sets.pps;

/** Remembers VPS/SPS/PPS by id; false when one is malformed. */
const rememberParameterSets = (nalUnits: readonly Uint8Array[], sets: ParameterSets): boolean => {
  try {
    for (const nalUnit of nalUnits) {
      const type = getHevcNalType(nalUnit);
      if (type === HevcNalUnitType.Vps) {
        sets.vps.set(parseHevcVpsId(nalUnit), nalUnit.slice());
      } else if (type === HevcNalUnitType.Sps) {
        sets.lastSps = parseHevcSps(nalUnit);
        sets.sps.set(sets.lastSps.spsId, nalUnit.slice());
      } else if (type === HevcNalUnitType.Pps) {
        sets.pps.set(parseHevcPpsIds(nalUnit).ppsId, nalUnit.slice());
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

/** The access unit with VPS, SPS and PPS in front: in-band ones per type when present, else the remembered ones. */
const withParameterSets = (nalUnits: readonly Uint8Array[], sets: ParameterSets): Uint8Array[] => {
  const inBand = PARAMETER_SET_TYPES.map((type) => nalUnits.filter((unit) => getHevcNalType(unit) === type));
  if (inBand.every((units) => units.length > 0)) {
    return [...nalUnits];
  }
  const rest = nalUnits.filter((unit) => !(PARAMETER_SET_TYPES as readonly number[]).includes(getHevcNalType(unit)));
  const front = PARAMETER_SET_TYPES.flatMap((type, index) => (inBand[index]!.length > 0 ? inBand[index]! : [...setsOfType(sets, type).values()]));
  return [...front, ...rest];
};

export const createH265FrameBuilder = (): VideoFrameBuilder => {
  const sets: ParameterSets = { vps: new Map(), sps: new Map(), pps: new Map(), lastSps: null };
  let config: Uint8Array | null = null;
  const complete = (): boolean => sets.vps.size > 0 && sets.sps.size > 0 && sets.pps.size > 0;

  const buildFrame = (payloads: readonly Uint8Array[]): BuiltFrame | null => {
    const collected = collectNalUnits(payloads);
    if (collected === null || !rememberParameterSets(collected, sets)) {
      return null;
    }
    if (config === null && complete()) {
      config = serializeHevcDecoderConfigurationRecord({ vps: [...sets.vps.values()], sps: [...sets.sps.values()], pps: [...sets.pps.values()] });
    }
    let nalUnits = collected.filter((unit) => {
      const type = getHevcNalType(unit);
      return type !== HevcNalUnitType.AccessUnitDelimiter && type !== HevcNalUnitType.FillerData;
    });
    const slices = nalUnits.filter((unit) => isVcl(getHevcNalType(unit)));
    if (slices.length === 0) {
      return null; // parameter sets or SEI alone: nothing to show
    }
    const keyframe = slices.some((unit) => isHevcIrap(getHevcNalType(unit)));
    if (keyframe) {
      if (!complete()) {
        return null; // an IRAP no decoder can start from: the stream never showed its parameter sets
      }
      nalUnits = withParameterSets(nalUnits, sets);
    }
    const topSubLayer = sets.lastSps?.maxSubLayersMinus1;
    const frame: BuiltFrame = {
      data: joinLengthPrefixed(nalUnits),
      keyframe,
      discardable: slices.every((unit) => {
        const type = getHevcNalType(unit);
        return type <= 14 && type % 2 === 0 && getHevcTemporalId(unit) === topSubLayer;
      }),
    };
    if (keyframe && sets.lastSps !== null) {
      frame.width = sets.lastSps.width;
      frame.height = sets.lastSps.height;
    }
    return frame;
  };

  return {
    codec: 'h265',
    isFrameStart: (payload) => {
      const parsed = parsePayload(payload);
      switch (parsed?.type) {
        case 'single':
          return opensAccessUnit(getHevcNalType(parsed.nalUnit), parsed.nalUnit[2]);
        case 'ap':
          return opensAccessUnit(getHevcNalType(parsed.nalUnits[0]!), parsed.nalUnits[0]![2]);
        case 'fu':
          return parsed.start && opensAccessUnit(parsed.nalType, parsed.fragment[0]);
        default:
          return false;
      }
    },
    buildFrame,
    decoderConfig: () => config,
  };
};
