/**
 * G.722 decoder, mode 1 (64 kbit/s): ITU-T G.722 (09/2012), "SB-ADPCM decoder principles" and the
 * computational details of its blocks and of the receive QMF. Written from the Recommendation's block
 * descriptions; the names in comments (INVQAL, LOGSCL, UPPOL2, ...) are its block names.
 *
 *     one octet per 8 kHz frame, two 16 kHz output samples per octet:
 *
 *      7   6   5   4   3   2   1   0
 *     +---+---+---+---+---+---+---+---+
 *     |  IH   |          ILR          |     IH: higher sub-band, 2-bit ADPCM
 *     +---+---+---+---+---+---+---+---+     ILR: lower sub-band, 6-bit ADPCM (mode 1)
 *
 *     ILR ─► INVQBL (6-bit) ─► RECONS ─► RL ─┐
 *      └─► >>2 = ILT ─► INVQAL (4-bit) ─► DLT ─► predictor and scale-factor adaptation
 *     IH ─► INVQAH (2-bit) ─► DH ─► RECONS ─► RH ─┴─► receive QMF ─► xout(2j), xout(2j+1)
 *
 * The lower band reconstructs its output with the 6-bit inverse quantizer but adapts with the 4-bit one
 * (the 2 LSBs are the ones a 56/48 kbit/s data channel may steal), so encoder and decoder stay in step in
 * every mode. RFC 3551 §4.5.2: the RTP clock is 8000 Hz although the audio is sampled at 16 kHz.
 */
import { createSubBand, decodeHigherSubBand, decodeLowerSubBand, type SubBandState } from './g722-band.js';

/** Receive QMF coefficients h0..h11, scaled by 2^13 (they sum to 4096); the filter is symmetric, h(23 - i) = h(i). */
const QMF_HALF = [3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876] as const;
const QMF = Int32Array.from([...QMF_HALF, ...[...QMF_HALF].reverse()]);
const QMF_TAPS = 12;

export class G722Decoder {
  private readonly lower: SubBandState = createSubBand('lower');
  private readonly higher: SubBandState = createSubBand('higher');
  /** Receive QMF delay lines: xd(j - i) = RL - RH and xs(j - i) = RL + RH, newest first. */
  private readonly xd = new Int32Array(QMF_TAPS);
  private readonly xs = new Int32Array(QMF_TAPS);

  /** Decodes whole octets; state carries over, so a stream may be fed in pieces of any size. */
  decode(bytes: Uint8Array): Int16Array {
    const out = new Int16Array(bytes.length * 2);
    for (let index = 0; index < bytes.length; index++) {
      const octet = bytes[index]!;
      const rl = decodeLowerSubBand(this.lower, octet & 0x3f);
      const rh = decodeHigherSubBand(this.higher, octet >> 6);
      this.filterQmf(rl, rh, out, index * 2);
    }
    return out;
  }

  /** Back to the reset state: every variable 0, the scale factors at their minimum (DETL 32, DETH 8). */
  reset(): void {
    Object.assign(this.lower, createSubBand('lower'));
    Object.assign(this.higher, createSubBand('higher'));
    this.xd.fill(0);
    this.xs.fill(0);
  }

  /**
   * Receive QMF: xout1 = 2·Σ h(2i)·xd(j-i), xout2 = 2·Σ h(2i+1)·xs(j-i), i = 0..11, output in that order.
   * With h scaled by 2^13, `Σ >> 12` is xout on the 15-bit scale of RL and RH; `>> 11` doubles it to 16-bit
   * PCM (the scale ffmpeg outputs, bit-exact in g722.test.ts), saturated.
   */
  private filterQmf(rl: number, rh: number, out: Int16Array, at: number): void {
    this.xd.copyWithin(1, 0);
    this.xs.copyWithin(1, 0);
    this.xd[0] = rl - rh;
    this.xs[0] = rl + rh;
    let even = 0;
    let odd = 0;
    for (let i = 0; i < QMF_TAPS; i++) {
      even += QMF[2 * i]! * this.xd[i]!;
      odd += QMF[2 * i + 1]! * this.xs[i]!;
    }
    out[at] = clampInt16(even >> 11);
    out[at + 1] = clampInt16(odd >> 11);
  }
}

const clampInt16 = (value: number): number => (value > 32767 ? 32767 : value < -32768 ? -32768 : value);
