/**
 * From a recording's raw packet records to an ordered, timed RTP stream: parse, drop what is not media
 * (padding-only, too short, malformed), reorder and de-duplicate, then place each packet on the track
 * timeline. Shared by `inspect` (which counts) and `convert` (which depacketizes). Pure.
 */
import { isRepriseError } from '../shared/errors.js';
import { parseRtpPacket, type RtpPacket } from './packet.js';
import { RtpReorderer, type Discontinuity, type ReorderOptions } from './reorder.js';
import { TrackClock, type TimestampJump } from './track-clock.js';

export type OrderedPacket = {
  packet: RtpPacket;
  /** Arrival in ms since the recording's first packet (MJR00002), else null. */
  arrivalMs: number | null;
  /** Place on the track timeline, ms since the recording's first packet. */
  timeMs: number;
  /** RTP timestamp extended across wraps; restarts with a new stretch. */
  extendedTimestamp: number;
  extendedSequence: number;
  /** Sequence numbers missing right before this packet. */
  missingBefore: number;
  /** First packet after a new SSRC or sequence reset. */
  discontinuity: Discontinuity | null;
  /** First packet after RTP time jumped away from arrival time (re-anchored). */
  jump: TimestampJump | null;
  /** The record was followed by garbage in the file: its bytes may be damaged. */
  suspect: boolean;
};

export type DropCounts = { paddingOnly: number; tooShort: number; malformed: number };

export type SequencerOptions = { clockRate: number; reorder?: Partial<ReorderOptions> };

type Held = { sequenceNumber: number; ssrc: number; arrivalMs: number | null; packet: RtpPacket; suspect: boolean };

export class PacketSequencer {
  readonly drops: DropCounts = { paddingOnly: 0, tooShort: 0, malformed: 0 };
  private readonly reorderer: RtpReorderer<Held>;
  private readonly clock: TrackClock;

  constructor(options: SequencerOptions) {
    this.reorderer = new RtpReorderer<Held>(options.reorder);
    this.clock = new TrackClock({ clockRate: options.clockRate });
  }

  get reorderStats() {
    return this.reorderer.stats;
  }

  get missingRanges() {
    return this.reorderer.missingRanges;
  }

  /** Adds one recorded packet (file order); returns the packets now ready, in sequence order. */
  add(bytes: Uint8Array, arrivalMs: number | null, suspect = false): OrderedPacket[] {
    let packet: RtpPacket;
    try {
      packet = parseRtpPacket(bytes);
    } catch (error) {
      if (isRepriseError(error) && error.code === 'RTP_SHORT_PACKET') {
        this.drops.tooShort++;
      } else {
        this.drops.malformed++;
      }
      return [];
    }
    if (packet.payload.length === 0) {
      if (packet.padding) {
        this.drops.paddingOnly++;
      } else {
        this.drops.tooShort++;
      }
      return [];
    }
    return this.release(this.reorderer.push({ sequenceNumber: packet.sequenceNumber, ssrc: packet.ssrc, arrivalMs, packet, suspect }));
  }

  /** End of the recording: everything still held. */
  finish(): OrderedPacket[] {
    return this.release(this.reorderer.flush());
  }

  private release(released: ReturnType<RtpReorderer<Held>['flush']>): OrderedPacket[] {
    return released.map(({ item, extendedSequence, missingBefore, discontinuity }) => {
      const placement = this.clock.place(item.packet.timestamp, item.arrivalMs, discontinuity !== null);
      return {
        packet: item.packet,
        arrivalMs: item.arrivalMs,
        timeMs: placement.timeMs,
        extendedTimestamp: placement.extendedTimestamp,
        extendedSequence,
        missingBefore,
        discontinuity,
        jump: placement.jump,
        suspect: item.suspect,
      };
    });
  }
}
