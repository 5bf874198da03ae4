/**
 * Writes encoded frames into WebM, Matroska, MP4 or Ogg through mediabunny, streaming: frames go out as they
 * come (awaiting the muxer for backpressure), so memory stays flat at any length. Timestamps are seconds
 * from the file's zero, strictly increasing per track; video frame durations come from the next frame.
 */
import {
  EncodedAudioPacketSource,
  EncodedPacket,
  EncodedVideoPacketSource,
  MkvOutputFormat,
  Mp4OutputFormat,
  OggOutputFormat,
  Output,
  WebMOutputFormat,
  type Target,
} from 'mediabunny';
import { videoCodecString } from '../codec/codec-string.js';
import type { VideoCodec } from '../rtp/video-probe.js';
import { RepriseError } from '../shared/errors.js';
import type { OutputFormat } from './formats.js';

const MEDIABUNNY_VIDEO_CODEC = { vp8: 'vp8', vp9: 'vp9', h264: 'avc', h265: 'hevc', av1: 'av1' } as const;

export type VideoTrackSpec = {
  codec: VideoCodec;
  /** Clockwise rotation to apply on display (from the video-orientation extension). */
  rotationDeg?: 0 | 90 | 180 | 270;
  /** Upper bound of frames, needed for MP4 with the index at the front. */
  maximumPacketCount?: number;
};

export type AudioTrackSpec = {
  codec: 'opus';
  channelCount: number;
  sampleRate: number;
  /** RFC 7845 OpusHead for the container. */
  opusHead: Uint8Array;
  maximumPacketCount?: number;
};

export type MediaWriterOptions = {
  format: Extract<OutputFormat, 'webm' | 'mkv' | 'mka' | 'mp4' | 'ogg'>;
  target: Target;
  video?: VideoTrackSpec;
  audio?: AudioTrackSpec;
  /** Container metadata: the `.mjr` header JSON (janus-pp-rec does the same) and the wall-clock start. */
  comment?: string;
  startDate?: Date;
  title?: string;
};

export type WrittenVideoFrame = {
  data: Uint8Array;
  timestampSec: number;
  keyframe: boolean;
  /** The configuration record (avcC, hvcC, av1C), needed with the first frame for those codecs. */
  decoderConfig: Uint8Array | null;
  width: number;
  height: number;
};

export type WrittenAudioFrame = { data: Uint8Array; timestampSec: number; durationSec: number };

/** Minimum step between two frames of a track, so timestamps stay strictly increasing at ms precision. */
const MIN_STEP_SEC = 0.001;
const DEFAULT_FRAME_SEC = 1 / 30;

export class MediaWriter {
  private readonly output: Output;
  private readonly videoSource: EncodedVideoPacketSource | null;
  private readonly audioSource: EncodedAudioPacketSource | null;
  private heldVideo: WrittenVideoFrame | null = null;
  private videoStarted = false;
  private audioStarted = false;
  private lastVideoSec = -Infinity;
  private lastAudioSec = -Infinity;
  private lastVideoStepSec = DEFAULT_FRAME_SEC;
  /** Frames whose timestamps had to be nudged forward to stay increasing. */
  retimedFrames = 0;

  private constructor(private readonly options: MediaWriterOptions) {
    this.output = new Output({ format: createFormat(options), target: options.target });
    this.videoSource = options.video === undefined ? null : new EncodedVideoPacketSource(MEDIABUNNY_VIDEO_CODEC[options.video.codec]);
    this.audioSource = options.audio === undefined ? null : new EncodedAudioPacketSource('opus');
    if (this.videoSource !== null && options.video !== undefined) {
      this.output.addVideoTrack(this.videoSource, {
        rotation: options.video.rotationDeg ?? 0,
        ...(options.video.maximumPacketCount === undefined ? {} : { maximumPacketCount: options.video.maximumPacketCount }),
      });
    }
    if (this.audioSource !== null && options.audio !== undefined) {
      this.output.addAudioTrack(this.audioSource, options.audio.maximumPacketCount === undefined ? {} : { maximumPacketCount: options.audio.maximumPacketCount });
    }
    const tags: Record<string, unknown> = {};
    if (options.comment !== undefined) {
      tags['comment'] = options.comment;
    }
    if (options.startDate !== undefined) {
      tags['date'] = options.startDate;
      if (options.format !== 'mp4') {
        // Matroska's DATE_RECORDED keeps the full wall-clock start (the normalised date tag keeps only the day).
        tags['raw'] = { DATE_RECORDED: options.startDate.toISOString() };
      }
    }
    if (options.title !== undefined) {
      tags['title'] = options.title;
    }
    this.output.setMetadataTags(tags);
  }

  static async open(options: MediaWriterOptions): Promise<MediaWriter> {
    const writer = new MediaWriter(options);
    await writer.output.start();
    return writer;
  }

  async writeVideo(frame: WrittenVideoFrame): Promise<void> {
    if (this.videoSource === null) {
      throw new Error('Internal error: no video track');
    }
    const held = this.heldVideo;
    this.heldVideo = frame;
    if (held !== null) {
      await this.emitVideo(held, frame.timestampSec - held.timestampSec);
    }
  }

  async writeAudio(frame: WrittenAudioFrame): Promise<void> {
    const source = this.audioSource;
    if (source === null || this.options.audio === undefined) {
      throw new Error('Internal error: no audio track');
    }
    let timestampSec = frame.timestampSec;
    if (timestampSec < this.lastAudioSec + MIN_STEP_SEC) {
      timestampSec = this.lastAudioSec + MIN_STEP_SEC;
      this.retimedFrames++;
    }
    this.lastAudioSec = timestampSec;
    const packet = new EncodedPacket(frame.data, 'key', timestampSec, frame.durationSec);
    if (!this.audioStarted) {
      this.audioStarted = true;
      const { channelCount, sampleRate, opusHead } = this.options.audio;
      await source.add(packet, { decoderConfig: { codec: 'opus', numberOfChannels: channelCount, sampleRate, description: opusHead } });
    } else {
      await source.add(packet);
    }
  }

  async finish(): Promise<void> {
    if (this.heldVideo !== null) {
      await this.emitVideo(this.heldVideo, this.lastVideoStepSec);
      this.heldVideo = null;
    }
    this.videoSource?.close();
    this.audioSource?.close();
    await this.output.finalize();
  }

  async cancel(): Promise<void> {
    await this.output.cancel();
  }

  private async emitVideo(frame: WrittenVideoFrame, stepSec: number): Promise<void> {
    const source = this.videoSource!;
    let timestampSec = frame.timestampSec;
    if (timestampSec < this.lastVideoSec + MIN_STEP_SEC) {
      timestampSec = this.lastVideoSec + MIN_STEP_SEC;
      this.retimedFrames++;
    }
    this.lastVideoSec = timestampSec;
    const durationSec = stepSec >= MIN_STEP_SEC && stepSec < 10 ? stepSec : this.lastVideoStepSec;
    this.lastVideoStepSec = durationSec;
    const packet = new EncodedPacket(frame.data, frame.keyframe ? 'key' : 'delta', timestampSec, durationSec);
    if (!this.videoStarted) {
      this.videoStarted = true;
      const codec = this.options.video!.codec;
      await source.add(packet, {
        decoderConfig: {
          codec: videoCodecString(codec, frame.decoderConfig),
          codedWidth: frame.width,
          codedHeight: frame.height,
          ...(frame.decoderConfig === null ? {} : { description: frame.decoderConfig }),
        },
      });
    } else {
      await source.add(packet);
    }
  }
}

const createFormat = (options: MediaWriterOptions) => {
  switch (options.format) {
    case 'webm':
      return new WebMOutputFormat();
    case 'mkv':
    case 'mka':
      return new MkvOutputFormat();
    case 'mp4':
      return new Mp4OutputFormat({ fastStart: 'reserve' });
    case 'ogg':
      if (options.video !== undefined) {
        throw new RepriseError('CONVERT_CODEC_CONTAINER', 'Ogg holds audio only');
      }
      return new OggOutputFormat();
  }
};
