/**
 * Writes opened tracks (one video and/or one audio) into one container, each at its wall-clock offset:
 * the output's zero is the earliest track's first frame, and a later track starts later in the file.
 * Frames from the two tracks are interleaved by time as they stream in, so memory stays flat.
 */
import type { Target } from 'mediabunny';
import { OggAudioWriter, type OggSink } from '../mux/ogg-opus.js';
import { MatroskaWriter, type MatroskaSink } from '../mux/matroska-writer.js';
import { serializeOpusHead } from '../codec/opus.js';
import { checkCodecFits, type OutputFormat } from '../mux/formats.js';
import type { MediaWriter } from '../mux/media-writer.js';
import type { AudioFrame } from '../rtp/opus-frames.js';
import { RepriseError } from '../shared/errors.js';
import type { ConvertibleVideoFrame, OpenedTrack } from './open-track.js';
import type { ConversionReport, TrackConversion } from './report.js';

type MediaTrack = Extract<OpenedTrack, { kind: 'video' | 'audio' }>;

export type ConvertMediaOptions = {
  format: Extract<OutputFormat, 'webm' | 'mkv' | 'mka' | 'mp4' | 'ogg'>;
  /** Where the bytes go: a byte sink (our own Ogg and Matroska/WebM writers), or a mediabunny target (MP4). */
  destination: { target: Target } | { sink: OggSink & MatroskaSink };
  output: string;
  /** Upper bounds of frames per track (MP4 reserves its index at the front from them). */
  maximumFrames?: { video?: number; audio?: number };
  /**
   * The Opus encoder's look-ahead, in 48 kHz samples: decoded audio comes out this much later than it went in.
   * Browsers encode with libopus, whose look-ahead is 312 samples (6.5 ms). Audio is written that much earlier
   * with a pre-skip of 0, so every decoder (trimming by pre-skip, CodecDelay or not at all) plays each sound
   * at its wall-clock time.
   */
  opusEncoderDelaySamples?: number;
  signal?: AbortSignal;
  /** Called after every frame with the frames written so far. */
  onFrame?: () => void;
};

/** Frames of one track, a chunk's batch at a time: `head` is synchronous; awaiting happens once per batch. */
class FrameQueue<T> {
  private batch: readonly T[] = [];
  private index = 0;

  constructor(private readonly source: AsyncIterator<T[]>) {}

  get head(): T | null {
    return this.index < this.batch.length ? this.batch[this.index]! : null;
  }

  /** Makes `head` the next frame, fetching batches as needed; false at the end. */
  async fill(): Promise<boolean> {
    while (this.index >= this.batch.length) {
      const next = await this.source.next();
      if (next.done) {
        return false;
      }
      this.batch = next.value;
      this.index = 0;
    }
    return true;
  }

  async advance(): Promise<void> {
    this.index++;
    if (this.index >= this.batch.length) {
      await this.fill();
    }
  }
}

type Lane =
  | { kind: 'video'; track: Extract<MediaTrack, { kind: 'video' }>; queue: FrameQueue<ConvertibleVideoFrame>; leadUs: 0; startUs: number; lastUs: number; written: number; resolutions: TrackConversion['resolutions'] & object }
  | { kind: 'audio'; track: Extract<MediaTrack, { kind: 'audio' }>; queue: FrameQueue<AudioFrame>; leadUs: number; startUs: number; lastUs: number; written: number };

/** Wall-clock µs at which a frame's media should be heard or seen (audio: minus the encoder look-ahead). */
const absoluteUs = (track: MediaTrack, timeMs: number, audioLeadUs = 0): number =>
  track.header.firstPacketUs + timeMs * 1000 - (track.kind === 'audio' ? audioLeadUs : 0);

export const LIBOPUS_LOOKAHEAD_SAMPLES = 312;

export const convertMedia = async (tracks: readonly MediaTrack[], options: ConvertMediaOptions): Promise<ConversionReport> => {
  const video = tracks.filter((track) => track.kind === 'video');
  const audio = tracks.filter((track) => track.kind === 'audio');
  if (video.length > 1 || audio.length > 1 || tracks.length === 0) {
    throw new RepriseError('CONVERT_INPUTS', `convert takes one video and/or one audio recording, got ${video.length} video and ${audio.length} audio`);
  }
  for (const track of tracks) {
    checkCodecFits(options.format, track.kind === 'video' ? { kind: 'video', codec: track.codec } : { kind: 'audio', codec: 'opus' });
  }
  const lanes: Lane[] = [];
  const leadUs = ((options.opusEncoderDelaySamples ?? LIBOPUS_LOOKAHEAD_SAMPLES) * 1e6) / 48_000;
  for (const track of tracks) {
    const lane = await openLane(track, leadUs);
    if (lane !== null) {
      lanes.push(lane);
    }
  }
  if (lanes.length === 0) {
    throw new RepriseError('CONVERT_NO_MEDIA', 'no decodable media in the input: no keyframe in the video, no audio packet');
  }
  const baseUs = Math.min(...lanes.map((lane) => lane.startUs));
  const videoLane = lanes.find((lane) => lane.kind === 'video');
  const audioLane = lanes.find((lane) => lane.kind === 'audio');
  const comment = (videoLane ?? audioLane)!.track.header.json;
  const videoSpec =
    videoLane === undefined
      ? undefined
      : { codec: videoLane.track.codec, rotationDeg: videoLane.queue.head!.rotationDeg, ...(options.maximumFrames?.video === undefined ? {} : { maximumPacketCount: options.maximumFrames.video }) };
  const audioTrackSpec = audioLane === undefined ? undefined : audioSpec(audioLane.track, audioLane.queue.head!, options);
  const startDate = new Date(baseUs / 1000);
  const trackSpecs = { ...(videoSpec === undefined ? {} : { video: videoSpec }), ...(audioTrackSpec === undefined ? {} : { audio: audioTrackSpec }) };
  let writer: FrameWriter;
  if (!('sink' in options.destination)) {
    // mediabunny (MP4 only) is loaded when needed: the other outputs start faster and lighter without it.
    const { MediaWriter: MediabunnyWriter } = await import('../mux/media-writer.js');
    writer = await MediabunnyWriter.open({ format: options.format, target: options.destination.target, ...trackSpecs, comment, startDate });
  } else if (options.format === 'ogg') {
    writer = await openOggWriter(options.destination.sink, audioLane, comment, baseUs);
  } else if (options.format === 'mp4') {
    throw new Error('Internal error: MP4 is written through a mediabunny target');
  } else {
    writer = await MatroskaWriter.open({ format: options.format, sink: options.destination.sink, ...trackSpecs, comment, startDate });
  }
  try {
    await interleave(lanes, writer, baseUs, options);
    await writer.finish();
  } catch (error) {
    await writer.cancel().catch(() => undefined);
    throw error;
  }
  const endUs = Math.max(...lanes.map((lane) => lane.lastUs));
  return {
    output: options.output,
    format: options.format,
    startUs: baseUs,
    durationMs: (endUs - baseUs) / 1000,
    tracks: lanes.map((lane) => describeLane(lane, baseUs)),
    retimedFrames: writer.retimedFrames,
  };
};

type FrameWriter = Pick<MediaWriter, 'writeAudio' | 'finish' | 'cancel' | 'retimedFrames'> & Partial<Pick<MediaWriter, 'writeVideo'>>;

const openOggWriter = async (sink: OggSink, audioLane: Lane | undefined, comment: string, baseUs: number): Promise<FrameWriter> => {
  if (audioLane === undefined || audioLane.kind !== 'audio') {
    throw new RepriseError('CONVERT_CODEC_CONTAINER', 'Ogg holds Opus audio only');
  }
  const spec = audioSpec(audioLane.track, audioLane.queue.head!, {});
  return OggAudioWriter.open(sink, { opusHead: spec.opusHead, tags: { COMMENT: comment, DATE: new Date(baseUs / 1000).toISOString() } });
};

const openLane = async (track: MediaTrack, audioLeadUs: number): Promise<Lane | null> => {
  if (track.kind === 'video') {
    const queue = new FrameQueue(track.frameBatches);
    if (!(await queue.fill())) {
      return null;
    }
    const startUs = absoluteUs(track, queue.head!.timeMs);
    return { kind: 'video', track, queue, leadUs: 0, startUs, lastUs: startUs, written: 0, resolutions: [] };
  }
  const queue = new FrameQueue(track.frameBatches);
  if (!(await queue.fill())) {
    return null;
  }
  const startUs = absoluteUs(track, queue.head!.timeMs, audioLeadUs);
  return { kind: 'audio', track, queue, leadUs: audioLeadUs, startUs, lastUs: startUs, written: 0 };
};

const audioSpec = (track: Extract<MediaTrack, { kind: 'audio' }>, first: AudioFrame, options: Pick<ConvertMediaOptions, 'maximumFrames'>) => {
  const stereo = /(^|;)\s*stereo=1/.test(track.header.fmtp ?? '') || (first.data[0]! & 0x04) !== 0;
  const channelCount = stereo ? 2 : 1;
  return {
    codec: 'opus' as const,
    channelCount,
    sampleRate: 48_000,
    opusHead: serializeOpusHead({ channelCount, preSkip: 0, inputSampleRate: 48_000, outputGain: 0, mappingFamily: 0 }),
    ...(options.maximumFrames?.audio === undefined ? {} : { maximumPacketCount: options.maximumFrames.audio }),
  };
};

/** Writes the lanes' frames in time order until every lane is drained. */
const interleave = async (lanes: Lane[], writer: FrameWriter, baseUs: number, options: ConvertMediaOptions): Promise<void> => {
  for (;;) {
    if (options.signal?.aborted) {
      throw new RepriseError('CONVERT_CANCELLED', 'conversion cancelled');
    }
    let next: Lane | null = null;
    for (const lane of lanes) {
      if (lane.queue.head !== null && (next === null || headUs(lane) < headUs(next))) {
        next = lane;
      }
    }
    if (next === null) {
      return;
    }
    await writeHead(next, writer, baseUs);
    options.onFrame?.();
  }
};

const headUs = (lane: Lane): number => absoluteUs(lane.track, lane.queue.head!.timeMs, lane.leadUs);

const writeHead = async (lane: Lane, writer: FrameWriter, baseUs: number): Promise<void> => {
  const atUs = headUs(lane);
  const timestampSec = (atUs - baseUs) / 1e6;
  if (lane.kind === 'video') {
    const frame = lane.queue.head!;
    if (frame.keyframe && frame.width !== undefined && frame.height !== undefined) {
      const last = lane.resolutions.at(-1);
      if (last === undefined || last.width !== frame.width || last.height !== frame.height) {
        lane.resolutions.push({ width: frame.width, height: frame.height, atMs: Math.round((atUs - baseUs) / 100) / 10 });
      }
    }
    const size = lane.resolutions.at(-1);
    if (writer.writeVideo === undefined) {
      throw new RepriseError('CONVERT_CODEC_CONTAINER', 'this container holds no video');
    }
    await writer.writeVideo({ data: frame.data, timestampSec, keyframe: frame.keyframe, decoderConfig: frame.decoderConfig, width: size?.width ?? 640, height: size?.height ?? 480 });
    lane.lastUs = atUs;
    lane.written++;
    await lane.queue.advance();
    return;
  }
  const frame = lane.queue.head!;
  await writer.writeAudio({ data: frame.data, timestampSec, durationSec: frame.durationMs / 1000 });
  lane.lastUs = atUs + frame.durationMs * 1000;
  lane.written++;
  await lane.queue.advance();
};

const describeLane = (lane: Lane, baseUs: number): TrackConversion => {
  const { track } = lane;
  const common = {
    kind: lane.kind,
    codec: track.header.codec,
    offsetMs: (lane.startUs - baseUs) / 1000,
    startUs: lane.startUs,
    durationMs: (lane.lastUs - lane.startUs) / 1000,
    packets: track.counters.packets,
    missingPackets: track.counters.reorder.missing,
    duplicatePackets: track.counters.reorder.duplicates,
    reorderedPackets: track.counters.reorder.outOfOrder,
    timestampJumps: track.counters.timestampJumps,
    ssrcChanges: track.counters.reorder.ssrcChanges,
    skippedBytes: track.counters.skippedBytes,
  };
  if (lane.kind === 'video' && track.kind === 'video') {
    const stats = track.frameStats;
    return {
      ...common,
      framesWritten: stats.framesWritten,
      framesDropped: { ...stats.framesDropped },
      keyframes: stats.keyframesWritten,
      firstKeyframeMs: stats.firstKeyframeMs === null ? null : (absoluteUs(track, stats.firstKeyframeMs) - baseUs) / 1000,
      resolutions: lane.resolutions,
    };
  }
  const stats = (track as Extract<MediaTrack, { kind: 'audio' }>).frameStats;
  return {
    ...common,
    framesWritten: lane.written,
    framesDropped: { overlap: stats.droppedOverlap, malformed: stats.droppedMalformed },
    gapsFilled: { frames: stats.silenceFrames, ms: stats.silenceMs },
    recoveredFromRed: stats.recoveredFromRed,
  };
};
