/**
 * RTP payload for redundant audio data, RFC 2198 §3. Janus records Opus wrapped in RED when the header
 * names its payload type (`or`).
 *
 *  0                   1                    2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |F|   block PT  |  timestamp offset         |   block length    |   (F = 1: a redundant block follows)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0|   block PT  |   (the last header, for the primary encoding: one byte)
 * +-+-+-+-+-+-+-+-+
 * then the blocks' data in header order, the primary last.
 */
import { RepriseError } from '../shared/errors.js';

export type RedBlock = {
  payloadType: number;
  /** How many RTP ticks before the packet's timestamp this block's media starts (0 for the primary). */
  timestampOffset: number;
  data: Uint8Array;
};

export type RedPayload = { redundant: RedBlock[]; primary: RedBlock };

export const parseRedPayload = (payload: Uint8Array): RedPayload => {
  const headers: Array<{ payloadType: number; timestampOffset: number; length: number | null }> = [];
  let offset = 0;
  for (;;) {
    if (offset >= payload.length) {
      throw new RepriseError('CODEC_MALFORMED', 'RED payload ends inside its block headers', { details: { offset } });
    }
    const first = payload[offset]!;
    if ((first & 0x80) === 0) {
      headers.push({ payloadType: first & 0x7f, timestampOffset: 0, length: null });
      offset += 1;
      break;
    }
    if (offset + 4 > payload.length) {
      throw new RepriseError('CODEC_MALFORMED', 'RED block header needs 4 bytes', { details: { offset } });
    }
    const word = ((payload[offset + 1]! << 16) | (payload[offset + 2]! << 8) | payload[offset + 3]!) >>> 0;
    headers.push({ payloadType: first & 0x7f, timestampOffset: word >>> 10, length: word & 0x3ff });
    offset += 4;
  }
  const blocks: RedBlock[] = [];
  for (const header of headers) {
    const length = header.length ?? payload.length - offset;
    if (length < 0 || offset + length > payload.length) {
      throw new RepriseError('CODEC_MALFORMED', `RED block of ${length} bytes runs past the payload end`, { details: { offset, length } });
    }
    blocks.push({ payloadType: header.payloadType, timestampOffset: header.timestampOffset, data: payload.subarray(offset, offset + length) });
    offset += length;
  }
  const primary = blocks.pop()!;
  return { redundant: blocks, primary };
};
