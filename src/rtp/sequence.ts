/**
 * Wraparound arithmetic for RTP's 16-bit sequence numbers and 32-bit timestamps (RFC 3550 §A.1): one place
 * owns it. "Extended" values count wraps so that they grow without bound.
 */

/** Signed distance from a to b in 16-bit sequence space, in [-32768, 32767]. */
export const sequenceDistance = (from: number, to: number): number => {
  const diff = (to - from) & 0xffff;
  return diff >= 0x8000 ? diff - 0x10000 : diff;
};

/** Signed distance from a to b in 32-bit timestamp space, in [-2^31, 2^31). */
export const timestampDistance = (from: number, to: number): number => {
  const diff = (to - from) >>> 0;
  return diff >= 0x8000_0000 ? diff - 0x1_0000_0000 : diff;
};

/** Extends 16-bit sequence numbers to a growing number, each relative to the highest seen so far. */
export class SequenceUnwrapper {
  private highest: number | null = null;

  /** The extended value of a sequence number: the nearest one in wrap-aware terms to the highest seen. */
  unwrap(sequenceNumber: number): number {
    if (this.highest === null) {
      this.highest = sequenceNumber + 0x10000; // headroom so that late packets before the first stay positive
      return this.highest;
    }
    const extended = this.highest + sequenceDistance(this.highest & 0xffff, sequenceNumber);
    if (extended > this.highest) {
      this.highest = extended;
    }
    return extended;
  }

  reset(): void {
    this.highest = null;
  }
}

/** Extends 32-bit timestamps, each relative to the previous one given. */
export class TimestampUnwrapper {
  private previous: number | null = null;

  unwrap(timestamp: number): number {
    if (this.previous === null) {
      this.previous = timestamp + 0x1_0000_0000;
      return this.previous;
    }
    this.previous = this.previous + timestampDistance(this.previous % 0x1_0000_0000, timestamp);
    return this.previous;
  }

  reset(): void {
    this.previous = null;
  }
}
