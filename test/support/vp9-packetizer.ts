/**
 * A test-only VP9 packetizer written from RFC 9628 §4.2: one picture's layer frames, each split into
 * packets from B = 1 to E = 1, in flexible mode (F = 1, one P_DIFF of 1 on predicted frames) or
 * non-flexible mode (F = 0, TL0PICIDX), with 15-bit picture IDs, layer indices when the stream has
 * spatial layers, and a scalability structure on keyframes.
 */
import { concatBytes } from '../../src/shared/bytes.js';

export type Vp9LayerFrame = { spatialId: number; temporalId: number; data: Uint8Array };

export type Vp9PictureOptions = {
  mode: 'flexible' | 'non-flexible';
  mtu: number;
  pictureId: number;
  tl0PicIdx: number;
  keyframe: boolean;
  /** Write L (layer indices): needed with spatial layers. */
  layerIndices: boolean;
  /** Scalability structure resolutions, sent on the keyframe's first packet. */
  resolutions?: { width: number; height: number }[];
};

const scalabilityStructure = (resolutions: readonly { width: number; height: number }[]): Uint8Array =>
  Uint8Array.from([((resolutions.length - 1) << 5) | 0x10, ...resolutions.flatMap(({ width, height }) => [width >> 8, width & 0xff, height >> 8, height & 0xff])]);

export const packetizeVp9Picture = (layers: readonly Vp9LayerFrame[], options: Vp9PictureOptions): Uint8Array[] => {
  const payloads: Uint8Array[] = [];
  layers.forEach((layer, layerIndex) => {
    // Inter-picture predicted: every frame but the keyframe picture's (whose upper layers predict only from below).
    const predicted = !options.keyframe;
    const withSs = options.keyframe && layerIndex === 0 && options.resolutions !== undefined;
    for (let offset = 0; offset < layer.data.length || offset === 0; ) {
      const descriptor: number[] = [];
      const chunk = options.mtu - 8 - (withSs && offset === 0 ? 1 + 4 * options.resolutions!.length : 0);
      const begin = offset === 0;
      const end = offset + chunk >= layer.data.length;
      const first =
        0x80 |
        (predicted ? 0x40 : 0) |
        (options.layerIndices ? 0x20 : 0) |
        (options.mode === 'flexible' ? 0x10 : 0) |
        (begin ? 0x08 : 0) |
        (end ? 0x04 : 0) |
        (withSs && begin ? 0x02 : 0);
      descriptor.push(first, 0x80 | ((options.pictureId >> 8) & 0x7f), options.pictureId & 0xff);
      if (options.layerIndices) {
        descriptor.push((layer.temporalId << 5) | (layer.spatialId << 1) | (layer.spatialId > 0 ? 1 : 0));
        if (options.mode === 'non-flexible') {
          descriptor.push(options.tl0PicIdx & 0xff);
        }
      }
      if (options.mode === 'flexible' && predicted) {
        descriptor.push(1 << 1); // P_DIFF 1, N = 0
      }
      const parts: Uint8Array[] = [Uint8Array.from(descriptor)];
      if (withSs && begin) {
        parts.push(scalabilityStructure(options.resolutions!));
      }
      parts.push(layer.data.subarray(offset, offset + chunk));
      payloads.push(concatBytes(parts));
      offset += chunk;
    }
  });
  return payloads;
};
