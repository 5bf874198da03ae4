/**
 * Opus packet facts: RFC 6716 §3.1 (TOC byte), §3.2 (frame packing, codes 0-3), §3.4 (packet
 * validity), RFC 7587 (one Opus packet per RTP payload), RFC 7845 §5.1 (OpusHead).
 *
 *     TOC byte:  0 1 2 3 4 5 6 7
 *               +-+-+-+-+-+-+-+-+
 *               | config  |s| c |
 *               +-+-+-+-+-+-+-+-+
 *
 *     config 0-11: SILK (NB 0-3, MB 4-7, WB 8-11) at 10/20/40/60 ms
 *     config 12-15: Hybrid (SWB 12-13, FB 14-15) at 10/20 ms
 *     config 16-31: CELT (NB, WB, SWB, FB, four each) at 2.5/5/10/20 ms
 *     s: stereo; c: 0 = 1 frame, 1 = 2 equal frames, 2 = 2 frames of different size,
 *        3 = M frames, count in the next byte:  |v|p|     M     |
 */
import { RepriseError } from '../shared/errors.js';

export type OpusMode = 'silk' | 'hybrid' | 'celt';
export type OpusBandwidth = 'narrowband' | 'mediumband' | 'wideband' | 'superwideband' | 'fullband';

export type OpusToc = {
  config: number;
  mode: OpusMode;
  bandwidth: OpusBandwidth;
  frameDurationUs: number;
  stereo: boolean;
  frameCountCode: number;
};

const SILK_DURATIONS_US = [10_000, 20_000, 40_000, 60_000] as const;
const HYBRID_DURATIONS_US = [10_000, 20_000] as const;
const CELT_DURATIONS_US = [2_500, 5_000, 10_000, 20_000] as const;
const SILK_BANDWIDTHS: readonly OpusBandwidth[] = ['narrowband', 'mediumband', 'wideband'];
const CELT_BANDWIDTHS: readonly OpusBandwidth[] = ['narrowband', 'wideband', 'superwideband', 'fullband'];

/** RFC 6716 §3.4 R5: a packet holds at most 120 ms of audio. */
const MAX_PACKET_DURATION_US = 120_000;

export const parseOpusToc = (byte: number): OpusToc => {
  const config = (byte >>> 3) & 0x1f;
  const stereo = (byte & 0x04) !== 0;
  const frameCountCode = byte & 0x03;
  let mode: OpusMode;
  let bandwidth: OpusBandwidth;
  let frameDurationUs: number;
  if (config < 12) {
    mode = 'silk';
    bandwidth = SILK_BANDWIDTHS[config >>> 2]!;
    frameDurationUs = SILK_DURATIONS_US[config & 3]!;
  } else if (config < 16) {
    mode = 'hybrid';
    bandwidth = config < 14 ? 'superwideband' : 'fullband';
    frameDurationUs = HYBRID_DURATIONS_US[config & 1]!;
  } else {
    mode = 'celt';
    bandwidth = CELT_BANDWIDTHS[(config - 16) >>> 2]!;
    frameDurationUs = CELT_DURATIONS_US[config & 3]!;
  }
  return { config, mode, bandwidth, frameDurationUs, stereo, frameCountCode };
};

/** Reads a §3.2.1 frame length at `offset`: returns [length, bytes used] or null when cut short. */
const readFrameLength = (packet: Uint8Array, offset: number): [number, number] | null => {
  const first = packet[offset];
  if (first === undefined) {
    return null;
  }
  if (first < 252) {
    return [first, 1];
  }
  const second = packet[offset + 1];
  return second === undefined ? null : [second * 4 + first, 2];
};

/** Frame count of a code 3 packet after checking R5-R7 of RFC 6716 §3.4, or null. */
const code3FrameCount = (packet: Uint8Array, frameDurationUs: number): number | null => {
  const countByte = packet[1];
  if (countByte === undefined) {
    return null;
  }
  const count = countByte & 0x3f;
  if (count === 0 || count * frameDurationUs > MAX_PACKET_DURATION_US) {
    return null;
  }
  let offset = 2;
  let padding = 0;
  if ((countByte & 0x40) !== 0) {
    for (;;) {
      const value = packet[offset++];
      if (value === undefined) {
        return null;
      }
      padding += value === 255 ? 254 : value;
      if (value !== 255) {
        break;
      }
    }
  }
  let remaining = packet.length - offset - padding;
  if ((countByte & 0x80) !== 0) {
    for (let i = 0; i < count - 1; i++) {
      const length = readFrameLength(packet, offset);
      if (length === null) {
        return null;
      }
      offset += length[1];
      remaining -= length[0] + length[1];
    }
    return remaining >= 0 ? count : null;
  }
  return remaining >= 0 && remaining % count === 0 ? count : null;
};

/**
 * Duration of one Opus packet in microseconds from its TOC and frame count, or null when the packet
 * is empty or breaks the framing rules of RFC 6716 §3.4 (odd CBR split, lengths past the end,
 * zero frames, more than 120 ms).
 */
export const getOpusPacketDurationUs = (packet: Uint8Array): number | null => {
  const tocByte = packet[0];
  if (tocByte === undefined) {
    return null;
  }
  const toc = parseOpusToc(tocByte);
  let frames: number | null;
  switch (toc.frameCountCode) {
    case 0:
      frames = 1;
      break;
    case 1:
      frames = (packet.length - 1) % 2 === 0 ? 2 : null;
      break;
    case 2: {
      const length = readFrameLength(packet, 1);
      frames = length !== null && 1 + length[1] + length[0] <= packet.length ? 2 : null;
      break;
    }
    default:
      frames = code3FrameCount(packet, toc.frameDurationUs);
  }
  return frames === null ? null : frames * toc.frameDurationUs;
};

/**
 * A 20 ms Opus packet that decodes to digital silence: TOC 0xf8 (CELT fullband 20 ms, mono, one
 * frame) followed by the two bytes libopus 1.3 emits for an all-zero input frame. Derived by
 * encoding `anullsrc=r=48000:cl=mono` with `-c:a libopus -frame_duration 20` and checked by
 * decoding 50 copies (in mono and in stereo Ogg streams) back to 48,000 zero samples per channel.
 * A mono packet is valid in a stereo stream: the decoder upmixes it.
 */
export const OPUS_SILENCE_FRAME_20MS: Uint8Array = Uint8Array.of(0xf8, 0xff, 0xfe);

export type OpusHeadConfig = {
  channelCount: number;
  preSkip: number;
  inputSampleRate: number;
  /** Q7.8 dB, signed. */
  outputGain: number;
  mappingFamily: number;
  streamCount?: number;
  coupledCount?: number;
  channelMapping?: readonly number[];
};

const invalid = (message: string): RepriseError => new RepriseError('CODEC_MALFORMED', `OpusHead: ${message}`);

const isIntegerIn = (value: number, min: number, max: number): boolean => Number.isInteger(value) && value >= min && value <= max;

const checkMappingTable = (config: OpusHeadConfig): { streams: number; coupled: number; mapping: readonly number[] } => {
  const { streamCount: streams, coupledCount: coupled, channelMapping: mapping } = config;
  if (streams === undefined || coupled === undefined || mapping === undefined) {
    throw invalid('mapping families other than 0 need streamCount, coupledCount and channelMapping');
  }
  if (!isIntegerIn(streams, 1, 255) || !isIntegerIn(coupled, 0, streams) || streams + coupled > 255) {
    throw invalid('streamCount must be 1..255 and coupledCount 0..streamCount, with their sum at most 255');
  }
  if (mapping.length !== config.channelCount) {
    throw invalid('channelMapping needs one entry per channel');
  }
  for (const entry of mapping) {
    if (!(entry === 255 || isIntegerIn(entry, 0, streams + coupled - 1))) {
      throw invalid('channelMapping entries must be below streamCount + coupledCount, or 255 for silence');
    }
  }
  return { streams, coupled, mapping };
};

/** The OpusHead identification header, RFC 7845 §5.1 (version 1, little-endian fields). */
export const serializeOpusHead = (config: OpusHeadConfig): Uint8Array => {
  const { channelCount, preSkip, inputSampleRate, outputGain, mappingFamily } = config;
  if (!isIntegerIn(channelCount, 1, 255)) {
    throw invalid('channelCount must be 1..255');
  }
  if (!isIntegerIn(preSkip, 0, 0xffff) || !isIntegerIn(inputSampleRate, 0, 0xffffffff)) {
    throw invalid('preSkip must fit 16 bits and inputSampleRate 32 bits');
  }
  if (!isIntegerIn(outputGain, -32768, 32767) || !isIntegerIn(mappingFamily, 0, 255)) {
    throw invalid('outputGain must fit a signed 16-bit value and mappingFamily 8 bits');
  }
  if (mappingFamily === 0 && channelCount > 2) {
    throw invalid('mapping family 0 carries 1 or 2 channels');
  }
  if (mappingFamily === 1 && channelCount > 8) {
    throw invalid('mapping family 1 carries at most 8 channels');
  }
  const table = mappingFamily === 0 ? null : checkMappingTable(config);
  const out = new Uint8Array(19 + (table === null ? 0 : 2 + channelCount));
  const view = new DataView(out.buffer);
  out.set([0x4f, 0x70, 0x75, 0x73, 0x48, 0x65, 0x61, 0x64], 0); // "OpusHead"
  out[8] = 1;
  out[9] = channelCount;
  view.setUint16(10, preSkip, true);
  view.setUint32(12, inputSampleRate, true);
  view.setInt16(16, outputGain, true);
  out[18] = mappingFamily;
  if (table !== null) {
    out[19] = table.streams;
    out[20] = table.coupled;
    out.set(table.mapping, 21);
  }
  return out;
};
