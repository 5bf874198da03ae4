/**
 * AV1 RTP aggregation header and OBU elements: RTP Payload Format for AV1 (AOMedia av1-rtp-spec
 * v1.0) §4.4 "AV1 Aggregation Header" and §4.5 "Payload Structure".
 *
 *      0 1 2 3 4 5 6 7
 *     +-+-+-+-+-+-+-+-+
 *     |Z|Y| W |N|-|-|-|
 *     +-+-+-+-+-+-+-+-+
 *
 * Z: the first OBU element continues an OBU fragment from the previous packet.
 * Y: the last OBU element continues in the next packet.
 * W: number of OBU elements; 0 = any number, each preceded by its LEB128 length;
 *    1..3 = that many elements, each but the last preceded by its LEB128 length.
 * N: first packet of a coded video sequence.
 *
 *     |  aggregation header  | [LEB128 length] OBU element 1 | [LEB128 length] OBU element 2 | ...
 *
 * An OBU element is an OBU (header, normally without obu_size, then payload) or a fragment of one.
 */
import { readLeb128 } from '../codec/av1.js';
import { RepriseError } from '../shared/errors.js';

export type Av1AggregationHeader = {
  z: boolean;
  y: boolean;
  w: number;
  n: boolean;
  /** Views into the payload, in order. */
  elements: Uint8Array[];
};

const malformed = (message: string, details: Record<string, number> = {}): RepriseError =>
  new RepriseError('CODEC_MALFORMED', `AV1 RTP: ${message}`, { details });

/**
 * Parses the aggregation header and splits the OBU elements. Throws CODEC_MALFORMED when a length
 * runs past the end, an element is empty, fewer than W elements are present, or there is none.
 */
export const parseAv1AggregationHeader = (payload: Uint8Array): Av1AggregationHeader => {
  const header = payload[0];
  if (header === undefined) {
    throw malformed('empty payload');
  }
  const w = (header >>> 4) & 0b11;
  const elements: Uint8Array[] = [];
  let offset = 1;
  while (offset < payload.length) {
    const isLastCounted = w !== 0 && elements.length === w - 1;
    let length: number;
    if (isLastCounted) {
      length = payload.length - offset;
    } else {
      const leb = readLeb128(payload, offset);
      offset += leb.length;
      length = leb.value;
    }
    if (length === 0 || offset + length > payload.length) {
      throw malformed('OBU element length does not fit the packet', { offset, length, size: payload.length });
    }
    elements.push(payload.subarray(offset, offset + length));
    offset += length;
    if (isLastCounted) {
      break;
    }
  }
  if (elements.length === 0 || (w !== 0 && elements.length !== w)) {
    throw malformed('packet holds fewer OBU elements than announced', { w, found: elements.length });
  }
  return { z: (header & 0x80) !== 0, y: (header & 0x40) !== 0, w, n: (header & 0x08) !== 0, elements };
};
