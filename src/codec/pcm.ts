/**
 * L16: RFC 3551 §4.5.11 — uncompressed 16-bit signed two's-complement samples in network byte order
 * (big-endian); with several channels, samples are interleaved per sampling instant (§4.3 ordering).
 *
 *     byte:   0        1        2        3
 *           +--------+--------+--------+--------+
 *           | s0 MSB | s0 LSB | s1 MSB | s1 LSB |  ...
 *           +--------+--------+--------+--------+
 *
 * A payload of odd length cannot come from a conforming sender; its last byte is dropped and counted.
 */

export type L16Stats = {
  /** Payloads whose length was odd; their last byte was dropped. */
  oddPayloads: number;
};

export const createL16Stats = (): L16Stats => ({ oddPayloads: 0 });

/** Big-endian 16-bit samples → native samples. Pass `stats` to count odd-length payloads. */
export const decodeL16 = (bytes: Uint8Array, stats?: L16Stats): Int16Array => {
  const count = bytes.length >> 1;
  if (bytes.length % 2 !== 0 && stats !== undefined) {
    stats.oddPayloads++;
  }
  const samples = new Int16Array(count);
  for (let i = 0; i < count; i++) {
    samples[i] = (bytes[2 * i]! << 8) | bytes[2 * i + 1]!;
  }
  return samples;
};
