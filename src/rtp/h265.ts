/**
 * H.265 RTP payload, minimal: RFC 7798 §4.4.1 (single NAL unit packet), §4.4.2 (aggregation
 * packet, AP), §4.4.3 (fragmentation unit, FU). Enough to find keyframes and frame starts; no
 * parameter-set parsing.
 *
 *     PayloadHdr / NAL unit header (§1.1.4):
 *     +---------------+---------------+
 *     |0|1|2|3|4|5|6|7|0|1|2|3|4|5|6|7|
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |F|   Type    |  LayerId  | TID |
 *     +-------------+-----------------+
 *
 *     AP (Type 48): PayloadHdr | NALU 1 Size (16) | NALU 1 | NALU 2 Size (16) | NALU 2 | ...
 *     FU (Type 49): PayloadHdr | FU header |S|E|  FuType   | FU payload ...
 *
 * DONL/DOND fields exist only when sprop-max-don-diff > 0 is signalled, which WebRTC never does:
 * they are assumed absent. PACI (50) and reserved types are reported as unsupported.
 */
import { RepriseError } from '../shared/errors.js';
import { readU16Be } from '../shared/bytes.js';

export type H265Payload =
  | { type: 'single'; nalUnit: Uint8Array }
  | { type: 'ap'; nalUnits: Uint8Array[] }
  | { type: 'fu'; start: boolean; end: boolean; nalType: number; fragment: Uint8Array }
  | { type: 'unsupported'; nalType: number };

const AP = 48;
const FU = 49;
const HEADER_SIZE = 2;

const malformed = (message: string, details: Record<string, number> = {}): RepriseError =>
  new RepriseError('CODEC_MALFORMED', `H.265 RTP: ${message}`, { details });

export const getHevcNalUnitType = (firstHeaderByte: number): number => (firstHeaderByte >>> 1) & 0x3f;

/**
 * IRAP pictures, ITU-T H.265 Table 7-1: BLA_W_LP 16, BLA_W_RADL 17, BLA_N_LP 18, IDR_W_RADL 19,
 * IDR_N_LP 20, CRA_NUT 21 (22 and 23 are reserved IRAP types no encoder emits).
 */
export const isHevcIrap = (nalType: number): boolean => nalType >= 16 && nalType <= 21;

const parseAp = (payload: Uint8Array): Uint8Array[] => {
  const nalUnits: Uint8Array[] = [];
  let offset = HEADER_SIZE;
  while (offset < payload.length) {
    if (offset + 2 > payload.length) {
      throw malformed('AP ends inside a NAL unit size', { offset });
    }
    const size = readU16Be(payload, offset);
    offset += 2;
    if (size < HEADER_SIZE || offset + size > payload.length) {
      throw malformed('AP NAL unit size does not fit the packet', { offset, size });
    }
    nalUnits.push(payload.subarray(offset, offset + size));
    offset += size;
  }
  if (nalUnits.length === 0) {
    throw malformed('AP without NAL units');
  }
  return nalUnits;
};

/** Classifies an H.265 RTP payload; views, not copies. Throws CODEC_MALFORMED when cut short or TID is 0. */
export const parseH265Payload = (payload: Uint8Array): H265Payload => {
  if (payload.length < HEADER_SIZE) {
    throw malformed('payload shorter than its 2-byte header', { length: payload.length });
  }
  if ((payload[1]! & 0x07) === 0) {
    throw malformed('TID 0 is forbidden (nuh_temporal_id_plus1 must be at least 1)');
  }
  const nalType = getHevcNalUnitType(payload[0]!);
  if (nalType < AP) {
    return { type: 'single', nalUnit: payload };
  }
  if (nalType === AP) {
    return { type: 'ap', nalUnits: parseAp(payload) };
  }
  if (nalType === FU) {
    const fuHeader = payload[HEADER_SIZE];
    if (fuHeader === undefined) {
      throw malformed('FU without FU header');
    }
    const start = (fuHeader & 0x80) !== 0;
    const end = (fuHeader & 0x40) !== 0;
    if (start && end) {
      throw malformed('FU with both start and end bits set');
    }
    return { type: 'fu', start, end, nalType: fuHeader & 0x3f, fragment: payload.subarray(HEADER_SIZE + 1) };
  }
  return { type: 'unsupported', nalType };
};
