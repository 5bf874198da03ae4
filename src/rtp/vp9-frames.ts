/**
 * VP9 frames from RTP payloads (RFC 9628), flexible and non-flexible mode, with or without spatial layers.
 *
 *        0 1 2 3 4 5 6 7
 *       +-+-+-+-+-+-+-+-+
 *       |I|P|L|F|B|E|V|Z|  payload descriptor, first octet (full diagram in rtp/vp9.ts)
 *       +-+-+-+-+-+-+-+-+
 *
 * All packets of one RTP timestamp form a picture. Inside it, each layer frame runs from a packet with
 * B = 1 to one with E = 1 (§4.2); its payloads, descriptors stripped, concatenate to one VP9 frame, or
 * to a superframe when the sender packed hidden frames with it (VP9 spec Annex B).
 *
 * Spatial layers (SVC): the upper layer frames of a picture predict from the lower ones, so none of them
 * decodes alone. The sample is therefore a superframe (Annex B) holding every layer frame received for
 * the picture, lowest spatial layer first, with the superframe index: exactly what a libvpx SVC encoder
 * writes for one picture. A decoder runs through all of them and ends on the highest spatial layer, so
 * the stream plays at the highest layer the sender produced. janus-pp-rec concatenates the layer frames
 * with no index, which FFmpeg's VP9 decoder cannot split. Note that libvpx codes every layer frame with
 * show_frame = 1: libvpx-based decoders (Chrome, `-c:v libvpx-vp9`) output only the last frame of a
 * superframe, the top layer, while FFmpeg's native decoder outputs one frame per layer.
 *
 * Keyframe: frame_type = KEY_FRAME in the uncompressed header of the picture's first frame (the base
 * layer); the descriptor's P bit is not trusted (FFmpeg leaves it 0 on every frame). Discardable: every
 * frame of the picture has refresh_frame_flags = 0, so no later frame can refer to it (the descriptor has
 * no such flag: U and D describe layer switching, not whether a frame is kept). Size: the scalability
 * structure's resolution for the top layer present when the sender sent one, else the frame header.
 */
import { parseVp9FrameHeader, parseVp9Superframe } from '../codec/vp9.js';
import { parseVp9RefreshFrameFlags } from '../codec/vp9-references.js';
import { serializeVp9Superframe } from '../codec/vp9-superframe.js';
import { concatBytes } from '../shared/bytes.js';
import { isRepriseError } from '../shared/errors.js';
import type { BuiltFrame, VideoFrameBuilder } from './depacketizer.js';
import { parseVp9Descriptor, type Vp9Descriptor } from './vp9.js';

type LayerFrame = { spatialId: number; data: Uint8Array };
type Size = { width: number; height: number };

const descriptorOf = (payload: Uint8Array): Vp9Descriptor | null => {
  try {
    return parseVp9Descriptor(payload);
  } catch (error) {
    if (isRepriseError(error)) {
      return null;
    }
    throw error;
  }
};

/** The picture's layer frames in order; null when a descriptor is malformed or the first packet has no B. */
const collectLayerFrames = (payloads: readonly Uint8Array[], onDescriptor: (descriptor: Vp9Descriptor) => void): LayerFrame[] | null => {
  const layers: { spatialId: number; parts: Uint8Array[] }[] = [];
  for (const payload of payloads) {
    const descriptor = descriptorOf(payload);
    if (descriptor === null) {
      return null;
    }
    onDescriptor(descriptor);
    const current = layers.at(-1);
    if (descriptor.b || current === undefined) {
      if (!descriptor.b) {
        return null;
      }
      layers.push({ spatialId: descriptor.spatialId ?? 0, parts: [] });
    }
    layers.at(-1)!.parts.push(payload.subarray(descriptor.headerLength));
  }
  return layers.map((layer) => ({ spatialId: layer.spatialId, data: concatBytes(layer.parts) }));
};

/** The frames inside each layer frame (a layer frame may itself be a superframe). Throws CODEC_MALFORMED. */
const splitFrames = (layers: readonly LayerFrame[]): Uint8Array[] =>
  layers.flatMap((layer) => parseVp9Superframe(layer.data).map(({ offset, length }) => layer.data.subarray(offset, offset + length)));

/**
 * The size the picture decodes to: the scalability structure's for its top spatial layer, else the last
 * frame's header when it carries one (key or intra-only), else, without spatial layers, the first's.
 */
const sizeOf = (layers: readonly LayerFrame[], frames: readonly Uint8Array[], layerSizes: readonly Size[]): Size | null => {
  const fromStructure = layerSizes[Math.max(...layers.map((layer) => layer.spatialId))];
  if (fromStructure !== undefined) {
    return fromStructure;
  }
  const candidates = layers.length === 1 ? [frames.at(-1)!, frames[0]!] : [frames.at(-1)!];
  for (const candidate of candidates) {
    const header = parseVp9FrameHeader(candidate);
    if (header?.width !== undefined && header.height !== undefined) {
      return { width: header.width, height: header.height };
    }
  }
  return null;
};

export const createVp9FrameBuilder = (): VideoFrameBuilder => {
  /** Per spatial layer, from the latest scalability structure with resolutions (Y = 1). */
  let layerSizes: Size[] = [];

  const buildFrame = (payloads: readonly Uint8Array[]): BuiltFrame | null => {
    const layers = collectLayerFrames(payloads, (descriptor) => {
      layerSizes = descriptor.scalabilityStructure?.resolutions ?? layerSizes;
    });
    if (layers === null) {
      return null;
    }
    let frames: Uint8Array[];
    let data: Uint8Array;
    try {
      frames = splitFrames(layers);
      data = layers.length === 1 ? layers[0]!.data : serializeVp9Superframe(frames);
    } catch (error) {
      if (isRepriseError(error)) {
        return null;
      }
      throw error;
    }
    const first = parseVp9FrameHeader(frames[0]!);
    if (first === null) {
      return null;
    }
    const frame: BuiltFrame = {
      data,
      keyframe: first.keyframe,
      discardable: frames.every((part) => parseVp9RefreshFrameFlags(part) === 0),
    };
    const size = sizeOf(layers, frames, layerSizes);
    if (size !== null) {
      frame.width = size.width;
      frame.height = size.height;
    }
    return frame;
  };

  return {
    codec: 'vp9',
    isFrameStart: (payload) => {
      const descriptor = descriptorOf(payload);
      return descriptor !== null && descriptor.b && (descriptor.spatialId ?? 0) === 0;
    },
    buildFrame,
    decoderConfig: () => null,
  };
};
