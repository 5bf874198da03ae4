/**
 * VP8 frames from RTP payloads (RFC 7741 §4): strip each packet's payload descriptor and concatenate; the
 * frame's first packet (S=1, PID=0) carries the frame tag (RFC 6386 §9.1) that says keyframe and size.
 */
import { parseVp8FrameHeader } from '../codec/vp8.js';
import { concatBytes } from '../shared/bytes.js';
import { isRepriseError } from '../shared/errors.js';
import type { BuiltFrame, VideoFrameBuilder } from './depacketizer.js';
import { parseVp8Descriptor, type Vp8Descriptor } from './vp8.js';

const descriptorOf = (payload: Uint8Array): Vp8Descriptor | null => {
  try {
    return parseVp8Descriptor(payload);
  } catch (error) {
    if (isRepriseError(error)) {
      return null;
    }
    throw error;
  }
};

export const createVp8FrameBuilder = (): VideoFrameBuilder => ({
  codec: 'vp8',
  isFrameStart: (payload) => {
    const descriptor = descriptorOf(payload);
    return descriptor !== null && descriptor.startOfPartition && descriptor.partitionIndex === 0;
  },
  buildFrame: (payloads): BuiltFrame | null => {
    const parts: Uint8Array[] = [];
    let first: Vp8Descriptor | null = null;
    for (const payload of payloads) {
      const descriptor = descriptorOf(payload);
      if (descriptor === null) {
        return null;
      }
      first ??= descriptor;
      parts.push(payload.subarray(descriptor.headerLength));
    }
    const data = concatBytes(parts);
    const header = parseVp8FrameHeader(data);
    if (first === null || header === null) {
      return null;
    }
    const frame: BuiltFrame = { data, keyframe: header.keyframe, discardable: first.nonReference };
    if (header.width !== undefined && header.height !== undefined) {
      frame.width = header.width;
      frame.height = header.height;
    }
    return frame;
  },
  decoderConfig: () => null,
});
