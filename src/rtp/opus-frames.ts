/**
 * Opus frames from RTP (RFC 7587): one Opus packet per payload, its duration read from the TOC byte
 * (RFC 6716 §3.1; janus-pp-rec assumes 20 ms). RED (RFC 2198) is unwrapped, and its redundant blocks recover
 * packets that never arrived. The output keeps time: wherever RTP time runs ahead of what was written (DTX,
 * loss, clock drift) Opus silence frames fill the gap; where it falls behind by more than half a packet, the
 * packet is dropped. So the written audio is continuous and ends where the wall clock says it should.
 */
import { getOpusPacketDurationUs, OPUS_SILENCE_FRAME_20MS, parseOpusToc } from '../codec/opus.js';
import { isRepriseError } from '../shared/errors.js';
import { parseRedPayload, type RedBlock } from './red.js';
import type { OrderedPacket } from './sequencer.js';

const OPUS_CLOCK_RATE = 48_000;
const SILENCE_MS = 20;
/**
 * Hysteresis: silence goes in when RTP time runs ahead by 3/4 of a frame, a packet is dropped when it falls
 * behind by 3/4 of its length. Since either action moves the written position by a whole frame, it can never
 * trigger the other (at ±1/2 a packet exactly 10 ms late would alternate insert, drop, insert…).
 */
const ACT_FRACTION = 0.75;

export type AudioFrame = {
  data: Uint8Array;
  /** ms since the recording's first packet (the `.mjr` header's `u`). */
  timeMs: number;
  durationMs: number;
  source: 'packet' | 'red' | 'silence';
};

export type OpusFrameStats = {
  packetsWritten: number;
  recoveredFromRed: number;
  silenceFrames: number;
  silenceMs: number;
  /** Packets dropped because RTP time had fallen behind what was already written. */
  droppedOverlap: number;
  droppedMalformed: number;
  /** The stream's packets carry two channels (TOC stereo bit). */
  stereo: boolean;
};

type Candidate = { data: Uint8Array; timeMs: number; durationMs: number; source: 'packet' | 'red' };

export class OpusDepacketizer {
  readonly stats: OpusFrameStats = { packetsWritten: 0, recoveredFromRed: 0, silenceFrames: 0, silenceMs: 0, droppedOverlap: 0, droppedMalformed: 0, stereo: false };
  private nextMs: number | null = null;

  constructor(private readonly redPayloadType: number | null = null) {}

  push(ordered: OrderedPacket): AudioFrame[] {
    const out: AudioFrame[] = [];
    for (const candidate of this.candidatesOf(ordered)) {
      this.write(candidate, out);
    }
    return out;
  }

  /** The packet's primary Opus packet, preceded by any redundant blocks that fill a loss right before it. */
  private candidatesOf(ordered: OrderedPacket): Candidate[] {
    const { packet, timeMs } = ordered;
    if (this.redPayloadType === null || packet.payloadType !== this.redPayloadType) {
      const durationMs = durationOf(packet.payload);
      if (durationMs === null) {
        this.stats.droppedMalformed++;
        return [];
      }
      return [{ data: packet.payload, timeMs, durationMs, source: 'packet' }];
    }
    let blocks: { redundant: RedBlock[]; primary: RedBlock };
    try {
      blocks = parseRedPayload(packet.payload);
    } catch (error) {
      if (isRepriseError(error)) {
        this.stats.droppedMalformed++;
        return [];
      }
      throw error;
    }
    const candidates: Candidate[] = [];
    if (ordered.missingBefore > 0 && ordered.discontinuity === null && ordered.jump === null) {
      for (const block of blocks.redundant) {
        const durationMs = durationOf(block.data);
        if (durationMs !== null && block.data.length > 0) {
          candidates.push({ data: block.data, timeMs: timeMs - (block.timestampOffset * 1000) / OPUS_CLOCK_RATE, durationMs, source: 'red' });
        }
      }
    }
    const durationMs = durationOf(blocks.primary.data);
    if (durationMs === null) {
      this.stats.droppedMalformed++;
    } else {
      candidates.push({ data: blocks.primary.data, timeMs, durationMs, source: 'packet' });
    }
    return candidates;
  }

  private write(candidate: Candidate, out: AudioFrame[]): void {
    if (this.nextMs === null) {
      this.nextMs = candidate.timeMs;
    }
    const gapMs = candidate.timeMs - this.nextMs;
    if (gapMs <= -candidate.durationMs * ACT_FRACTION) {
      if (candidate.source === 'packet') {
        this.stats.droppedOverlap++;
      }
      return; // a redundant copy of something already written, or RTP time fell behind
    }
    const silentFrames = gapMs >= SILENCE_MS * ACT_FRACTION ? Math.max(1, Math.round(gapMs / SILENCE_MS)) : 0;
    for (let index = 0; index < silentFrames; index++) {
      out.push({ data: OPUS_SILENCE_FRAME_20MS, timeMs: this.nextMs, durationMs: SILENCE_MS, source: 'silence' });
      this.nextMs += SILENCE_MS;
      this.stats.silenceFrames++;
      this.stats.silenceMs += SILENCE_MS;
    }
    if (candidate.source === 'red') {
      this.stats.recoveredFromRed++;
    } else {
      this.stats.packetsWritten++;
    }
    if ((candidate.data[0]! & 0x04) !== 0) {
      this.stats.stereo = true;
    }
    out.push({ data: candidate.data, timeMs: this.nextMs, durationMs: candidate.durationMs, source: candidate.source });
    this.nextMs += candidate.durationMs;
  }
}

const durationOf = (opusPacket: Uint8Array): number | null => {
  if (opusPacket.length === 0) {
    return null;
  }
  const durationUs = getOpusPacketDurationUs(opusPacket);
  return durationUs === null ? null : durationUs / 1000;
};

/** Whether an Opus packet is stereo (TOC s bit), for the OpusHead channel count. */
export const isStereoOpusPacket = (opusPacket: Uint8Array): boolean => opusPacket.length > 0 && parseOpusToc(opusPacket[0]!).stereo;
