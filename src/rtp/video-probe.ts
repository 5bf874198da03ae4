/**
 * One call per RTP payload of a video track: is this the first packet of a frame, does it show a
 * keyframe, does it carry the coded size, which layer is it. Pure and stateless, so every rule
 * below looks at one packet only; frame grouping across packets belongs to the caller (RTP
 * timestamp + marker).
 *
 * Rules, per codec:
 * - VP8 (RFC 7741): frameStart = S=1 && PID=0. keyframe = frameStart && frame tag P bit 0
 *   (RFC 6386 §9.1); the size comes from the key frame header. temporalLayer = TID.
 * - VP9 (RFC 9628): frameStart = B=1 on spatial layer 0 (or with no layer indices). keyframe: on
 *   such a packet the uncompressed header's frame_type decides (senders such as FFmpeg leave P=0
 *   on every frame, so P alone is not trusted); only when the header cannot be read does
 *   P=0 count. The size comes from the SS (largest spatial layer) or else from a key/intra-only
 *   frame header. spatialLayer/temporalLayer = SID/TID.
 * - H.264 (RFC 6184): frameStart = the packet begins a slice with first_mb_in_slice = 0 (single
 *   NAL, inside STAP-A, or FU-A with S=1). This is stricter than "not an FU-A continuation": a
 *   packet holding only SPS/PPS/SEI, or the start of a picture's second slice, is not counted,
 *   so each picture has exactly one frameStart. keyframe = an IDR slice (type 5) as single NAL,
 *   inside STAP-A, or FU-A with S=1. The size comes from an SPS (single NAL or STAP-A).
 * - H.265 (RFC 7798): the same shape: frameStart = a VCL NAL with first_slice_segment_in_pic_flag
 *   (FU: S=1); keyframe = IRAP types 16..21; temporalLayer = TID - 1. No size.
 * - AV1 (AV1 RTP spec): frameStart = Z=0 and the first OBU element is a temporal delimiter,
 *   sequence header, metadata, frame header or frame OBU of spatial layer 0 (not a tile group).
 *   keyframe: a frame/frame header OBU starting in this packet decides (show_existing_frame = 0
 *   and frame_type = KEY_FRAME); only when none starts here does N=1 or a sequence header OBU
 *   count. The size is the sequence header's max_frame_width/height. Layers from the OBU
 *   extension header.
 */
import { Av1ObuType, parseAv1ObuHeader, parseAv1SequenceHeader, readLeb128 } from '../codec/av1.js';
import { AvcNalUnitType, parseAvcSps } from '../codec/h264.js';
import { parseVp8FrameHeader } from '../codec/vp8.js';
import { parseVp9FrameHeader } from '../codec/vp9.js';
import { isRepriseError } from '../shared/errors.js';
import { parseAv1AggregationHeader } from './av1.js';
import { parseH264Payload } from './h264.js';
import { getHevcNalUnitType, isHevcIrap, parseH265Payload } from './h265.js';
import { parseVp8Descriptor } from './vp8.js';
import { parseVp9Descriptor } from './vp9.js';

export type VideoCodec = 'vp8' | 'vp9' | 'h264' | 'av1' | 'h265';

export type VideoPacketInfo = {
  frameStart: boolean;
  keyframe: boolean;
  width?: number;
  height?: number;
  spatialLayer?: number;
  temporalLayer?: number;
};

const probeVp8 = (payload: Uint8Array): VideoPacketInfo => {
  const descriptor = parseVp8Descriptor(payload);
  const frameStart = descriptor.startOfPartition && descriptor.partitionIndex === 0;
  const info: VideoPacketInfo = { frameStart, keyframe: false };
  if (descriptor.temporalId !== undefined) {
    info.temporalLayer = descriptor.temporalId;
  }
  if (frameStart) {
    const frame = payload.subarray(descriptor.headerLength);
    info.keyframe = (frame[0]! & 1) === 0;
    const header = parseVp8FrameHeader(frame);
    if (header?.width !== undefined && header.height !== undefined) {
      info.width = header.width;
      info.height = header.height;
    }
  }
  return info;
};

const probeVp9 = (payload: Uint8Array): VideoPacketInfo => {
  const descriptor = parseVp9Descriptor(payload);
  const baseLayer = descriptor.spatialId === undefined || descriptor.spatialId === 0;
  const info: VideoPacketInfo = { frameStart: descriptor.b && baseLayer, keyframe: false };
  if (descriptor.spatialId !== undefined) {
    info.spatialLayer = descriptor.spatialId;
  }
  if (descriptor.temporalId !== undefined) {
    info.temporalLayer = descriptor.temporalId;
  }
  const resolutions = descriptor.scalabilityStructure?.resolutions ?? [];
  for (const resolution of resolutions) {
    if (info.width === undefined || resolution.width * resolution.height > info.width * (info.height ?? 0)) {
      info.width = resolution.width;
      info.height = resolution.height;
    }
  }
  if (descriptor.b) {
    const header = parseVp9FrameHeader(payload.subarray(descriptor.headerLength));
    if (header === null) {
      info.keyframe = baseLayer && !descriptor.p;
    } else {
      info.keyframe = baseLayer && header.keyframe;
      if (info.width === undefined && header.width !== undefined && header.height !== undefined) {
        info.width = header.width;
        info.height = header.height;
      }
    }
  }
  return info;
};

/** A slice (types 1, 2, 5) whose first_mb_in_slice is 0: ue(v) codes 0 as a single 1 bit. */
const startsAvcPicture = (nalHeader: number, firstPayloadByte: number | undefined): boolean => {
  const type = nalHeader & 0x1f;
  const isSlice =
    type === AvcNalUnitType.NonIdrSlice || type === AvcNalUnitType.SliceDataPartitionA || type === AvcNalUnitType.IdrSlice;
  return isSlice && firstPayloadByte !== undefined && (firstPayloadByte & 0x80) !== 0;
};

const probeAvcNalUnits = (nalUnits: readonly Uint8Array[]): VideoPacketInfo => {
  const info: VideoPacketInfo = { frameStart: false, keyframe: false };
  for (const nalUnit of nalUnits) {
    const type = nalUnit[0]! & 0x1f;
    info.frameStart ||= startsAvcPicture(nalUnit[0]!, nalUnit[1]);
    info.keyframe ||= type === AvcNalUnitType.IdrSlice;
    if (type === AvcNalUnitType.Sps && info.width === undefined) {
      const sps = parseAvcSps(nalUnit);
      info.width = sps.width;
      info.height = sps.height;
    }
  }
  return info;
};

const probeH264 = (payload: Uint8Array): VideoPacketInfo => {
  const parsed = parseH264Payload(payload);
  switch (parsed.type) {
    case 'single':
      return probeAvcNalUnits([parsed.nalUnit]);
    case 'stap-a':
      return probeAvcNalUnits(parsed.nalUnits);
    case 'fu-a':
      return {
        frameStart: parsed.start && startsAvcPicture(parsed.nalHeader, parsed.fragment[0]),
        keyframe: parsed.start && (parsed.nalHeader & 0x1f) === AvcNalUnitType.IdrSlice,
      };
    case 'unsupported':
      return { frameStart: false, keyframe: false };
  }
};

/** VCL types 0..31; first_slice_segment_in_pic_flag is the first bit after the 2-byte header. */
const startsHevcPicture = (nalType: number, firstSliceByte: number | undefined): boolean =>
  nalType <= 31 && firstSliceByte !== undefined && (firstSliceByte & 0x80) !== 0;

const probeH265 = (payload: Uint8Array): VideoPacketInfo => {
  const parsed = parseH265Payload(payload);
  const info: VideoPacketInfo = { frameStart: false, keyframe: false, temporalLayer: (payload[1]! & 0x07) - 1 };
  if (parsed.type === 'fu') {
    info.frameStart = parsed.start && startsHevcPicture(parsed.nalType, parsed.fragment[0]);
    info.keyframe = parsed.start && isHevcIrap(parsed.nalType);
  } else if (parsed.type !== 'unsupported') {
    const nalUnits = parsed.type === 'single' ? [parsed.nalUnit] : parsed.nalUnits;
    for (const nalUnit of nalUnits) {
      const type = getHevcNalUnitType(nalUnit[0]!);
      info.frameStart ||= startsHevcPicture(type, nalUnit[2]);
      info.keyframe ||= isHevcIrap(type);
    }
  }
  return info;
};

/** The OBU payload of an RTP OBU element (which normally has no obu_size field). */
const obuPayload = (element: Uint8Array, headerLength: number, hasSizeField: boolean): Uint8Array => {
  if (!hasSizeField) {
    return element.subarray(headerLength);
  }
  const size = readLeb128(element, headerLength);
  const start = headerLength + size.length;
  return element.subarray(start, Math.min(element.length, start + size.value));
};

const AV1_FRAME_START_TYPES = new Set<number>([
  Av1ObuType.TemporalDelimiter,
  Av1ObuType.SequenceHeader,
  Av1ObuType.Metadata,
  Av1ObuType.FrameHeader,
  Av1ObuType.Frame,
]);

const probeAv1 = (payload: Uint8Array): VideoPacketInfo => {
  const aggregation = parseAv1AggregationHeader(payload);
  const info: VideoPacketInfo = { frameStart: false, keyframe: false };
  let frameKeyframe: boolean | undefined;
  let sequenceHeaderSeen = false;
  let reducedStillPicture = false;
  aggregation.elements.forEach((element, index) => {
    if (index === 0 && aggregation.z) {
      return;
    }
    const fragment = index === aggregation.elements.length - 1 && aggregation.y;
    const header = parseAv1ObuHeader(element);
    if (index === 0) {
      info.frameStart = AV1_FRAME_START_TYPES.has(header.type) && (header.spatialId ?? 0) === 0;
    }
    if (header.spatialId !== undefined && info.spatialLayer === undefined) {
      info.spatialLayer = header.spatialId;
      info.temporalLayer = header.temporalId;
    }
    const body = obuPayload(element, header.headerLength, header.hasSizeField);
    if (header.type === Av1ObuType.SequenceHeader) {
      sequenceHeaderSeen = true;
      try {
        const sequence = parseAv1SequenceHeader(body);
        info.width = sequence.maxFrameWidth;
        info.height = sequence.maxFrameHeight;
        reducedStillPicture = sequence.reducedStillPictureHeader;
      } catch (error) {
        // A sequence header cut by fragmentation is fine; a complete one that does not parse is not.
        if (!fragment || !isRepriseError(error)) {
          throw error;
        }
      }
    } else if ((header.type === Av1ObuType.Frame || header.type === Av1ObuType.FrameHeader) && frameKeyframe === undefined) {
      const first = body[0];
      if (reducedStillPicture) {
        frameKeyframe = true;
      } else if (first !== undefined) {
        // uncompressed_header(): show_existing_frame f(1), frame_type f(2) with KEY_FRAME = 0.
        frameKeyframe = (first & 0x80) === 0 && (first & 0x60) === 0;
      }
    }
  });
  info.keyframe = frameKeyframe ?? (aggregation.n || sequenceHeaderSeen);
  return info;
};

const probers: Record<VideoCodec, (payload: Uint8Array) => VideoPacketInfo> = {
  vp8: probeVp8,
  vp9: probeVp9,
  h264: probeH264,
  h265: probeH265,
  av1: probeAv1,
};

/** Returns null when the payload is malformed for its codec (descriptor, aggregation, SPS, ...). */
export const probeVideoPacket = (codec: VideoCodec, payload: Uint8Array): VideoPacketInfo | null => {
  try {
    return probers[codec](payload);
  } catch (error) {
    if (isRepriseError(error) && error.code === 'CODEC_MALFORMED') {
      return null;
    }
    throw error;
  }
};
