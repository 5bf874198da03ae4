/**
 * Real recordings, damaged on purpose: read a fixture's frames, change them the way production recordings
 * get damaged, and write them back with the mjr writer. The codec payloads stay real, so the outputs can be
 * decoded by ffmpeg.
 */
import { readFileSync } from 'node:fs';
import { parseMjrBytes } from '../../src/mjr/index.js';
import { writeMjr, type MjrFrame } from './mjr-writer.js';

export type Recording = { header: string; frames: MjrFrame[] };

export const readRecording = (path: string): Recording => {
  let header = '';
  const frames: MjrFrame[] = [];
  for (const record of parseMjrBytes(new Uint8Array(readFileSync(path)))) {
    if (record.type === 'header') {
      header = record.header.json;
    } else if (record.type === 'packet') {
      frames.push({ arrivalOffsetMs: record.arrivalOffsetMs ?? 0, bytes: record.bytes.slice() });
    }
  }
  return { header, frames };
};

export const writeRecording = (recording: Recording): Uint8Array => writeMjr({ header: recording.header, frames: recording.frames });

const view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
export const sequenceOf = (frame: MjrFrame): number => view(frame.bytes).getUint16(2);
export const timestampOf = (frame: MjrFrame): number => view(frame.bytes).getUint32(4);

/** A copy of the frame with RTP fields changed. */
export const rewrite = (frame: MjrFrame, change: { sequenceNumber?: number; timestamp?: number; ssrc?: number; arrivalOffsetMs?: number }): MjrFrame => {
  const bytes = frame.bytes.slice();
  const fields = view(bytes);
  if (change.sequenceNumber !== undefined) {
    fields.setUint16(2, change.sequenceNumber & 0xffff);
  }
  if (change.timestamp !== undefined) {
    fields.setUint32(4, change.timestamp >>> 0);
  }
  if (change.ssrc !== undefined) {
    fields.setUint32(8, change.ssrc >>> 0);
  }
  return { arrivalOffsetMs: change.arrivalOffsetMs ?? frame.arrivalOffsetMs, bytes };
};

/** Shifts every sequence number and timestamp so that both wrap about `atFraction` of the way through. */
export const wrapAround = (recording: Recording, atFraction: number): Recording => {
  const pivot = recording.frames[Math.floor(recording.frames.length * atFraction)]!;
  const sequenceShift = 0x10000 - sequenceOf(pivot);
  const timestampShift = 0x1_0000_0000 - timestampOf(pivot);
  return {
    header: recording.header,
    frames: recording.frames.map((frame) => rewrite(frame, { sequenceNumber: sequenceOf(frame) + sequenceShift, timestamp: timestampOf(frame) + timestampShift })),
  };
};

/** From `atFraction` on, a new SSRC with unrelated sequence numbers and timestamps (a SIP re-INVITE). */
export const changeSsrc = (recording: Recording, atFraction: number): Recording => {
  const cut = Math.floor(recording.frames.length * atFraction);
  return {
    header: recording.header,
    frames: recording.frames.map((frame, index) =>
      index < cut ? frame : rewrite(frame, { ssrc: 0x0bad_cafe, sequenceNumber: sequenceOf(frame) + 20_000, timestamp: timestampOf(frame) + 1_234_567_890 }),
    ),
  };
};

/** Removes every packet of the first RTP timestamp (the first frame: a keyframe in these recordings) and those before the next keyframe. */
export const dropFirstFrame = (recording: Recording): Recording => {
  const first = timestampOf(recording.frames[0]!);
  return { header: recording.header, frames: recording.frames.filter((frame) => timestampOf(frame) !== first) };
};

/** Loses every n-th packet (as a network would, before Janus recorded them). */
export const losePackets = (recording: Recording, every: number, offset = 7): Recording => ({
  header: recording.header,
  frames: recording.frames.filter((_, index) => (index + offset) % every !== 0),
});

/**
 * Discontinuous transmission: the sender stops between two times; sequence numbers stay consecutive, RTP and
 * arrival time jump together (RFC 7587 §3.1.3).
 */
export const silenceSpan = (recording: Recording, fromMs: number, toMs: number): Recording => {
  const kept = recording.frames.filter((frame) => frame.arrivalOffsetMs! < fromMs || frame.arrivalOffsetMs! >= toMs);
  const firstSequence = sequenceOf(recording.frames[0]!);
  return { header: recording.header, frames: kept.map((frame, index) => rewrite(frame, { sequenceNumber: firstSequence + index })) };
};

/**
 * RFC 2198 RED: each packet carries the previous packet's payload as redundancy (payload type `redPayloadType`),
 * the way browsers send Opus RED. The header gains `"or"`.
 */
export const wrapInRed = (recording: Recording, redPayloadType: number): Recording => {
  const header = JSON.stringify({ ...(JSON.parse(recording.header) as Record<string, unknown>), or: redPayloadType });
  let previous: { payload: Uint8Array; timestamp: number } | null = null;
  const frames = recording.frames.map((frame) => {
    const fields = view(frame.bytes);
    const headerLength = 12 + (frame.bytes[0]! & 0x0f) * 4 + ((frame.bytes[0]! & 0x10) !== 0 ? 4 + fields.getUint16(12 + (frame.bytes[0]! & 0x0f) * 4 + 2) * 4 : 0);
    const payloadType = frame.bytes[1]! & 0x7f;
    const payload = frame.bytes.subarray(headerLength);
    const timestamp = timestampOf(frame);
    const blocks: number[] = [];
    if (previous !== null) {
      const offset = (timestamp - previous.timestamp) >>> 0;
      const word = (offset << 10) | previous.payload.length;
      blocks.push(0x80 | payloadType, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff);
    }
    blocks.push(payloadType);
    const red = new Uint8Array(headerLength + blocks.length + (previous?.payload.length ?? 0) + payload.length);
    red.set(frame.bytes.subarray(0, headerLength));
    red[1] = (frame.bytes[1]! & 0x80) | redPayloadType;
    red.set(blocks, headerLength);
    if (previous !== null) {
      red.set(previous.payload, headerLength + blocks.length);
    }
    red.set(payload, red.length - payload.length);
    previous = { payload: payload.slice(), timestamp };
    return { arrivalOffsetMs: frame.arrivalOffsetMs, bytes: red };
  });
  return { header, frames };
};
