/**
 * Writes `.mjr` files for tests: every generation of the format, RTP packets built from fields, and the
 * damage real recordings carry. Independent of the reader it tests (it writes bytes from the format notes).
 */
import { concatBytes, writeI64Be, writeU16Be, writeU32Be } from '../../src/shared/bytes.js';

export type RtpFields = {
  payloadType?: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc?: number;
  marker?: boolean;
  csrcs?: number[];
  /** RFC 8285 elements; `profile` picks the one-byte (0xBEDE) or two-byte (0x1000) form. */
  extensions?: { profile: 'one-byte' | 'two-byte'; elements: Array<{ id: number; data: Uint8Array }> };
  payload: Uint8Array;
  paddingLength?: number;
};

export const DEFAULT_SSRC = 0x1234_5678;

export const buildRtpPacket = (fields: RtpFields): Uint8Array => {
  const csrcs = fields.csrcs ?? [];
  let extension = new Uint8Array(0);
  if (fields.extensions !== undefined) {
    const oneByte = fields.extensions.profile === 'one-byte';
    const body = concatBytes(
      fields.extensions.elements.map(({ id, data }) =>
        concatBytes([oneByte ? new Uint8Array([(id << 4) | (data.length - 1)]) : new Uint8Array([id, data.length]), data]),
      ),
    );
    const padded = new Uint8Array(Math.ceil(body.length / 4) * 4);
    padded.set(body);
    extension = new Uint8Array(4 + padded.length);
    writeU16Be(extension, 0, oneByte ? 0xbede : 0x1000);
    writeU16Be(extension, 2, padded.length / 4);
    extension.set(padded, 4);
  }
  const paddingLength = fields.paddingLength ?? 0;
  const header = new Uint8Array(12 + csrcs.length * 4);
  header[0] = 0x80 | (paddingLength > 0 ? 0x20 : 0) | (fields.extensions ? 0x10 : 0) | csrcs.length;
  header[1] = ((fields.marker ? 1 : 0) << 7) | (fields.payloadType ?? 96);
  writeU16Be(header, 2, fields.sequenceNumber & 0xffff);
  writeU32Be(header, 4, fields.timestamp >>> 0);
  writeU32Be(header, 8, fields.ssrc ?? DEFAULT_SSRC);
  csrcs.forEach((csrc, index) => writeU32Be(header, 12 + index * 4, csrc));
  const padding = new Uint8Array(paddingLength);
  if (paddingLength > 0) {
    padding[paddingLength - 1] = paddingLength;
  }
  return concatBytes([header, extension, fields.payload, padding]);
};

export type MjrFrame = { arrivalOffsetMs?: number; bytes: Uint8Array; timeUs?: number };

export type MjrFile = {
  version?: 'MJR00002' | 'MJR00001' | 'MEETECHO';
  /** The JSON info object (MJR00001/2), or 'audio' / 'video' for legacy files. Strings are written verbatim. */
  header: Record<string, unknown> | string;
  frames: MjrFrame[];
};

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Janus writes its JSON with jansson: spaces after ':' and ','. Mimic that. */
export const janusJson = (info: Record<string, unknown>): string =>
  JSON.stringify(info).replace(/":/g, '": ').replace(/,"/g, ', "');

export const writeMjr = (file: MjrFile): Uint8Array => {
  const version = file.version ?? 'MJR00002';
  const headerText = typeof file.header === 'string' ? file.header : janusJson(file.header);
  const headerBytes = ascii(headerText);
  const head = new Uint8Array(10);
  head.set(ascii(version === 'MEETECHO' ? 'MEETECHO' : version));
  writeU16Be(head, 8, headerBytes.length);
  const parts: Uint8Array[] = [head, headerBytes];
  for (const frame of file.frames) {
    const body = frame.timeUs === undefined ? frame.bytes : concatBytes([timeBytes(frame.timeUs), frame.bytes]);
    const prefix = new Uint8Array(10);
    if (version === 'MJR00002') {
      prefix.set(ascii('MEET'));
      writeU32Be(prefix, 4, frame.arrivalOffsetMs ?? 0);
    } else {
      prefix.set(ascii('MEETECHO'));
    }
    writeU16Be(prefix, 8, body.length);
    parts.push(prefix, body);
  }
  return concatBytes(parts);
};

const timeBytes = (timeUs: number): Uint8Array => {
  const bytes = new Uint8Array(8);
  writeI64Be(bytes, 0, timeUs);
  return bytes;
};

export const CREATED_US = 1_764_000_000_000_000;
export const FIRST_PACKET_US = CREATED_US + 650_000;

export const audioHeader = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  t: 'a',
  c: 'opus',
  s: CREATED_US,
  u: FIRST_PACKET_US,
  ...extra,
});

export const videoHeader = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  t: 'v',
  c: 'vp8',
  s: CREATED_US,
  u: FIRST_PACKET_US,
  ...extra,
});

/** A 20 ms Opus packet's payload: TOC config 9 (SILK WB 20 ms), mono, one frame, then filler bytes. */
export const opusPayload = (size = 40, fill = 0x55): Uint8Array => {
  const payload = new Uint8Array(size).fill(fill);
  payload[0] = (9 << 3) | 0;
  return payload;
};

/** Opus track frames: one packet every 20 ms (960 ticks), arrival in step with RTP time. */
export const opusFrames = (count: number, options: { firstSequence?: number; firstTimestamp?: number; ssrc?: number } = {}): MjrFrame[] =>
  Array.from({ length: count }, (_, index) => ({
    arrivalOffsetMs: index * 20,
    bytes: buildRtpPacket({
      payloadType: 111,
      sequenceNumber: (options.firstSequence ?? 1) + index,
      timestamp: (options.firstTimestamp ?? 0) + index * 960,
      ssrc: options.ssrc ?? DEFAULT_SSRC,
      payload: opusPayload(),
    }),
  }));

/**
 * A VP8 RTP payload (RFC 7741 descriptor + RFC 6386 frame tag): the first packet of a frame carries the
 * frame tag, and for a keyframe the start code and size. Filler bytes stand for the compressed data.
 */
export const vp8Payload = (options: { start: boolean; keyframe?: boolean; width?: number; height?: number; size?: number }): Uint8Array => {
  const size = options.size ?? 100;
  const payload = new Uint8Array(size).fill(0x42);
  payload[0] = options.start ? 0x10 : 0x00; // X=0 N=0 S PID=0
  if (options.start) {
    const keyframe = options.keyframe ?? false;
    const firstPartitionSize = 20;
    const tag = (firstPartitionSize << 5) | (1 << 4) | (keyframe ? 0 : 1); // size, show_frame, version 0, P
    payload[1] = tag & 0xff;
    payload[2] = (tag >>> 8) & 0xff;
    payload[3] = (tag >>> 16) & 0xff;
    if (keyframe) {
      payload.set([0x9d, 0x01, 0x2a], 4);
      const width = options.width ?? 640;
      const height = options.height ?? 360;
      payload.set([width & 0xff, (width >>> 8) & 0x3f, height & 0xff, (height >>> 8) & 0x3f], 7);
    }
  }
  return payload;
};

/**
 * VP8 track frames at 30 fps (3000 ticks), `packetsPerFrame` packets each, marker on the last; a keyframe
 * every `keyframeInterval` frames (frame 0 included unless `firstKeyframe` is false).
 */
export const vp8Frames = (
  frameCount: number,
  options: { packetsPerFrame?: number; keyframeInterval?: number; firstKeyframe?: boolean; width?: number; height?: number; ssrc?: number } = {},
): MjrFrame[] => {
  const packetsPerFrame = options.packetsPerFrame ?? 2;
  const keyframeInterval = options.keyframeInterval ?? 30;
  const frames: MjrFrame[] = [];
  let sequenceNumber = 1;
  for (let frame = 0; frame < frameCount; frame++) {
    const keyframe = frame % keyframeInterval === 0 && (frame > 0 || options.firstKeyframe !== false);
    for (let part = 0; part < packetsPerFrame; part++) {
      frames.push({
        arrivalOffsetMs: Math.round((frame * 1000) / 30),
        bytes: buildRtpPacket({
          payloadType: 96,
          sequenceNumber: sequenceNumber++,
          timestamp: frame * 3000,
          ssrc: options.ssrc ?? DEFAULT_SSRC,
          marker: part === packetsPerFrame - 1,
          payload: vp8Payload({ start: part === 0, keyframe, width: options.width, height: options.height }),
        }),
      });
    }
  }
  return frames;
};
