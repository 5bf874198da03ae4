/**
 * Builds a long MJR00002 recording from a short one by playing its packets again and again. Each repetition is
 * shifted by the source's span plus one packet interval, separately for sequence numbers (mod 2^16), RTP
 * timestamps (mod 2^32) and arrival times (u32 ms), so a reader sees one continuous recording: no gap, no
 * jump, no lost packet at the seams. Anything the source holds inside a repetition (reordering, duplicates,
 * jitter) repeats with it.
 *
 * A data recording (MJR00002 text/binary messages, no RTP) is repeated the same way on its two clocks: the arrival
 * ms and the message time (µs) each frame body starts with, both shifted by the span plus the typical gap between
 * messages.
 *
 * The result is streamed to disk through one fixed buffer: memory holds the source, never the long file.
 */
import { open, readFile } from 'node:fs/promises';
import { clockRateOf, MjrParser, parseMjrBytes } from '../../src/mjr/index.js';
import { readI64Be, readU16Be, readU32Be, writeI64Be, writeU16Be, writeU32Be } from '../../src/shared/bytes.js';

export type LongRecordingOptions = {
  sourcePath: string;
  targetPath: string;
  /** Media time to cover: packets whose RTP time since the first packet is at or past it are not written. */
  durationMs: number;
  /** Bytes gathered before each write to disk. */
  chunkBytes?: number;
};

export type LongRecordingResult = {
  repetitions: number;
  packets: number;
  sizeBytes: number;
  /** RTP time from the first to the last packet written. */
  durationMs: number;
  /** How far each repetition is shifted, in media time. */
  periodMs: number;
  /** Source frames left out because they are not RTP (shorter than 12 bytes or not version 2). */
  droppedSourceFrames: number;
};

type SourcePacket = { bytes: Uint8Array; arrivalOffsetMs: number; extendedSequence: number; extendedTimestamp: number };

type Source = { headerBytes: Uint8Array; clockRate: number; packets: SourcePacket[]; droppedFrames: number };

/** How much each repetition adds to the three clocks. */
type RepeatStep = { sequence: number; timestamp: number; arrivalMs: number; firstTimestamp: number };

const SEQUENCE_MODULUS = 2 ** 16;
const TIMESTAMP_MODULUS = 2 ** 32;
const FRAME_PREFIX_BYTES = 10;
const MAX_FRAME_BYTES = FRAME_PREFIX_BYTES + 0xffff;
const DEFAULT_CHUNK_BYTES = 1024 * 1024;

export const writeLongRecording = async (options: LongRecordingOptions): Promise<LongRecordingResult> => {
  const bytes = new Uint8Array(await readFile(options.sourcePath));
  const first = new MjrParser().push(bytes.subarray(0, Math.min(bytes.length, MAX_FRAME_BYTES)))[0];
  if (first?.type === 'header' && first.version === 'MJR00002' && first.header.kind === 'data') {
    return writeLongDataRecording(options, bytes);
  }
  const source = readSource(options.sourcePath, bytes);
  const step = computeRepeatStep(source);
  const periodMs = (step.timestamp * 1000) / source.clockRate;
  const repetitions = Math.max(1, Math.ceil(options.durationMs / periodMs));
  const handle = await open(options.targetPath, 'w');
  const buffer = Buffer.allocUnsafe(Math.max(options.chunkBytes ?? DEFAULT_CHUNK_BYTES, MAX_FRAME_BYTES));
  let used = 0;
  let sizeBytes = 0;
  const flush = async (): Promise<void> => {
    await handle.write(buffer, 0, used);
    sizeBytes += used;
    used = 0;
  };
  let packets = 0;
  let lastTimestamp = step.firstTimestamp;
  try {
    buffer.set(source.headerBytes);
    used = source.headerBytes.length;
    for (let repetition = 0; repetition < repetitions; repetition++) {
      for (const packet of source.packets) {
        const extendedTimestamp = packet.extendedTimestamp + repetition * step.timestamp;
        if (((extendedTimestamp - step.firstTimestamp) * 1000) / source.clockRate >= options.durationMs) {
          continue;
        }
        if (used + FRAME_PREFIX_BYTES + packet.bytes.length > buffer.length) {
          await flush();
        }
        writeFrame(buffer, used, packet, repetition, step);
        used += FRAME_PREFIX_BYTES + packet.bytes.length;
        packets++;
        lastTimestamp = Math.max(lastTimestamp, extendedTimestamp);
      }
    }
    await flush();
  } finally {
    await handle.close();
  }
  return {
    repetitions,
    packets,
    sizeBytes,
    durationMs: ((lastTimestamp - step.firstTimestamp) * 1000) / source.clockRate,
    periodMs,
    droppedSourceFrames: source.droppedFrames,
  };
};

/** One MJR00002 frame ("MEET", u32 arrival ms, u16 length, RTP packet) with the packet's clocks moved on. */
const writeFrame = (buffer: Uint8Array, offset: number, packet: SourcePacket, repetition: number, step: RepeatStep): void => {
  buffer.set(MEET, offset);
  writeU32Be(buffer, offset + 4, (packet.arrivalOffsetMs + repetition * step.arrivalMs) % TIMESTAMP_MODULUS);
  writeU16Be(buffer, offset + 8, packet.bytes.length);
  const rtpOffset = offset + FRAME_PREFIX_BYTES;
  buffer.set(packet.bytes, rtpOffset);
  writeU16Be(buffer, rtpOffset + 2, (readU16Be(packet.bytes, 2) + repetition * step.sequence) % SEQUENCE_MODULUS);
  writeU32Be(buffer, rtpOffset + 4, (readU32Be(packet.bytes, 4) + repetition * step.timestamp) % TIMESTAMP_MODULUS);
};

const MEET = new TextEncoder().encode('MEET');

const readSource = (path: string, bytes: Uint8Array): Source => {
  let headerBytes: Uint8Array | null = null;
  let clockRate: number | null = null;
  const packets: SourcePacket[] = [];
  let droppedFrames = 0;
  let previous: SourcePacket | null = null;
  for (const record of parseMjrBytes(bytes)) {
    if (record.type === 'header') {
      if (record.version !== 'MJR00002') {
        throw new Error(`${path}: source must be an MJR00002 recording (it carries arrival times), found ${record.version}`);
      }
      if (record.header.kind !== 'audio' && record.header.kind !== 'video') {
        throw new Error(`${path}: source must be an audio or video recording, found ${record.header.kind}`);
      }
      clockRate = clockRateOf(record.header);
      if (clockRate === null) {
        throw new Error(`${path}: no known RTP clock rate for codec ${record.header.codec}`);
      }
      headerBytes = bytes.subarray(record.byteOffset, record.byteOffset + record.byteLength);
    } else if (record.type === 'packet') {
      if (record.bytes.length < 12 || record.bytes[0]! >> 6 !== 2 || record.arrivalOffsetMs === null) {
        droppedFrames++;
        continue;
      }
      const sequence = readU16Be(record.bytes, 2);
      const timestamp = readU32Be(record.bytes, 4);
      const packet: SourcePacket = {
        bytes: record.bytes,
        arrivalOffsetMs: record.arrivalOffsetMs,
        extendedSequence: previous === null ? sequence : previous.extendedSequence + signedDelta(sequence, previous.extendedSequence, SEQUENCE_MODULUS),
        extendedTimestamp:
          previous === null ? timestamp : previous.extendedTimestamp + signedDelta(timestamp, previous.extendedTimestamp, TIMESTAMP_MODULUS),
      };
      packets.push(packet);
      previous = packet;
    }
  }
  if (headerBytes === null || clockRate === null) {
    throw new Error(`${path}: source has no header`);
  }
  if (packets.length === 0) {
    throw new Error(`${path}: source holds no RTP packet`);
  }
  return { headerBytes, clockRate, packets, droppedFrames };
};

/** The shortest way from `previous` to `value` on a clock of `modulus` ticks (wrap-aware). */
const signedDelta = (value: number, previous: number, modulus: number): number => {
  const forward = (((value - previous) % modulus) + modulus) % modulus;
  return forward >= modulus / 2 ? forward - modulus : forward;
};

/**
 * Span plus one packet interval, per clock. The interval is the typical RTP step between packets in sequence
 * order (20 ms for Opus, one frame for video), and the arrival gap at a seam is that interval in ms.
 */
const computeRepeatStep = (source: Source): RepeatStep => {
  const { packets, clockRate } = source;
  const extent = (values: number[]): { min: number; max: number } =>
    values.reduce((range, value) => ({ min: Math.min(range.min, value), max: Math.max(range.max, value) }), { min: Infinity, max: -Infinity });
  const sequences = extent(packets.map((packet) => packet.extendedSequence));
  const timestamps = extent(packets.map((packet) => packet.extendedTimestamp));
  const arrivals = extent(packets.map((packet) => packet.arrivalOffsetMs));
  const intervalTicks = computePacketInterval(packets) ?? Math.round(clockRate / 50);
  return {
    sequence: sequences.max - sequences.min + 1,
    timestamp: timestamps.max - timestamps.min + intervalTicks,
    arrivalMs: arrivals.max - arrivals.min + Math.max(1, Math.round((intervalTicks * 1000) / clockRate)),
    firstTimestamp: timestamps.min,
  };
};

/** Median of the positive RTP timestamp steps between consecutive packets in sequence order, or null. */
const computePacketInterval = (packets: readonly SourcePacket[]): number | null => {
  const ordered = [...packets].sort((a, b) => a.extendedSequence - b.extendedSequence);
  const steps: number[] = [];
  for (let index = 1; index < ordered.length; index++) {
    const step = ordered[index]!.extendedTimestamp - ordered[index - 1]!.extendedTimestamp;
    if (step > 0) {
      steps.push(step);
    }
  }
  steps.sort((a, b) => a - b);
  return steps.length === 0 ? null : steps[Math.floor(steps.length / 2)]!;
};

/** Bytes before a data message's payload: the message time, i64 µs. */
const DATA_TIME_BYTES = 8;

/**
 * A data recording repeated to `durationMs` of arrival time: each repetition shifted by the arrival span plus the
 * median gap between messages (at least 1 ms), in the frame's arrival ms and in its message time (µs).
 */
const writeLongDataRecording = async (options: LongRecordingOptions, bytes: Uint8Array): Promise<LongRecordingResult> => {
  let headerBytes: Uint8Array | null = null;
  const messages: Array<{ arrivalOffsetMs: number; body: Uint8Array }> = [];
  let droppedFrames = 0;
  for (const record of parseMjrBytes(bytes)) {
    if (record.type === 'header') {
      headerBytes = bytes.subarray(record.byteOffset, record.byteOffset + record.byteLength);
    } else if (record.type === 'data' && record.arrivalOffsetMs !== null) {
      // The frame body: message time (i64 µs) then the payload.
      const bodyStart = record.byteOffset + FRAME_PREFIX_BYTES;
      messages.push({ arrivalOffsetMs: record.arrivalOffsetMs, body: bytes.subarray(bodyStart, record.byteOffset + record.byteLength) });
    } else {
      droppedFrames++;
    }
  }
  if (headerBytes === null) {
    throw new Error(`${options.sourcePath}: source has no header`);
  }
  if (messages.length === 0) {
    throw new Error(`${options.sourcePath}: source holds no data message`);
  }
  const arrivals = messages.map((message) => message.arrivalOffsetMs);
  const gaps = arrivals
    .slice(1)
    .map((arrival, index) => arrival - arrivals[index]!)
    .filter((gap) => gap > 0)
    .sort((a, b) => a - b);
  const firstArrival = Math.min(...arrivals);
  const periodMs = Math.max(...arrivals) - firstArrival + Math.max(1, gaps[Math.floor(gaps.length / 2)] ?? 1000);
  const repetitions = Math.max(1, Math.ceil(options.durationMs / periodMs));
  const handle = await open(options.targetPath, 'w');
  const buffer = Buffer.allocUnsafe(Math.max(options.chunkBytes ?? DEFAULT_CHUNK_BYTES, MAX_FRAME_BYTES));
  let used = 0;
  let sizeBytes = 0;
  let packets = 0;
  let lastArrival = firstArrival;
  const flush = async (): Promise<void> => {
    await handle.write(buffer, 0, used);
    sizeBytes += used;
    used = 0;
  };
  try {
    buffer.set(headerBytes);
    used = headerBytes.length;
    for (let repetition = 0; repetition < repetitions; repetition++) {
      for (const message of messages) {
        const arrival = message.arrivalOffsetMs + repetition * periodMs;
        if (arrival - firstArrival >= options.durationMs) {
          continue;
        }
        if (used + FRAME_PREFIX_BYTES + message.body.length > buffer.length) {
          await flush();
        }
        buffer.set(MEET, used);
        writeU32Be(buffer, used + 4, arrival % TIMESTAMP_MODULUS);
        writeU16Be(buffer, used + 8, message.body.length);
        buffer.set(message.body, used + FRAME_PREFIX_BYTES);
        if (message.body.length >= DATA_TIME_BYTES) {
          writeI64Be(buffer, used + FRAME_PREFIX_BYTES, readI64Be(message.body, 0) + repetition * periodMs * 1000);
        }
        used += FRAME_PREFIX_BYTES + message.body.length;
        packets++;
        lastArrival = Math.max(lastArrival, arrival);
      }
    }
    await flush();
  } finally {
    await handle.close();
  }
  return { repetitions, packets, sizeBytes, durationMs: lastArrival - firstArrival, periodMs, droppedSourceFrames: droppedFrames };
};
