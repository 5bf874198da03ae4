/**
 * PCM from G.711 (µ-law PT 0, A-law PT 8), G.722 and L16 RTP (RFC 3551 §4.5): decoded to 16-bit samples
 * and kept on time — gaps (loss, silence suppression, drift) become digital silence of the right length,
 * and packets that fall behind what was written by more than half their length are dropped.
 */
import { decodeAlaw, decodeMulaw } from '../codec/g711.js';
import { G722Decoder } from '../codec/g722.js';
import { createL16Stats, decodeL16 } from '../codec/pcm.js';
import type { OrderedPacket } from './sequencer.js';

export type PcmCodec = 'pcmu' | 'pcma' | 'g711' | 'g722' | 'l16' | 'l16-48';

export const PCM_SAMPLE_RATES: Record<PcmCodec, number> = { pcmu: 8000, pcma: 8000, g711: 8000, g722: 16_000, l16: 16_000, 'l16-48': 48_000 };

export type PcmStats = { packetsWritten: number; silenceSamples: number; droppedOverlap: number; droppedPayloadType: number };

export class PcmDepacketizer {
  readonly sampleRate: number;
  readonly stats: PcmStats = { packetsWritten: 0, silenceSamples: 0, droppedOverlap: 0, droppedPayloadType: 0 };
  private readonly g722 = new G722Decoder();
  private readonly l16Stats = createL16Stats();
  private startMs: number | null = null;
  private writtenSamples = 0;

  constructor(private readonly codec: PcmCodec) {
    this.sampleRate = PCM_SAMPLE_RATES[codec];
  }

  /** Samples to append for this packet (silence first when it starts after a gap). */
  push(ordered: OrderedPacket): Int16Array[] {
    const samples = this.decode(ordered.packet.payloadType, ordered.packet.payload);
    if (samples === null) {
      this.stats.droppedPayloadType++;
      return [];
    }
    this.startMs ??= ordered.timeMs;
    const expected = Math.round(((ordered.timeMs - this.startMs) * this.sampleRate) / 1000);
    const gap = expected - this.writtenSamples;
    // Hysteresis as for Opus: act at 3/4 of a packet, so an insertion never triggers a drop or the reverse.
    if (gap <= -samples.length * 0.75) {
      this.stats.droppedOverlap++;
      return [];
    }
    const out: Int16Array[] = [];
    if (gap >= samples.length * 0.75) {
      out.push(new Int16Array(gap));
      this.stats.silenceSamples += gap;
      this.writtenSamples += gap;
    }
    out.push(samples);
    this.writtenSamples += samples.length;
    this.stats.packetsWritten++;
    return out;
  }

  get writtenMs(): number {
    return (this.writtenSamples * 1000) / this.sampleRate;
  }

  private decode(payloadType: number, payload: Uint8Array): Int16Array | null {
    switch (this.codec) {
      case 'pcmu':
        return decodeMulaw(payload);
      case 'pcma':
        return decodeAlaw(payload);
      case 'g711':
        // Old recordings say only "g711": the static payload type tells the law (RFC 3551 table 4).
        return payloadType === 0 ? decodeMulaw(payload) : payloadType === 8 ? decodeAlaw(payload) : null;
      case 'g722':
        return this.g722.decode(payload);
      case 'l16':
      case 'l16-48':
        return decodeL16(payload, this.l16Stats);
    }
  }
}
