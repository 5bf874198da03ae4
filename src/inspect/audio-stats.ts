/**
 * Gaps in an audio track. RTP time advancing further than the previous packet lasted is a gap: discontinuous
 * transmission (DTX, RFC 7587 §3.1.3) when no sequence number is missing, loss when some are.
 */
import { getOpusPacketDurationUs } from '../codec/opus.js';
import type { AudioGap } from './report.js';

const LIST_CAP = 1000;

/** How long one packet plays, in ms, from its payload (Opus TOC; PCM sizes). */
export const audioPacketDurationMs = (codec: string, payload: Uint8Array): number => {
  switch (codec) {
    case 'opus':
    case 'multiopus': {
      const durationUs = getOpusPacketDurationUs(payload);
      return durationUs === null ? 20 : durationUs / 1000;
    }
    case 'pcmu':
    case 'pcma':
    case 'g711':
    case 'g722':
      return payload.length / 8; // 8000 bytes a second (G.722: 2 samples at 16 kHz per byte)
    case 'l16':
      return payload.length / 2 / 16;
    case 'l16-48':
      return payload.length / 2 / 48;
    default:
      return 20;
  }
};

export class AudioStats {
  readonly dtxGaps: AudioGap[] = [];
  dtxGapCount = 0;
  dtxMs = 0;
  lossGapCount = 0;
  lossMs = 0;
  audioLevelPackets = 0;
  voiceActivityPackets = 0;
  private previous: { timeMs: number; durationMs: number } | null = null;

  constructor(private readonly codec: string) {}

  add(payload: Uint8Array, timeMs: number, missingBefore: number, newStretch: boolean, voiceActivity: boolean | null): void {
    if (voiceActivity !== null) {
      this.audioLevelPackets++;
      if (voiceActivity) {
        this.voiceActivityPackets++;
      }
    }
    const durationMs = audioPacketDurationMs(this.codec, payload);
    const previous = this.previous;
    this.previous = { timeMs, durationMs };
    if (previous === null || newStretch) {
      return;
    }
    const expectedMs = previous.timeMs + previous.durationMs;
    const gapMs = timeMs - expectedMs;
    if (gapMs < previous.durationMs / 2) {
      return;
    }
    if (missingBefore === 0) {
      this.dtxGapCount++;
      this.dtxMs += gapMs;
      if (this.dtxGaps.length < LIST_CAP) {
        this.dtxGaps.push({ atMs: round(expectedMs), durationMs: round(gapMs) });
      }
    } else {
      this.lossGapCount++;
      this.lossMs += gapMs;
    }
  }
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
