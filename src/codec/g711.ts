/**
 * G.711 decoding: ITU-T G.711 (11/88) §2 and Tables 1a/1b (A-law) and 2a/2b (µ-law). RTP payload types 0
 * (PCMU) and 8 (PCMA), RFC 3551 §4.5.14: one octet per sample at 8000 Hz.
 *
 *     character signal:   0   1   2   3   4   5   6   7
 *                       +---+---+---+---+---+---+---+---+
 *                       | P |  segment  |  quantization |   P: polarity
 *                       +---+---+---+---+---+---+---+---+
 *
 *     µ-law: every bit is inverted on the line; P = 0 after inversion is positive.
 *            segment s, step q → ((2q + 33) << s) - 33, out of 8159 (Table 2a decoder output values)
 *     A-law: the even bits (mask 0x55) are inverted on the line; P = 1 is positive.
 *            segment 0 → 2q + 1; segment s ≥ 1 → (2q + 33) << (s - 1), out of 4096 (Table 1a)
 *
 * Both are scaled to 16 bits (µ-law ×4, A-law ×8), so full scale is 32124 and 32256, the usual PCM mapping.
 */

const buildMulawTable = (): Int16Array => {
  const table = new Int16Array(256);
  for (let octet = 0; octet < 256; octet++) {
    const code = ~octet & 0xff;
    const segment = (code >> 4) & 7;
    const magnitude = (((code & 15) * 2 + 33) << segment) - 33;
    table[octet] = (code & 0x80 ? -magnitude : magnitude) * 4;
  }
  return table;
};

const buildAlawTable = (): Int16Array => {
  const table = new Int16Array(256);
  for (let octet = 0; octet < 256; octet++) {
    const code = octet ^ 0x55;
    const segment = (code >> 4) & 7;
    const step = code & 15;
    const magnitude = segment === 0 ? step * 2 + 1 : (step * 2 + 33) << (segment - 1);
    table[octet] = (code & 0x80 ? magnitude : -magnitude) * 8;
  }
  return table;
};

const MULAW = buildMulawTable();
const ALAW = buildAlawTable();

const decodeWith = (table: Int16Array, bytes: Uint8Array): Int16Array => {
  const samples = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    samples[i] = table[bytes[i]!]!;
  }
  return samples;
};

/** PCMU (payload type 0): one sample per octet. */
export const decodeMulaw = (bytes: Uint8Array): Int16Array => decodeWith(MULAW, bytes);

/** PCMA (payload type 8): one sample per octet. */
export const decodeAlaw = (bytes: Uint8Array): Int16Array => decodeWith(ALAW, bytes);
