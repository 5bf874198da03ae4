/**
 * An MSB-first bit reader for codec headers (VP8/VP9 frame headers, H.264 SPS with Exp-Golomb codes,
 * AV1 sequence headers). Reading past the end throws CODEC_MALFORMED: bitstream fields are never
 * trusted (several historic janus-pp-rec crashes came from that).
 */
import { RepriseError } from './errors.js';

export class BitReader {
  private bitOffset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    byteOffset = 0,
    private readonly byteEnd = bytes.length,
  ) {
    this.bitOffset = byteOffset * 8;
  }

  get bitsLeft(): number {
    return this.byteEnd * 8 - this.bitOffset;
  }

  get position(): number {
    return this.bitOffset;
  }

  readBit(): number {
    if (this.bitOffset >= this.byteEnd * 8) {
      throw new RepriseError('CODEC_MALFORMED', 'bitstream ended before the header did', {
        details: { bitOffset: this.bitOffset },
      });
    }
    const byte = this.bytes[this.bitOffset >>> 3]!;
    const bit = (byte >>> (7 - (this.bitOffset & 7))) & 1;
    this.bitOffset++;
    return bit;
  }

  /** Up to 32 bits, unsigned. */
  readBits(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) {
      value = value * 2 + this.readBit();
    }
    return value;
  }

  skipBits(count: number): void {
    if (count > this.bitsLeft) {
      throw new RepriseError('CODEC_MALFORMED', 'bitstream ended before the header did', {
        details: { bitOffset: this.bitOffset, skip: count },
      });
    }
    this.bitOffset += count;
  }

  /** Unsigned Exp-Golomb, ue(v) (H.264 §9.1). */
  readUe(): number {
    let leadingZeros = 0;
    while (this.readBit() === 0) {
      leadingZeros++;
      if (leadingZeros > 31) {
        throw new RepriseError('CODEC_MALFORMED', 'Exp-Golomb code longer than 32 bits');
      }
    }
    return 2 ** leadingZeros - 1 + this.readBits(leadingZeros);
  }

  /** Signed Exp-Golomb, se(v). */
  readSe(): number {
    const codeNum = this.readUe();
    return codeNum % 2 === 1 ? (codeNum + 1) / 2 : -(codeNum / 2);
  }
}
