/**
 * Video depacketization, codec-independent part: group the ordered RTP stream into frames (one RTP
 * timestamp each), judge whether each frame arrived whole, and keep only what a decoder can decode: nothing
 * before the first keyframe, and after a broken frame nothing until the next keyframe (a frame the codec
 * marks discardable may go alone). Every dropped frame is counted with its reason.
 *
 * A codec plugs in through `VideoFrameBuilder` (in the spirit of pion's three-method depacketizer): where a
 * frame starts, and how a frame's payloads become one decodable access unit.
 */
import type { OrderedPacket } from './sequencer.js';
import type { VideoCodec } from './video-probe.js';

export type BuiltFrame = {
  /** The access unit as the container wants it (see each builder). */
  data: Uint8Array;
  keyframe: boolean;
  /** No other frame refers to this one (VP8 N bit, H.264 nal_ref_idc 0...): losing it breaks nothing else. */
  discardable: boolean;
  width?: number;
  height?: number;
};

/** What the container needs to set up the decoder: codec string and, for H.264/AV1, the configuration record. */
export type VideoDecoderConfig = { codec: VideoCodec; description?: Uint8Array; width: number; height: number };

export type VideoFrameBuilder = {
  readonly codec: VideoCodec;
  /** The payload begins a frame (used to tell a frame that lost its first packets). */
  isFrameStart(payload: Uint8Array): boolean;
  /** One frame from its payloads in sequence order; null when they cannot make a frame. */
  buildFrame(payloads: readonly Uint8Array[]): BuiltFrame | null;
  /** Set once the stream has shown its configuration (H.264 SPS/PPS, AV1 sequence header), else null. */
  decoderConfig(): Uint8Array | null;
};

export type VideoFrame = BuiltFrame & {
  /** ms since the recording's first packet (the `.mjr` header's `u`). */
  timeMs: number;
  /** Extended RTP timestamp (90 kHz); restarts with a new stretch. */
  rtpTimestamp: number;
};

/** `lost`: frames never recorded at all (all their packets missing), counted once per gap. */
export type FrameDropReason = 'beforeKeyframe' | 'incomplete' | 'dependsOnLost' | 'unbuildable' | 'suspect' | 'lost';

export type VideoFrameStats = {
  framesWritten: number;
  keyframesWritten: number;
  framesDropped: Record<FrameDropReason, number>;
  /** Where the first written keyframe sits on the track timeline. */
  firstKeyframeMs: number | null;
};

type Group = { timeMs: number; extendedTimestamp: number; packets: OrderedPacket[]; complete: boolean };

export class VideoDepacketizer {
  readonly stats: VideoFrameStats = {
    framesWritten: 0,
    keyframesWritten: 0,
    framesDropped: { beforeKeyframe: 0, incomplete: 0, dependsOnLost: 0, unbuildable: 0, suspect: 0, lost: 0 },
    firstKeyframeMs: null,
  };
  private group: Group | null = null;
  /** The decoder's chain is broken (start, or a lost reference frame) until the next keyframe. */
  private waitingForKeyframe = true;
  private sawKeyframe = false;

  constructor(private readonly builder: VideoFrameBuilder) {}

  push(ordered: OrderedPacket): VideoFrame[] {
    const out: VideoFrame[] = [];
    const group = this.group;
    const sameFrame = group !== null && ordered.discontinuity === null && ordered.jump === null && ordered.extendedTimestamp === group.extendedTimestamp;
    if (sameFrame) {
      if (ordered.missingBefore > 0 || ordered.suspect) {
        group.complete = false;
      }
      group.packets.push(ordered);
      return out;
    }
    if (group !== null) {
      // The next frame following without a gap proves this one ended, marker bit or not: the marker "may be
      // lost" (Janus) and some senders omit it on the frame before a requested keyframe (seen in real recordings).
      const wasWhole = this.closeGroup(group, out, ordered.missingBefore === 0 && ordered.discontinuity === null);
      if (wasWhole && ordered.missingBefore > 0 && group.packets.at(-1)!.packet.marker) {
        // The previous frame ended whole, yet packets are missing before this one: whole frames were lost.
        this.stats.framesDropped.lost++;
        this.waitingForKeyframe = true;
      }
    }
    const startsWhole = this.builder.isFrameStart(ordered.packet.payload);
    this.group = { timeMs: ordered.timeMs, extendedTimestamp: ordered.extendedTimestamp, packets: [ordered], complete: startsWhole && !ordered.suspect };
    return out;
  }

  finish(): VideoFrame[] {
    const out: VideoFrame[] = [];
    if (this.group !== null) {
      this.closeGroup(this.group, out, false);
      this.group = null;
    }
    return out;
  }

  /** Emits or drops the frame; returns whether it arrived whole. */
  private closeGroup(group: Group, out: VideoFrame[], followedWithoutGap: boolean): boolean {
    const last = group.packets[group.packets.length - 1]!;
    const whole = group.complete && (last.packet.marker || followedWithoutGap);
    const dropped = this.stats.framesDropped;
    if (!whole) {
      dropped[group.packets.some((packet) => packet.suspect) ? 'suspect' : 'incomplete']++;
      this.waitingForKeyframe = true;
      return false;
    }
    const frame = this.builder.buildFrame(group.packets.map((packet) => packet.packet.payload));
    if (frame === null) {
      dropped.unbuildable++;
      this.waitingForKeyframe = true;
      return true;
    }
    if (this.waitingForKeyframe && !frame.keyframe) {
      dropped[this.sawKeyframe ? 'dependsOnLost' : 'beforeKeyframe']++;
      return true;
    }
    if (frame.keyframe) {
      this.waitingForKeyframe = false;
      this.sawKeyframe = true;
      this.stats.keyframesWritten++;
      this.stats.firstKeyframeMs ??= group.timeMs;
    }
    this.stats.framesWritten++;
    out.push({ ...frame, timeMs: group.timeMs, rtpTimestamp: group.extendedTimestamp });
    return true;
  }
}
