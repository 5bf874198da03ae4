/** Frame-level facts of a video track: frames, keyframes, completeness, sizes and rotations over time. */
import type { RtpPacket } from '../rtp/packet.js';
import { probeVideoPacket, type VideoCodec } from '../rtp/video-probe.js';
import type { Resolution, Rotation } from './report.js';

type OpenFrame = { extendedTimestamp: number; timeMs: number; keyframe: boolean; firstIsStart: boolean; gapInside: boolean; lastMarker: boolean };

const LIST_CAP = 1000;

export class VideoStats {
  frames = 0;
  keyframes = 0;
  firstKeyframeMs: number | null = null;
  incompleteFrames = 0;
  malformedPayloads = 0;
  readonly resolutions: Resolution[] = [];
  readonly rotations: Rotation[] = [];
  private frame: OpenFrame | null = null;

  constructor(private readonly codec: VideoCodec | null) {}

  add(packet: RtpPacket, timeMs: number, extendedTimestamp: number, missingBefore: number, newStretch: boolean, rotationDeg: number | null): void {
    const info = this.codec === null ? null : probeVideoPacket(this.codec, packet.payload);
    if (this.codec !== null && info === null) {
      this.malformedPayloads++;
    }
    if (this.frame === null || newStretch || extendedTimestamp !== this.frame.extendedTimestamp) {
      // A next frame that follows without a gap proves the previous one ended, marker bit or not.
      this.closeFrame(missingBefore === 0 && !newStretch);
      this.frame = {
        extendedTimestamp,
        timeMs,
        keyframe: false,
        firstIsStart: info?.frameStart ?? false,
        gapInside: false,
        lastMarker: false,
      };
    } else if (missingBefore > 0) {
      this.frame.gapInside = true;
    }
    const frame = this.frame;
    frame.lastMarker = packet.marker;
    if (info?.keyframe) {
      frame.keyframe = true;
    }
    if (info?.width !== undefined && info.height !== undefined) {
      const last = this.resolutions.at(-1);
      if ((last === undefined || last.width !== info.width || last.height !== info.height) && this.resolutions.length < LIST_CAP) {
        this.resolutions.push({ width: info.width, height: info.height, atMs: frame.timeMs });
      }
    }
    if (rotationDeg !== null) {
      const last = this.rotations.at(-1);
      if ((last === undefined || last.rotationDeg !== rotationDeg) && this.rotations.length < LIST_CAP) {
        this.rotations.push({ rotationDeg, atMs: frame.timeMs });
      }
    }
  }

  finish(): void {
    this.closeFrame(false);
  }

  private closeFrame(followedWithoutGap: boolean): void {
    const frame = this.frame;
    if (frame === null) {
      return;
    }
    this.frames++;
    if (frame.keyframe) {
      this.keyframes++;
      this.firstKeyframeMs ??= frame.timeMs;
    }
    if (!frame.firstIsStart || frame.gapInside || !(frame.lastMarker || followedWithoutGap)) {
      this.incompleteFrames++;
    }
    this.frame = null;
  }
}
