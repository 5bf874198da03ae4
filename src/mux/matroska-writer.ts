/**
 * Streaming Matroska/WebM writer (RFC 9559, WebM byte stream) with MediaWriter's interface, for `.webm`,
 * `.mkv` and `.mka`. Writes through a byte sink (`write` + `writeAt`), so it knows nothing of files.
 *
 * - The front of the file (matroska-head.ts) goes out once the tracks are known: at open for audio alone,
 *   with the first video frame otherwise (its size and configuration record go into Tracks).
 * - Blocks are SimpleBlocks (no lacing), timestamps in ms (TimestampScale 1,000,000), strictly increasing
 *   per track: a frame less than 1 ms after the previous one of its track is moved 1 ms after it and counted
 *   in `retimedFrames`, as MediaWriter does.
 * - Blocks of the two tracks are put in time order (video first on a tie) in a small queue: a block is written
 *   once every track with frames has reached its time, or once it is REORDER_WINDOW_MS older than the newest.
 * - One Cluster is built at a time in a reused buffer (matroska-cluster.ts) and written with its known size.
 *   A new Cluster starts at every video keyframe (each gets a CuePoint), and when the current one reaches 5 s
 *   (1 s for audio alone: each Cluster gets a CuePoint). Recordings whose keyframes are further apart than 5 s
 *   thus also have Clusters that start with a delta frame; seeking goes through the keyframes' CuePoints.
 * - Memory: one Cluster, the queue, ~20 bytes per CuePoint. Until the first video frame the queue keeps the
 *   audio before it (the head needs the video's size and configuration record).
 * - finish() writes the Cues, then patches the Segment size, the Duration and the SeekHead with `writeAt`.
 *   The caller owns the sink: it closes it, and removes the file after cancel().
 */
import { parseVp9FrameHeader } from '../codec/vp9.js';
import type { VideoCodec } from '../rtp/video-probe.js';
import { EbmlBuffer, EbmlId } from './ebml.js';
import { ClusterBuilder } from './matroska-cluster.js';
import { checkCodecFits } from './formats.js';
import {
  OPUS_SEEK_PRE_ROLL_NS,
  renderDuration,
  renderMatroskaHead,
  renderSeekHead,
  renderSegmentSize,
  writeCuePoint,
  type AudioTrackEntry,
  type SeekEntry,
  type VideoTrackEntry,
} from './matroska-head.js';

export type MatroskaSink = {
  write(bytes: Uint8Array): Promise<void>;
  writeAt(offset: number, bytes: Uint8Array): Promise<void>;
};

export type MatroskaVideoTrack = {
  codec: VideoCodec;
  /** Clockwise rotation to apply on display (from the video-orientation extension). */
  rotationDeg?: 0 | 90 | 180 | 270;
  /** Accepted for MediaWriter compatibility; Matroska needs no frame count up front. */
  maximumPacketCount?: number;
};

export type MatroskaAudioTrack = {
  codec: 'opus';
  channelCount: number;
  sampleRate: number;
  /** RFC 7845 OpusHead: CodecPrivate; its pre-skip gives CodecDelay. */
  opusHead: Uint8Array;
  maximumPacketCount?: number;
};

export type MatroskaWriterOptions = {
  format: 'webm' | 'mkv' | 'mka';
  sink: MatroskaSink;
  video?: MatroskaVideoTrack;
  audio?: MatroskaAudioTrack;
  /** Tags: COMMENT (the `.mjr` header JSON), DATE_RECORDED and DateUTC (wall-clock start), TITLE. */
  comment?: string;
  startDate?: Date;
  title?: string;
};

export type MatroskaVideoFrame = {
  data: Uint8Array;
  timestampSec: number;
  keyframe: boolean;
  /** avcC, hvcC or av1C: CodecPrivate, taken from the first frame. */
  decoderConfig: Uint8Array | null;
  width: number;
  height: number;
};

export type MatroskaAudioFrame = { data: Uint8Array; timestampSec: number; durationSec: number };

const CODEC_IDS: Record<VideoCodec, string> = {
  vp8: 'V_VP8',
  vp9: 'V_VP9',
  av1: 'V_AV1',
  h264: 'V_MPEG4/ISO/AVC',
  h265: 'V_MPEGH/ISO/HEVC',
};

/** Minimum step between two frames of a track, so timestamps stay strictly increasing at ms precision. */
const MIN_STEP_SEC = 0.001;
const DEFAULT_FRAME_SEC = 1 / 30;
/** A video frame lasts until the next one, unless that is this far away (then it lasts as long as the last). */
const MAX_FRAME_STEP_SEC = 10;
const VIDEO_CLUSTER_MS = 5000;
const AUDIO_CLUSTER_MS = 1000;
const REORDER_WINDOW_MS = 2000;

const VIDEO = 0;
const AUDIO = 1;
type TrackIndex = typeof VIDEO | typeof AUDIO;

type PendingBlock = { track: TrackIndex; timestampMs: number; keyframe: boolean; data: Uint8Array };

/** Per-track timing, as MediaWriter keeps it. */
type TrackClock = { lastSec: number; lastMs: number; frames: number };

export class MatroskaWriter {
  /** Frames whose timestamps had to be nudged forward to stay increasing. */
  retimedFrames = 0;

  private readonly sink: MatroskaSink;
  private readonly clocks: [TrackClock, TrackClock] = [
    { lastSec: -Infinity, lastMs: -Infinity, frames: 0 },
    { lastSec: -Infinity, lastMs: -Infinity, frames: 0 },
  ];
  private readonly trackNumbers: [number, number] = [0, 0];
  private head: { segmentDataOffset: number; segmentSizeOffset: number; durationOffset: number; seekHeadOffset: number; seekEntries: SeekEntry[] } | null = null;
  private writtenBytes = 0;
  private endMs = 0;
  private previousVideoSec: number | null = null;
  private lastVideoStepSec = DEFAULT_FRAME_SEC;
  private firstVideo: MatroskaVideoFrame | null = null;

  private readonly queue: PendingBlock[] = [];
  private queueStart = 0;
  private readonly pool: PendingBlock[] = [];

  private readonly cluster = new ClusterBuilder();
  private readonly cues = new EbmlBuffer(4096);
  private cueCount = 0;
  private state: 'open' | 'finished' | 'cancelled' = 'open';

  private constructor(private readonly options: MatroskaWriterOptions) {
    this.sink = options.sink;
    if (options.video !== undefined) {
      checkCodecFits(options.format, { kind: 'video', codec: options.video.codec });
    }
    if (options.audio !== undefined) {
      checkCodecFits(options.format, { kind: 'audio', codec: 'opus' });
    }
  }

  static async open(options: MatroskaWriterOptions): Promise<MatroskaWriter> {
    const writer = new MatroskaWriter(options);
    if (options.video === undefined) {
      await writer.writeHead();
    }
    return writer;
  }

  async writeVideo(frame: MatroskaVideoFrame): Promise<void> {
    if (this.options.video === undefined) {
      throw new Error('Internal error: no video track');
    }
    this.checkOpen();
    if (this.previousVideoSec !== null) {
      // The previous frame lasts until this one (MediaWriter's rule), which may extend the Duration.
      const stepSec = frame.timestampSec - this.previousVideoSec;
      this.lastVideoStepSec = stepSec >= MIN_STEP_SEC && stepSec < MAX_FRAME_STEP_SEC ? stepSec : this.lastVideoStepSec;
      this.endMs = Math.max(this.endMs, this.clocks[VIDEO].lastMs + Math.round(this.lastVideoStepSec * 1000));
    }
    this.previousVideoSec = frame.timestampSec;
    this.enqueue(VIDEO, frame.data, this.placeMs(VIDEO, frame.timestampSec), frame.keyframe);
    if (this.head === null) {
      this.firstVideo = frame;
      await this.writeHead();
    }
    await this.commitReady();
  }

  async writeAudio(frame: MatroskaAudioFrame): Promise<void> {
    if (this.options.audio === undefined) {
      throw new Error('Internal error: no audio track');
    }
    this.checkOpen();
    const timestampMs = this.placeMs(AUDIO, frame.timestampSec);
    this.endMs = Math.max(this.endMs, timestampMs + Math.round(frame.durationSec * 1000));
    this.enqueue(AUDIO, frame.data, timestampMs, true);
    await this.commitReady();
  }

  async finish(): Promise<void> {
    this.checkOpen();
    this.state = 'finished';
    if (this.head === null) {
      await this.writeHead(); // a video track that never got a frame is left out
    }
    const head = this.head!;
    if (this.clocks[VIDEO].frames > 0) {
      this.endMs = Math.max(this.endMs, this.clocks[VIDEO].lastMs + Math.round(this.lastVideoStepSec * 1000));
    }
    await this.commitUpTo(Infinity);
    await this.flushCluster();
    const seekEntries = [...head.seekEntries];
    if (this.cueCount > 0) {
      seekEntries.push({ id: EbmlId.Cues, position: this.writtenBytes - head.segmentDataOffset });
      const cuesHead = new EbmlBuffer(16);
      cuesHead.writeId(EbmlId.Cues);
      cuesHead.writeVint(this.cues.length);
      await this.emit(cuesHead.written());
      await this.emit(this.cues.written());
    }
    await this.sink.writeAt(head.segmentSizeOffset, renderSegmentSize(this.writtenBytes - head.segmentDataOffset));
    await this.sink.writeAt(head.durationOffset, renderDuration(this.endMs));
    await this.sink.writeAt(head.seekHeadOffset, renderSeekHead(seekEntries));
  }

  async cancel(): Promise<void> {
    // Nothing is held outside memory; the caller removes the partial file.
    this.state = 'cancelled';
    this.queue.length = 0;
    this.queueStart = 0;
  }

  private checkOpen(): void {
    if (this.state !== 'open') {
      throw new Error(`Internal error: the Matroska writer is ${this.state}`);
    }
  }

  /** The block's ms timestamp: nudged to stay 1 ms after the track's previous frame, never negative. */
  private placeMs(track: TrackIndex, timestampSec: number): number {
    const clock = this.clocks[track];
    let placedSec = timestampSec;
    let retimed = false;
    if (placedSec < clock.lastSec + MIN_STEP_SEC) {
      placedSec = clock.lastSec + MIN_STEP_SEC;
      retimed = true;
    }
    clock.lastSec = placedSec;
    let placedMs = Math.max(0, Math.round(placedSec * 1000));
    if (placedMs <= clock.lastMs) {
      placedMs = clock.lastMs + 1;
      retimed = true;
    }
    if (retimed) {
      this.retimedFrames++;
    }
    clock.lastMs = placedMs;
    clock.frames++;
    return placedMs;
  }

  /** Inserts in (time, video first) order; blocks arrive nearly sorted, so this scans a step or two. */
  private enqueue(track: TrackIndex, data: Uint8Array, timestampMs: number, keyframe: boolean): void {
    const block = this.pool.pop() ?? { track, timestampMs, keyframe, data };
    block.track = track;
    block.timestampMs = timestampMs;
    block.keyframe = keyframe;
    block.data = data;
    const queue = this.queue;
    let index = queue.length;
    while (index > this.queueStart && comesAfter(queue[index - 1]!, block)) {
      index--;
    }
    if (index === queue.length) {
      queue.push(block);
    } else {
      queue.splice(index, 0, block);
    }
  }

  /** Blocks are final once every track with frames has reached them, or once they are the window old. */
  private async commitReady(): Promise<void> {
    let slowestMs = Infinity;
    let newestMs = -Infinity;
    for (const clock of this.clocks) {
      if (clock.frames > 0) {
        slowestMs = Math.min(slowestMs, clock.lastMs);
        newestMs = Math.max(newestMs, clock.lastMs);
      }
    }
    await this.commitUpTo(Math.max(slowestMs, newestMs - REORDER_WINDOW_MS));
  }

  private async commitUpTo(watermarkMs: number): Promise<void> {
    if (this.head === null) {
      return;
    }
    const queue = this.queue;
    while (this.queueStart < queue.length && queue[this.queueStart]!.timestampMs <= watermarkMs) {
      const block = queue[this.queueStart++]!;
      if (this.startsCluster(block)) {
        await this.flushCluster();
        this.openCluster(block);
      }
      this.cluster.appendSimpleBlock(this.trackNumbers[block.track], block.timestampMs, block.keyframe, block.data);
      block.data = EMPTY;
      this.pool.push(block);
    }
    if (this.queueStart === queue.length) {
      queue.length = 0;
      this.queueStart = 0;
    } else if (this.queueStart >= 1024) {
      queue.splice(0, this.queueStart);
      this.queueStart = 0;
    }
  }

  private startsCluster(block: PendingBlock): boolean {
    const cluster = this.cluster;
    if (!cluster.isOpen) {
      return true;
    }
    if (block.timestampMs <= cluster.maxMs) {
      return false; // a tie or a late block: the next Cluster may not start before blocks of this one
    }
    if (this.trackNumbers[VIDEO] !== 0) {
      return (block.track === VIDEO && block.keyframe) || block.timestampMs - cluster.startMs >= VIDEO_CLUSTER_MS;
    }
    return block.timestampMs - cluster.startMs >= AUDIO_CLUSTER_MS;
  }

  /** Opens a Cluster at the block; with video, a keyframe's Cluster gets a CuePoint, without, every Cluster. */
  private openCluster(block: PendingBlock): void {
    this.cluster.open(block.timestampMs);
    const hasVideo = this.trackNumbers[VIDEO] !== 0;
    if (!hasVideo || (block.track === VIDEO && block.keyframe)) {
      writeCuePoint(this.cues, block.timestampMs, this.trackNumbers[block.track], this.writtenBytes - this.head!.segmentDataOffset);
      this.cueCount++;
    }
  }

  private async flushCluster(): Promise<void> {
    if (this.cluster.isOpen) {
      await this.emit(this.cluster.close());
    }
  }

  private async emit(bytes: Uint8Array): Promise<void> {
    await this.sink.write(bytes);
    this.writtenBytes += bytes.length;
  }

  private async writeHead(): Promise<void> {
    const { options } = this;
    const video = this.describeVideo();
    this.trackNumbers[VIDEO] = video === null ? 0 : 1;
    this.trackNumbers[AUDIO] = options.audio === undefined ? 0 : video === null ? 1 : 2;
    const audio = options.audio === undefined ? null : describeAudio(options.audio, this.trackNumbers[AUDIO]);
    const tags: Array<[string, string]> = [];
    if (options.title !== undefined) {
      tags.push(['TITLE', options.title]);
    }
    if (options.comment !== undefined) {
      tags.push(['COMMENT', options.comment]);
    }
    if (options.startDate !== undefined) {
      tags.push(['DATE_RECORDED', options.startDate.toISOString()]);
    }
    const head = renderMatroskaHead({
      docType: options.format === 'webm' ? 'webm' : 'matroska',
      video,
      audio,
      ...(options.startDate === undefined ? {} : { startDate: options.startDate }),
      tags,
    });
    this.head = head;
    this.firstVideo = null;
    await this.emit(head.bytes);
  }

  private describeVideo(): VideoTrackEntry | null {
    const frame = this.firstVideo;
    const spec = this.options.video;
    if (frame === null || spec === undefined) {
      return null;
    }
    return {
      trackNumber: 1,
      codecId: CODEC_IDS[spec.codec],
      codecPrivate: spec.codec === 'vp9' ? vp9CodecPrivate(frame.data) : spec.codec === 'vp8' ? null : frame.decoderConfig,
      widthPx: frame.width,
      heightPx: frame.height,
      rotationDeg: spec.rotationDeg ?? 0,
    };
  }
}

const EMPTY = new Uint8Array(0);

const comesAfter = (a: PendingBlock, b: PendingBlock): boolean => a.timestampMs > b.timestampMs || (a.timestampMs === b.timestampMs && a.track > b.track);

const describeAudio = (spec: MatroskaAudioTrack, trackNumber: number): AudioTrackEntry => {
  const preSkipSamples = (spec.opusHead[10] ?? 0) | ((spec.opusHead[11] ?? 0) << 8);
  return {
    trackNumber,
    codecId: 'A_OPUS',
    codecPrivate: spec.opusHead,
    channelCount: spec.channelCount,
    sampleRateHz: 48_000, // Opus always decodes at 48 kHz; OpusHead keeps the input rate
    codecDelayNs: Math.round((preSkipSamples * 1e9) / 48_000),
    seekPreRollNs: OPUS_SEEK_PRE_ROLL_NS,
  };
};

/** WebM's VP9 CodecPrivate (ID, length, value triplets): profile (1) and bit depth (3), from a keyframe. */
const vp9CodecPrivate = (frame: Uint8Array): Uint8Array | null => {
  try {
    const header = parseVp9FrameHeader(frame);
    if (header === null || !header.keyframe) {
      return null;
    }
    return Uint8Array.of(1, 1, header.profile, 3, 1, header.bitDepth ?? 8);
  } catch {
    return null;
  }
};
