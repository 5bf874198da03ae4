/**
 * VP9 superframes, the writing side (VP9 Bitstream & Decoding Process Specification v0.6, Annex B):
 * several frames in one chunk, followed by an index the decoder reads from the end.
 *
 *     frame 0 | frame 1 | ... | frame N-1 | superframe_index()
 *
 *     superframe_index():
 *       superframe_marker f(3) = 0b110 | bytes_per_framesize_minus_1 f(2) | frames_in_superframe_minus_1 f(3)
 *       frame_sizes: N sizes of (bytes_per_framesize_minus_1 + 1) bytes each, little-endian
 *       the marker byte again
 *
 * A superframe holds 1 to 8 frames. Each frame decodes in order; every frame with show_frame = 1 is
 * output, except that libvpx-based decoders output only the last shown frame of a superframe.
 */
import { RepriseError } from '../shared/errors.js';

const MAX_FRAMES = 8;

/** Serializes frames (not superframes) into one superframe. Throws CODEC_MALFORMED on 0 or more than 8 frames. */
export const serializeVp9Superframe = (frames: readonly Uint8Array[]): Uint8Array => {
  if (frames.length === 0 || frames.length > MAX_FRAMES) {
    throw new RepriseError('CODEC_MALFORMED', `VP9: a superframe holds 1 to 8 frames, not ${frames.length}`, { details: { frames: frames.length } });
  }
  const largest = Math.max(...frames.map((frame) => frame.length));
  const bytesPerSize = largest < 2 ** 8 ? 1 : largest < 2 ** 16 ? 2 : largest < 2 ** 24 ? 3 : 4;
  const marker = 0xc0 | ((bytesPerSize - 1) << 3) | (frames.length - 1);
  const dataLength = frames.reduce((sum, frame) => sum + frame.length, 0);
  const out = new Uint8Array(dataLength + 2 + bytesPerSize * frames.length);
  let offset = 0;
  for (const frame of frames) {
    out.set(frame, offset);
    offset += frame.length;
  }
  out[offset++] = marker;
  for (const frame of frames) {
    for (let b = 0; b < bytesPerSize; b++) {
      out[offset++] = Math.floor(frame.length / 2 ** (8 * b)) & 0xff;
    }
  }
  out[offset] = marker;
  return out;
};
