/**
 * VP8 frame header: RFC 6386 §9.1 ("Uncompressed Data Chunk").
 *
 * Every frame starts with a 3-byte little-endian frame tag:
 *
 *     bit  0      key_frame        0 = key frame, 1 = interframe (inverted!)
 *     bits 1-3    version          0..3 defined (reconstruction filter / loop filter type)
 *     bit  4      show_frame
 *     bits 5-23   first_part_size  size of the first data partition in bytes (19 bits)
 *
 * Key frames continue with 7 more bytes:
 *
 *     start code  0x9d 0x01 0x2a
 *     u16 LE      horizontal_scale(2) | width(14)     (scale in the top two bits)
 *     u16 LE      vertical_scale(2)   | height(14)
 */

export type Vp8FrameHeader = {
  keyframe: boolean;
  version: number;
  showFrame: boolean;
  firstPartitionSize: number;
  /** Key frames only. */
  width?: number;
  height?: number;
  /** Key frames only: 0 = none, 1 = 5/4, 2 = 5/3, 3 = 2 (RFC 6386 §9.1). */
  horizontalScale?: number;
  verticalScale?: number;
};

const FRAME_TAG_SIZE = 3;
const KEYFRAME_HEADER_SIZE = 10;

/**
 * Parses the frame tag (and, for key frames, the start code and dimensions) at the start of a VP8
 * frame. Returns null when the bytes are too short or a key frame lacks the start code: the caller
 * has a damaged or mis-assembled frame, not a VP8 header.
 */
export const parseVp8FrameHeader = (frame: Uint8Array): Vp8FrameHeader | null => {
  if (frame.length < FRAME_TAG_SIZE) {
    return null;
  }
  const tag = frame[0]! | (frame[1]! << 8) | (frame[2]! << 16);
  const keyframe = (tag & 1) === 0;
  const header: Vp8FrameHeader = {
    keyframe,
    version: (tag >>> 1) & 0b111,
    showFrame: ((tag >>> 4) & 1) === 1,
    firstPartitionSize: tag >>> 5,
  };
  if (!keyframe) {
    return header;
  }
  if (frame.length < KEYFRAME_HEADER_SIZE || frame[3] !== 0x9d || frame[4] !== 0x01 || frame[5] !== 0x2a) {
    return null;
  }
  const horizontal = frame[6]! | (frame[7]! << 8);
  const vertical = frame[8]! | (frame[9]! << 8);
  return {
    ...header,
    width: horizontal & 0x3fff,
    height: vertical & 0x3fff,
    horizontalScale: horizontal >>> 14,
    verticalScale: vertical >>> 14,
  };
};
