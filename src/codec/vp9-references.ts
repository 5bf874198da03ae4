/**
 * Which reference slots a VP9 frame refreshes (VP9 Bitstream & Decoding Process Specification v0.6,
 * §6.2 uncompressed_header(), §7.2 semantics of refresh_frame_flags):
 *
 *     frame_marker f(2) | profile_low_bit f(1) | profile_high_bit f(1) | [reserved_zero f(1) if Profile 3]
 *     show_existing_frame f(1)                     → 1: shows a slot, refreshes none
 *     frame_type f(1) | show_frame f(1) | error_resilient_mode f(1)
 *     KEY_FRAME                                    → refreshes all eight slots
 *     intra_only f(1) if show_frame == 0 | reset_frame_context f(2) if error_resilient_mode == 0
 *     intra_only: frame_sync_code f(24) | color_config() if Profile > 0 | refresh_frame_flags f(8)
 *     inter:      refresh_frame_flags f(8)
 *
 * A frame that refreshes no slot can never be referenced: dropping it breaks nothing.
 */
import { BitReader } from '../shared/bit-reader.js';
import { isRepriseError } from '../shared/errors.js';

const CS_RGB = 7;

const skipColorConfig = (reader: BitReader, profile: number): void => {
  if (profile >= 2) {
    reader.skipBits(1); // ten_or_twelve_bit
  }
  const colorSpace = reader.readBits(3);
  const oddProfile = profile === 1 || profile === 3;
  if (colorSpace !== CS_RGB) {
    reader.skipBits(1 + (oddProfile ? 3 : 0)); // color_range [, subsampling_x, subsampling_y, reserved_zero]
  } else if (oddProfile) {
    reader.skipBits(1); // reserved_zero
  }
};

const readRefreshFrameFlags = (reader: BitReader): number => {
  if (reader.readBits(2) !== 2) {
    return -1;
  }
  const profile = reader.readBit() | (reader.readBit() << 1);
  if (profile === 3) {
    reader.skipBits(1);
  }
  if (reader.readBit() === 1) {
    return 0; // show_existing_frame
  }
  const keyframe = reader.readBit() === 0;
  const showFrame = reader.readBit() === 1;
  const errorResilient = reader.readBit() === 1;
  if (keyframe) {
    return 0xff;
  }
  const intraOnly = !showFrame && reader.readBit() === 1;
  if (!errorResilient) {
    reader.skipBits(2); // reset_frame_context
  }
  if (intraOnly) {
    reader.skipBits(24); // frame_sync_code
    if (profile > 0) {
      skipColorConfig(reader, profile);
    }
  }
  return reader.readBits(8);
};

/** refresh_frame_flags of one frame (not a superframe), or null when the header is not VP9. */
export const parseVp9RefreshFrameFlags = (frame: Uint8Array): number | null => {
  try {
    const flags = readRefreshFrameFlags(new BitReader(frame));
    return flags < 0 ? null : flags;
  } catch (error) {
    if (isRepriseError(error)) {
      return null;
    }
    throw error;
  }
};
