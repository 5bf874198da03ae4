/**
 * VP8 RTP payload descriptor: RFC 7741 §4.2.
 *
 *          0 1 2 3 4 5 6 7
 *         +-+-+-+-+-+-+-+-+
 *         |X|R|N|S|R| PID | (REQUIRED)
 *         +-+-+-+-+-+-+-+-+
 *    X:   |I|L|T|K| RSV   | (OPTIONAL)
 *         +-+-+-+-+-+-+-+-+
 *    I:   |M| PictureID   | (OPTIONAL)
 *         +-+-+-+-+-+-+-+-+
 *         |   PictureID   | (OPTIONAL, present when M = 1: 15-bit PictureID)
 *         +-+-+-+-+-+-+-+-+
 *    L:   |   TL0PICIDX   | (OPTIONAL)
 *         +-+-+-+-+-+-+-+-+
 *    T/K: |TID|Y| KEYIDX  | (OPTIONAL)
 *         +-+-+-+-+-+-+-+-+
 *
 * X: extended control bits present; N: non-reference frame; S: start of a VP8 partition;
 * PID: partition index. I/L/T/K say which optional fields follow. The T/K byte is present when
 * either T or K is set; TID and Y are meaningful only with T = 1, KEYIDX only with K = 1.
 * The VP8 payload follows the descriptor; a frame starts in the packet with S = 1 and PID = 0.
 */
import { RepriseError } from '../shared/errors.js';

export type Vp8Descriptor = {
  extended: boolean;
  nonReference: boolean;
  startOfPartition: boolean;
  partitionIndex: number;
  pictureId?: number;
  pictureIdBits?: 7 | 15;
  tl0PicIdx?: number;
  temporalId?: number;
  layerSync?: boolean;
  keyIndex?: number;
  /** Bytes of descriptor before the VP8 payload. */
  headerLength: number;
};

const truncated = (length: number, needed: number): RepriseError =>
  new RepriseError('CODEC_MALFORMED', `VP8 payload descriptor needs ${needed} bytes, got ${length}`, {
    details: { length, needed },
  });

/** Throws CODEC_MALFORMED when the descriptor is cut short or leaves no VP8 payload. */
export const parseVp8Descriptor = (payload: Uint8Array): Vp8Descriptor => {
  const byteAt = (index: number): number => {
    const value = payload[index];
    if (value === undefined) {
      throw truncated(payload.length, index + 1);
    }
    return value;
  };
  const first = byteAt(0);
  const descriptor: Vp8Descriptor = {
    extended: (first & 0x80) !== 0,
    nonReference: (first & 0x20) !== 0,
    startOfPartition: (first & 0x10) !== 0,
    partitionIndex: first & 0x07,
    headerLength: 1,
  };
  let offset = 1;
  if (descriptor.extended) {
    const control = byteAt(offset++);
    const hasPictureId = (control & 0x80) !== 0;
    const hasTl0PicIdx = (control & 0x40) !== 0;
    const hasTid = (control & 0x20) !== 0;
    const hasKeyIdx = (control & 0x10) !== 0;
    if (hasPictureId) {
      const high = byteAt(offset++);
      if ((high & 0x80) !== 0) {
        descriptor.pictureId = ((high & 0x7f) << 8) | byteAt(offset++);
        descriptor.pictureIdBits = 15;
      } else {
        descriptor.pictureId = high;
        descriptor.pictureIdBits = 7;
      }
    }
    if (hasTl0PicIdx) {
      descriptor.tl0PicIdx = byteAt(offset++);
    }
    if (hasTid || hasKeyIdx) {
      const layer = byteAt(offset++);
      if (hasTid) {
        descriptor.temporalId = layer >>> 6;
        descriptor.layerSync = (layer & 0x20) !== 0;
      }
      if (hasKeyIdx) {
        descriptor.keyIndex = layer & 0x1f;
      }
    }
  }
  if (offset >= payload.length) {
    throw truncated(payload.length, offset + 1);
  }
  descriptor.headerLength = offset;
  return descriptor;
};
