/**
 * Opens one recording for conversion: reads up to its header, then turns its records into frames for its
 * kind — video frames (depacketized, decodable), audio frames (continuous, gaps filled) or data messages.
 * Pure: records in (batches from any byte source), frames out.
 */
import { clockRateOf, type MjrDataRecord, type MjrHeader, type MjrRecord, type MjrVersion } from '../mjr/index.js';
import { VideoDepacketizer, type VideoFrame, type VideoFrameStats } from '../rtp/depacketizer.js';
import { readVideoOrientation, VIDEO_ORIENTATION_URI } from '../rtp/extensions.js';
import { createVideoFrameBuilder } from '../rtp/frame-builders.js';
import { OpusDepacketizer, type AudioFrame, type OpusFrameStats } from '../rtp/opus-frames.js';
import { PCM_SAMPLE_RATES, PcmDepacketizer, type PcmCodec, type PcmStats } from '../rtp/pcm-frames.js';
import { PacketSequencer, type DropCounts, type OrderedPacket } from '../rtp/sequencer.js';
import type { ReorderStats } from '../rtp/reorder.js';
import type { VideoCodec } from '../rtp/video-probe.js';
import { findExtensionId } from '../mjr/header.js';
import { RepriseError } from '../shared/errors.js';

export type TrackCounters = {
  packets: number;
  skippedBytes: number;
  suspect: number;
  reorder: ReorderStats;
  drops: DropCounts;
  timestampJumps: number;
};

export type ConvertibleVideoFrame = VideoFrame & { decoderConfig: Uint8Array | null; rotationDeg: 0 | 90 | 180 | 270 };

type Common = { header: MjrHeader; version: MjrVersion; counters: TrackCounters };

export type OpenedTrack =
  | (Common & { kind: 'video'; codec: VideoCodec; frameBatches: AsyncGenerator<ConvertibleVideoFrame[]>; frames: AsyncGenerator<ConvertibleVideoFrame>; frameStats: VideoFrameStats })
  | (Common & { kind: 'audio'; codec: 'opus'; frameBatches: AsyncGenerator<AudioFrame[]>; frames: AsyncGenerator<AudioFrame>; frameStats: OpusFrameStats })
  | (Common & { kind: 'pcm'; codec: PcmCodec; sampleRate: number; chunks: AsyncGenerator<Int16Array>; pcmStats: PcmStats; firstTimeMs: () => number | null })
  | (Common & { kind: 'data'; messages: AsyncGenerator<MjrDataRecord> });

const VIDEO_CODECS: readonly string[] = ['vp8', 'vp9', 'h264', 'h265', 'av1'];

/** Reads until the header, and returns the track with its frame stream ready to iterate (once). */
export const openTrack = async (recordBatches: AsyncIterable<MjrRecord[]>): Promise<OpenedTrack> => {
  const iterator = recordBatches[Symbol.asyncIterator]();
  let pending: MjrRecord[] = [];
  let headerRecord: Extract<MjrRecord, { type: 'header' }> | undefined;
  while (headerRecord === undefined) {
    const next = await iterator.next();
    if (next.done) {
      throw new RepriseError('MJR_EMPTY', 'recording has no header');
    }
    const index = next.value.findIndex((record) => record.type === 'header');
    if (index >= 0) {
      headerRecord = next.value[index] as Extract<MjrRecord, { type: 'header' }>;
      pending = next.value.slice(index + 1);
    }
  }
  const { header, version } = headerRecord;
  if (header.e2ee) {
    throw new RepriseError('MJR_E2EE', 'recording is end-to-end encrypted (insertable streams): its media cannot be converted without the keys');
  }
  async function* remainingBatches(): AsyncGenerator<MjrRecord[]> {
    yield pending;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield next.value;
    }
  }
  async function* remaining(): AsyncGenerator<MjrRecord> {
    for await (const batch of remainingBatches()) {
      yield* batch;
    }
  }
  const counters: TrackCounters = {
    packets: 0,
    skippedBytes: 0,
    suspect: 0,
    reorder: { outOfOrder: 0, duplicates: 0, late: 0, stray: 0, missing: 0, ssrcChanges: 0, sequenceResets: 0 },
    drops: { paddingOnly: 0, tooShort: 0, malformed: 0 },
    timestampJumps: 0,
  };
  if (header.kind === 'data') {
    return { kind: 'data', header, version, counters, messages: dataMessages(remaining(), counters) };
  }
  const clockRate = clockRateOf(header)!;
  const sequencer = new PacketSequencer({ clockRate });
  counters.reorder = sequencer.reorderStats;
  counters.drops = sequencer.drops;
  if (header.kind === 'video') {
    if (!VIDEO_CODECS.includes(header.codec)) {
      throw new RepriseError('CODEC_UNSUPPORTED', `video codec ${JSON.stringify(header.codec)} is not supported`);
    }
    const codec = header.codec as VideoCodec;
    const builder = createVideoFrameBuilder(codec);
    const depacketizer = new VideoDepacketizer(builder);
    const orientationId = findExtensionId(header, VIDEO_ORIENTATION_URI);
    let rotationDeg: 0 | 90 | 180 | 270 = 0;
    // One batch of frames per chunk read: the hot path runs synchronously, one await per chunk.
    const frameBatches = async function* (): AsyncGenerator<ConvertibleVideoFrame[]> {
      const emit = (frames: readonly VideoFrame[], out: ConvertibleVideoFrame[]): void => {
        for (const frame of frames) {
          out.push({ ...frame, decoderConfig: builder.decoderConfig(), rotationDeg });
        }
      };
      for await (const batch of remainingBatches()) {
        const out: ConvertibleVideoFrame[] = [];
        for (const ordered of orderedPacketsOf(batch, sequencer, counters)) {
          rotationDeg = readVideoOrientation(ordered.packet.extensions, orientationId)?.rotationDeg ?? rotationDeg;
          emit(depacketizer.push(ordered), out);
        }
        yield out;
      }
      const out: ConvertibleVideoFrame[] = [];
      for (const ordered of finishPackets(sequencer, counters)) {
        emit(depacketizer.push(ordered), out);
      }
      emit(depacketizer.finish(), out);
      yield out;
    };
    const frameStream = frameBatches();
    return { kind: 'video', codec, header, version, counters, frameBatches: frameStream, frames: flatten(frameStream), frameStats: depacketizer.stats };
  }
  if (header.codec in PCM_SAMPLE_RATES) {
    const codec = header.codec as PcmCodec;
    const depacketizer = new PcmDepacketizer(codec);
    let firstTimeMs: number | null = null;
    const chunks = async function* (): AsyncGenerator<Int16Array> {
      for await (const batch of remainingBatches()) {
        const samples: Int16Array[] = [];
        for (const ordered of orderedPacketsOf(batch, sequencer, counters)) {
          firstTimeMs ??= ordered.timeMs;
          samples.push(...depacketizer.push(ordered));
        }
        yield* samples;
      }
      for (const ordered of finishPackets(sequencer, counters)) {
        firstTimeMs ??= ordered.timeMs;
        yield* depacketizer.push(ordered);
      }
    };
    return { kind: 'pcm', codec, sampleRate: depacketizer.sampleRate, header, version, counters, chunks: chunks(), pcmStats: depacketizer.stats, firstTimeMs: () => firstTimeMs };
  }
  if (header.codec !== 'opus') {
    // multiopus needs its channel mapping from the SDP, which the recording does not keep.
    throw new RepriseError('CODEC_UNSUPPORTED', `audio codec ${JSON.stringify(header.codec)} is not supported`);
  }
  const depacketizer = new OpusDepacketizer(header.redPayloadType);
  const frameBatches = async function* (): AsyncGenerator<AudioFrame[]> {
    for await (const batch of remainingBatches()) {
      const out: AudioFrame[] = [];
      for (const ordered of orderedPacketsOf(batch, sequencer, counters)) {
        out.push(...depacketizer.push(ordered));
      }
      yield out;
    }
    const out: AudioFrame[] = [];
    for (const ordered of finishPackets(sequencer, counters)) {
      out.push(...depacketizer.push(ordered));
    }
    yield out;
  };
  const frameStream = frameBatches();
  return { kind: 'audio', codec: 'opus', header, version, counters, frameBatches: frameStream, frames: flatten(frameStream), frameStats: depacketizer.stats };
};

/** One chunk's records through the sequencer (synchronous). */
function* orderedPacketsOf(records: readonly MjrRecord[], sequencer: PacketSequencer, counters: TrackCounters): Generator<OrderedPacket> {
  for (const record of records) {
    if (record.type === 'packet') {
      counters.packets++;
      if (record.suspect) {
        counters.suspect++;
      }
      for (const ordered of sequencer.add(record.bytes, record.arrivalOffsetMs, record.suspect)) {
        if (ordered.jump !== null) {
          counters.timestampJumps++;
        }
        yield ordered;
      }
    } else if (record.type === 'skipped') {
      counters.skippedBytes += record.byteLength;
    }
  }
}

function* finishPackets(sequencer: PacketSequencer, counters: TrackCounters): Generator<OrderedPacket> {
  for (const ordered of sequencer.finish()) {
    if (ordered.jump !== null) {
      counters.timestampJumps++;
    }
    yield ordered;
  }
}

/** Frame by frame, for callers that want one at a time (shares the batches: iterate one or the other). */
async function* flatten<T>(batches: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const batch of batches) {
    yield* batch;
  }
}

async function* dataMessages(records: AsyncIterable<MjrRecord>, counters: TrackCounters): AsyncGenerator<MjrDataRecord> {
  for await (const record of records) {
    if (record.type === 'data') {
      counters.packets++;
      yield record;
    } else if (record.type === 'skipped') {
      counters.skippedBytes += record.byteLength;
    }
  }
}
