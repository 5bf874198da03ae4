/**
 * H.264 RTP payload: RFC 6184 §5.6 (single NAL unit packet), §5.7.1 (STAP-A), §5.8 (FU-A).
 *
 * Every payload starts with a NAL unit header octet:
 *
 *     +---------------+
 *     |0|1|2|3|4|5|6|7|
 *     +-+-+-+-+-+-+-+-+
 *     |F|NRI|  Type   |
 *     +---------------+
 *
 * Type 1-23: single NAL unit packet (the payload is the NAL unit).
 * Type 24, STAP-A (§5.7.1):
 *
 *     | STAP-A NAL HDR | NALU 1 Size (16) | NALU 1 HDR | NALU 1 Data ... | NALU 2 Size | ...
 *
 * Type 28, FU-A (§5.8):
 *
 *     +---------------+---------------+
 *     | FU indicator  |   FU header   |
 *     |F|NRI|  Type   |S|E|R|  Type   |   FU payload ...
 *     +---------------+---------------+
 *
 * The fragmented NAL unit's header is rebuilt from F and NRI of the FU indicator and Type of the
 * FU header. S and E must not both be set. STAP-B (25), MTAP16/24 (26, 27) and FU-B (29) belong to
 * the interleaved packetization mode, which WebRTC does not use: they are reported as unsupported.
 */
import { RepriseError } from '../shared/errors.js';
import { readU16Be } from '../shared/bytes.js';

export type H264Payload =
  | { type: 'single'; nalUnit: Uint8Array }
  | { type: 'stap-a'; nalUnits: Uint8Array[] }
  | { type: 'fu-a'; start: boolean; end: boolean; nalHeader: number; fragment: Uint8Array }
  | { type: 'unsupported'; nalType: number };

const STAP_A = 24;
const FU_A = 28;

const malformed = (message: string, details: Record<string, number> = {}): RepriseError =>
  new RepriseError('CODEC_MALFORMED', `H.264 RTP: ${message}`, { details });

const parseStapA = (payload: Uint8Array): Uint8Array[] => {
  const nalUnits: Uint8Array[] = [];
  let offset = 1;
  while (offset < payload.length) {
    if (offset + 2 > payload.length) {
      throw malformed('STAP-A ends inside a NAL unit size', { offset });
    }
    const size = readU16Be(payload, offset);
    offset += 2;
    if (size === 0 || offset + size > payload.length) {
      throw malformed('STAP-A NAL unit size does not fit the packet', { offset, size, length: payload.length });
    }
    nalUnits.push(payload.subarray(offset, offset + size));
    offset += size;
  }
  if (nalUnits.length === 0) {
    throw malformed('STAP-A without NAL units');
  }
  return nalUnits;
};

/**
 * Classifies an H.264 RTP payload. NAL units and fragments are views into `payload` (no copies).
 * Throws CODEC_MALFORMED for an empty payload, a STAP-A whose sizes do not add up, or an FU-A
 * that is too short or has both S and E set.
 */
export const parseH264Payload = (payload: Uint8Array): H264Payload => {
  const header = payload[0];
  if (header === undefined) {
    throw malformed('empty payload');
  }
  const nalType = header & 0x1f;
  if (nalType >= 1 && nalType <= 23) {
    return { type: 'single', nalUnit: payload };
  }
  if (nalType === STAP_A) {
    return { type: 'stap-a', nalUnits: parseStapA(payload) };
  }
  if (nalType === FU_A) {
    const fuHeader = payload[1];
    if (fuHeader === undefined) {
      throw malformed('FU-A without FU header');
    }
    const start = (fuHeader & 0x80) !== 0;
    const end = (fuHeader & 0x40) !== 0;
    if (start && end) {
      throw malformed('FU-A with both start and end bits set');
    }
    return { type: 'fu-a', start, end, nalHeader: (header & 0xe0) | (fuHeader & 0x1f), fragment: payload.subarray(2) };
  }
  return { type: 'unsupported', nalType };
};
