/**
 * VP9 bitstream: the uncompressed header up to the frame size (VP9 Bitstream & Decoding Process
 * Specification v0.6, §6.2 uncompressed_header(), §6.2.1 frame_sync_code(), §6.2.2 color_config(),
 * §6.2.3 frame_size()) and the superframe index (Annex B).
 *
 *     frame_marker f(2) = 2 | profile_low_bit f(1) | profile_high_bit f(1)
 *     [reserved_zero f(1) if Profile == 3] | show_existing_frame f(1)
 *     show_existing_frame == 1: frame_to_show_map_idx f(3), end of header
 *     frame_type f(1) (0 = KEY_FRAME) | show_frame f(1) | error_resilient_mode f(1)
 *     KEY_FRAME: frame_sync_code (0x49 0x83 0x42), color_config(), frame_size()
 *     else:      intra_only f(1) if show_frame == 0; reset_frame_context f(2) if !error_resilient_mode
 *                intra_only: frame_sync_code, color_config() if Profile > 0 (else 8-bit 4:2:0),
 *                            refresh_frame_flags f(8), frame_size()
 *     frame_size(): frame_width_minus_1 f(16), frame_height_minus_1 f(16)
 */
import { BitReader } from '../shared/bit-reader.js';
import { RepriseError, isRepriseError } from '../shared/errors.js';

export type Vp9FrameHeader = {
  profile: number;
  showExistingFrame: boolean;
  /** frame_type == KEY_FRAME. */
  keyframe: boolean;
  /** Present for non-key frames that were not show_existing_frame. */
  intraOnly?: boolean;
  /** show_frame; true for show_existing_frame, which displays a frame without coding show_frame. */
  showFrame: boolean;
  errorResilientMode?: boolean;
  /** Key frames and intra-only frames only. */
  width?: number;
  height?: number;
  bitDepth?: number;
  colorSpace?: number;
  subsamplingX?: number;
  subsamplingY?: number;
  /** show_existing_frame only. */
  frameToShowMapIdx?: number;
};

const CS_BT_601 = 1;
const CS_RGB = 7;

const malformed = (message: string): RepriseError => new RepriseError('CODEC_MALFORMED', `VP9: ${message}`);

const readFrameSyncCode = (reader: BitReader): void => {
  if (reader.readBits(8) !== 0x49 || reader.readBits(8) !== 0x83 || reader.readBits(8) !== 0x42) {
    throw malformed('frame_sync_code is not 0x49 0x83 0x42');
  }
};

type ColorConfig = { bitDepth: number; colorSpace: number; subsamplingX: number; subsamplingY: number };

const readColorConfig = (reader: BitReader, profile: number): ColorConfig => {
  const bitDepth = profile >= 2 ? (reader.readBit() === 1 ? 12 : 10) : 8;
  const colorSpace = reader.readBits(3);
  const oddProfile = profile === 1 || profile === 3;
  if (colorSpace !== CS_RGB) {
    reader.skipBits(1); // color_range
    if (oddProfile) {
      const subsamplingX = reader.readBit();
      const subsamplingY = reader.readBit();
      if (reader.readBit() !== 0) {
        throw malformed('reserved_zero in color_config is set');
      }
      return { bitDepth, colorSpace, subsamplingX, subsamplingY };
    }
    return { bitDepth, colorSpace, subsamplingX: 1, subsamplingY: 1 };
  }
  // RGB is 4:4:4, which only profiles 1 and 3 can carry.
  if (!oddProfile) {
    throw malformed(`RGB color space in profile ${profile}`);
  }
  if (reader.readBit() !== 0) {
    throw malformed('reserved_zero in color_config is set');
  }
  return { bitDepth, colorSpace, subsamplingX: 0, subsamplingY: 0 };
};

const readFrameSize = (reader: BitReader): { width: number; height: number } => ({
  width: reader.readBits(16) + 1,
  height: reader.readBits(16) + 1,
});

const readHeader = (reader: BitReader): Vp9FrameHeader => {
  if (reader.readBits(2) !== 2) {
    throw malformed('frame_marker is not 2');
  }
  const profileLow = reader.readBit();
  const profile = (reader.readBit() << 1) | profileLow;
  if (profile === 3 && reader.readBit() !== 0) {
    throw malformed('reserved bit after profile 3 is set');
  }
  if (reader.readBit() === 1) {
    return {
      profile,
      showExistingFrame: true,
      keyframe: false,
      showFrame: true,
      frameToShowMapIdx: reader.readBits(3),
    };
  }
  const keyframe = reader.readBit() === 0;
  const showFrame = reader.readBit() === 1;
  const errorResilientMode = reader.readBit() === 1;
  const base = { profile, showExistingFrame: false, keyframe, showFrame, errorResilientMode };
  if (keyframe) {
    readFrameSyncCode(reader);
    const color = readColorConfig(reader, profile);
    return { ...base, ...color, ...readFrameSize(reader) };
  }
  const intraOnly = showFrame ? false : reader.readBit() === 1;
  if (!errorResilientMode) {
    reader.skipBits(2); // reset_frame_context
  }
  if (!intraOnly) {
    return { ...base, intraOnly };
  }
  readFrameSyncCode(reader);
  const color: ColorConfig =
    profile > 0 ? readColorConfig(reader, profile) : { bitDepth: 8, colorSpace: CS_BT_601, subsamplingX: 1, subsamplingY: 1 };
  reader.skipBits(8); // refresh_frame_flags
  return { ...base, intraOnly, ...color, ...readFrameSize(reader) };
};

/**
 * Parses the start of a VP9 frame (one frame, not a superframe: split those with
 * parseVp9Superframe first). Returns null when the bytes are not a valid uncompressed header.
 * colorSpace 1 (CS_BT_601) is implied for profile 0 intra-only frames.
 */
export const parseVp9FrameHeader = (frame: Uint8Array): Vp9FrameHeader | null => {
  try {
    return readHeader(new BitReader(frame));
  } catch (error) {
    if (isRepriseError(error) && error.code === 'CODEC_MALFORMED') {
      return null;
    }
    throw error;
  }
};

export type ByteRange = { offset: number; length: number };

/**
 * Splits a VP9 chunk into its frames using the superframe index (Annex B): the last byte is
 * superframe_marker f(3) = 0b110 | bytes_per_framesize_minus_1 f(2) | frames_in_superframe_minus_1 f(3),
 * the same byte opens the index, and between them are the frame sizes, little-endian.
 * Without a valid index marker the whole chunk is one frame. Throws CODEC_MALFORMED when an
 * index is present but its sizes do not fit the data before it, or a size is zero.
 */
export const parseVp9Superframe = (frame: Uint8Array): ByteRange[] => {
  const whole = [{ offset: 0, length: frame.length }];
  const marker = frame[frame.length - 1];
  if (marker === undefined || (marker & 0xe0) !== 0xc0) {
    return whole;
  }
  const bytesPerSize = ((marker >>> 3) & 0b11) + 1;
  const frameCount = (marker & 0b111) + 1;
  const indexSize = 2 + bytesPerSize * frameCount;
  if (indexSize > frame.length || frame[frame.length - indexSize] !== marker) {
    return whole;
  }
  const ranges: ByteRange[] = [];
  const dataEnd = frame.length - indexSize;
  let position = frame.length - indexSize + 1;
  let offset = 0;
  for (let i = 0; i < frameCount; i++) {
    let size = 0;
    for (let b = 0; b < bytesPerSize; b++) {
      size += frame[position++]! * 2 ** (8 * b);
    }
    if (size === 0 || offset + size > dataEnd) {
      throw new RepriseError('CODEC_MALFORMED', 'VP9 superframe index does not match the data', {
        details: { frame: i, size, offset, dataEnd },
      });
    }
    ranges.push({ offset, length: size });
    offset += size;
  }
  return ranges;
};
