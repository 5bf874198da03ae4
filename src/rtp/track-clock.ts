/**
 * Places a track's packets on one timeline in milliseconds since the recording's first packet (the `.mjr`
 * header's `u`). Inside a track RTP time rules; where it stops agreeing with arrival time (a timestamp jump,
 * a stalled clock) or the stream restarts (new SSRC, sequence reset), the clock re-anchors on arrival time.
 *
 * Jump detection follows the arrival − RTP offset. Network delay only ever makes a packet late, so the offset
 * has a floor (the lower envelope); the floor may rise slowly with clock drift. An offset far below the floor
 * means RTP time leapt ahead: re-anchor at once. One far above it for several packets in a row means RTP
 * time stalled or went back: re-anchor when confirmed. Isolated late packets (retransmissions) do neither.
 *
 * Drift: a sender's RTP clock runs a little fast or slow against the wall clock (tens to hundreds of ppm,
 * i.e. up to several hundred ms an hour). The placed time is RTP time plus a correction that follows the
 * floor, never faster than `maxDriftRate`, so the timeline stays monotonic and ends within a frame or two of
 * the arrival times after an hour.
 */
import { TimestampUnwrapper } from './sequence.js';

export type TrackClockOptions = {
  clockRate: number;
  /** Disagreement between RTP and arrival time that counts as a jump. */
  jumpThresholdMs: number;
  /** Packets in a row above the floor needed to confirm a backward jump or stall. */
  confirmPackets: number;
  /** How fast the floor may rise (clock drift), in ms per ms. */
  maxDriftRate: number;
};

export const DEFAULT_TRACK_CLOCK_OPTIONS: Omit<TrackClockOptions, 'clockRate'> = {
  jumpThresholdMs: 500,
  confirmPackets: 3,
  maxDriftRate: 0.002,
};

/** Without arrival times (MJR00001 and legacy files), RTP steps beyond this are jumps. */
const MAX_PLAUSIBLE_STEP_MS = 10_000;

export type TimestampJump = {
  /** Where the track resumes, on the track timeline. */
  atMs: number;
  /** The RTP step across the jump. */
  rtpDeltaMs: number;
  /** The arrival step across the jump (null without arrival times). */
  arrivalDeltaMs: number | null;
};

export type Placement = {
  /** Milliseconds since the recording's first packet. */
  timeMs: number;
  /** RTP timestamp extended across wraps; restarts after a discontinuity. */
  extendedTimestamp: number;
  jump: TimestampJump | null;
};

export class TrackClock {
  private readonly options: TrackClockOptions;
  private readonly unwrapper = new TimestampUnwrapper();
  private anchorTimestamp = 0;
  private anchorMs = 0;
  private started = false;
  private previous: { extended: number; timeMs: number; arrivalMs: number | null } | null = null;
  private floorMs = 0;
  private floorAtMs = 0;
  private aboveCount = 0;
  /** Added to RTP time: follows the floor, slope-limited. */
  private correctionMs = 0;
  private correctionAtMs = 0;

  constructor(options: Pick<TrackClockOptions, 'clockRate'> & Partial<TrackClockOptions>) {
    this.options = { ...DEFAULT_TRACK_CLOCK_OPTIONS, ...options };
  }

  /** Places the next packet in sequence order. `restart` marks a new SSRC or sequence reset. */
  place(timestamp: number, arrivalMs: number | null, restart = false): Placement {
    if (restart) {
      this.unwrapper.reset();
    }
    const extended = this.unwrapper.unwrap(timestamp);
    if (!this.started) {
      this.started = true;
      this.anchor(extended, arrivalMs ?? 0);
      return this.finish(extended, arrivalMs, null);
    }
    if (restart) {
      this.anchor(extended, arrivalMs ?? this.previous!.timeMs);
      return this.finish(extended, arrivalMs, null);
    }
    const previous = this.previous!;
    const rtpDeltaMs = ((extended - previous.extended) * 1000) / this.options.clockRate;
    if (arrivalMs === null) {
      if (Math.abs(rtpDeltaMs) > MAX_PLAUSIBLE_STEP_MS) {
        this.anchor(extended, previous.timeMs);
        return this.finish(extended, arrivalMs, { atMs: previous.timeMs, rtpDeltaMs, arrivalDeltaMs: null });
      }
      return this.finish(extended, arrivalMs, null);
    }
    const offsetMs = arrivalMs - this.rtpTimeOf(extended);
    const floorMs = this.currentFloor(arrivalMs);
    if (offsetMs < floorMs - this.options.jumpThresholdMs) {
      return this.jumpTo(extended, arrivalMs, rtpDeltaMs);
    }
    if (offsetMs > floorMs + this.options.jumpThresholdMs) {
      this.aboveCount++;
      if (this.aboveCount >= this.options.confirmPackets) {
        return this.jumpTo(extended, arrivalMs, rtpDeltaMs);
      }
    } else {
      this.aboveCount = 0;
    }
    if (offsetMs < floorMs) {
      this.floorMs = offsetMs;
      this.floorAtMs = arrivalMs;
    }
    this.followDrift(this.floorMs, arrivalMs);
    return this.finish(extended, arrivalMs, null);
  }

  /** Moves the correction toward the floor, at most maxDriftRate ms per ms of arrival time. */
  private followDrift(floorMs: number, arrivalMs: number): void {
    if (arrivalMs <= this.correctionAtMs) {
      return; // a late packet: arrival time went back, no time has passed for the correction
    }
    const maxStepMs = (arrivalMs - this.correctionAtMs) * this.options.maxDriftRate;
    this.correctionMs += Math.max(-maxStepMs, Math.min(maxStepMs, floorMs - this.correctionMs));
    this.correctionAtMs = arrivalMs;
  }

  private jumpTo(extended: number, arrivalMs: number, rtpDeltaMs: number): Placement {
    const previous = this.previous!;
    this.anchor(extended, arrivalMs);
    return this.finish(extended, arrivalMs, {
      atMs: arrivalMs,
      rtpDeltaMs,
      arrivalDeltaMs: previous.arrivalMs === null ? null : arrivalMs - previous.arrivalMs,
    });
  }

  private currentFloor(arrivalMs: number): number {
    return this.floorMs + Math.max(0, arrivalMs - this.floorAtMs) * this.options.maxDriftRate;
  }

  private anchor(extended: number, atMs: number): void {
    this.anchorTimestamp = extended;
    this.anchorMs = atMs;
    this.floorMs = 0;
    this.floorAtMs = atMs;
    this.aboveCount = 0;
    this.correctionMs = 0;
    this.correctionAtMs = atMs;
  }

  /** RTP time on the timeline, before the drift correction. */
  private rtpTimeOf(extended: number): number {
    return this.anchorMs + ((extended - this.anchorTimestamp) * 1000) / this.options.clockRate;
  }

  private timeOf(extended: number): number {
    return this.rtpTimeOf(extended) + this.correctionMs;
  }

  private finish(extended: number, arrivalMs: number | null, jump: TimestampJump | null): Placement {
    const timeMs = this.timeOf(extended);
    this.previous = { extended, timeMs, arrivalMs };
    return { timeMs, extendedTimestamp: extended, jump };
  }
}
