import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { ILB } from './g722-band.js';
import { G722Decoder } from './g722.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));
const sha256 = (samples: Int16Array): string =>
  createHash('sha256').update(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength)).digest('hex');

/** Deterministic bytes (32-bit LCG, top byte): every 6-bit and 2-bit code, including 0-3 that encoders never send. */
const lcgBytes = (length: number, seed: number): Uint8Array => {
  let state = seed >>> 0;
  return Uint8Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 24;
  });
};

/** null when equal; else the first difference (a readable failure, unlike a diff of 88,000 numbers). */
const findMismatch = (ours: Int16Array, theirs: Int16Array): object | null => {
  const index = ours.findIndex((sample, i) => sample !== theirs[i]);
  if (index >= 0) {
    return { index, ours: ours[index], theirs: theirs[index] };
  }
  return ours.length === theirs.length ? null : { ourLength: ours.length, theirLength: theirs.length };
};

const decodeInChunks = (bytes: Uint8Array, sizes: readonly number[]): Int16Array => {
  const decoder = new G722Decoder();
  const parts: Int16Array[] = [];
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    parts.push(decoder.decode(bytes.subarray(offset, offset + size)));
    offset += size;
  }
  const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  parts.reduce((at, part) => (out.set(part, at), at + part.length), 0);
  return out;
};

describe('G722Decoder', () => {
  test('ILB is the antilog table round(2048 · 2^(i/32))', () => {
    expect(Array.from(ILB)).toEqual(Array.from({ length: 32 }, (_, i) => Math.round(2048 * 2 ** (i / 32))));
  });

  test('decodes two 16 kHz samples per octet, and nothing from nothing', () => {
    const decoder = new G722Decoder();
    expect(decoder.decode(new Uint8Array(0))).toEqual(new Int16Array(0));
    expect(decoder.decode(new Uint8Array(160))).toHaveLength(320);
  });

  // Real: the first 48 octets of `ffmpeg -f lavfi -i "aevalsrc='0.4*sin(2*PI*440*t)+0.2*sin(2*PI*3000*t)':s=16000:d=0.05"
  // -c:a g722 -f g722`, and what `ffmpeg -f g722 -i - -f s16le` decoded them to (the QMF delays the signal by 23 samples).
  test('decodes the start of a real ffmpeg-encoded tone exactly as ffmpeg does', () => {
    const octets = hex('b78b2187289620a020a02d23ac1dac8d109346148d0c719331e6f864a974e5987ff9471bcd49fd8a5cafd567ad7364f8');
    const expected = [
      0, -1, -1, 0, 0, -1, -1, 2, 0, -8, 0, 21, -9, -54, 1, 103, 22, -190, -82, 210, 198, -67, -46, 207, 986, 2056, 2099,
      2494, 7607, 14051, 12660, 6319, 7739, 15810, 18417, 12183, 4288, 948, 4301, 8817, 5252, -4315, -10324, -8571, -4002,
      -3634, -11098, -19523, -18677, -10717, -6412, -10575, -16466, -16329, -8470, -1420, -839, -5368, -7396, -1241, 8706,
      12047, 8220, 3797, 5795, 13765, 18511, 15706, 8497, 6586, 11517, 16993, 14072, 5471, -1133, 1207, 5754, 4961, -3178,
      -12037, -12442, -7012, -3825, -9558, -17251, -19170, -13542, -6630, -7317, -13205, -16137, -10033, -1499, 2218,
      -2039, -5524,
    ];
    expect(Array.from(new G722Decoder().decode(octets))).toEqual(expected);
  });

  // Real: ffmpeg 5.1 `-f g722 -i lcg.g722 -f s16le` on the same 16000 bytes; its sha256.
  test('decodes 16000 pseudo-random octets exactly as ffmpeg does', () => {
    const samples = new G722Decoder().decode(lcgBytes(16000, 20240501));
    expect(samples).toHaveLength(32000);
    expect(sha256(samples)).toBe('cfd43e38a30f9d4e38697c34da923949192a88beb966858c5696976b654021c7');
  });

  const chunkings = [
    { name: 'one octet at a time', sizes: [1] },
    { name: 'odd sizes', sizes: [3, 7, 1, 13] },
    { name: '20 ms RTP packets (160 octets)', sizes: [160] },
    { name: 'ragged packets', sizes: [159, 161, 2, 320, 1] },
  ];
  test.each(chunkings)('decoding in pieces ($name) equals decoding at once', ({ sizes }) => {
    const bytes = lcgBytes(4000, 7);
    expect(findMismatch(decodeInChunks(bytes, sizes), new G722Decoder().decode(bytes))).toBeNull();
  });

  test('decoding in pieces of any sizes equals decoding at once (property)', () => {
    const bytes = lcgBytes(1200, 99);
    const whole = new G722Decoder().decode(bytes);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 20 }), (sizes) => {
        expect(findMismatch(decodeInChunks(bytes, sizes), whole)).toBeNull();
      }),
      { numRuns: 50 },
    );
  });

  test('reset() returns to the initial state', () => {
    const decoder = new G722Decoder();
    decoder.decode(lcgBytes(500, 1));
    decoder.reset();
    const bytes = lcgBytes(500, 2);
    expect(decoder.decode(bytes)).toEqual(new G722Decoder().decode(bytes));
  });
});

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;

/** Tones, pink noise with a 4 Hz syllable-like envelope, silence, and a clipping chirp (predictor and scale limits). */
const TEST_SIGNAL = [
  "aevalsrc='0.3*sin(2*PI*440*t)+0.15*sin(2*PI*1200*t)+0.1*sin(2*PI*5200*t)':s=16000:d=1.5[tones]",
  'anoisesrc=color=pink:sample_rate=16000:duration=2:amplitude=0.5:seed=7,' +
    "volume='0.2+0.8*abs(sin(2*PI*4*t))':eval=frame[speech]",
  'anullsrc=r=16000:cl=mono,atrim=0:0.5[silence]',
  "aevalsrc='1.5*sin(2*PI*(100+2500*t)*t)':s=16000:d=1.5[loud]",
  '[tones][speech][silence][loud]concat=n=4:v=0:a=1',
].join(';');

describe.skipIf(!hasFfmpeg)('G722Decoder against ffmpeg (needs an ffmpeg binary)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'reprise-g722-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const ffmpeg = (args: string[]): void => {
    const result = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...args], { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`ffmpeg ${args.join(' ')} failed: ${result.stderr}`);
    }
  };

  const readSamples = (path: string): Int16Array => {
    const bytes = readFileSync(path);
    return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  };

  test('is bit-exact with ffmpeg on 5.5 s of tones, speech-like noise, silence and a clipping chirp', () => {
    const encoded = join(folder, 'signal.g722');
    const decoded = join(folder, 'signal.s16');
    ffmpeg(['-f', 'lavfi', '-i', TEST_SIGNAL, '-ac', '1', '-ar', '16000', '-c:a', 'g722', '-f', 'g722', encoded]);
    ffmpeg(['-f', 'g722', '-i', encoded, '-f', 's16le', decoded]);
    const octets = new Uint8Array(readFileSync(encoded));
    const expected = readSamples(decoded);
    expect(octets.length).toBe(44_000);
    expect(findMismatch(new G722Decoder().decode(octets), expected)).toBeNull();
    expect(findMismatch(decodeInChunks(octets, [160, 7, 333]), expected)).toBeNull();
  });

  test('is bit-exact with ffmpeg on random octets (codes no encoder sends)', () => {
    const encoded = join(folder, 'random.g722');
    const decoded = join(folder, 'random.s16');
    const octets = lcgBytes(40_000, 12345);
    writeFileSync(encoded, octets);
    ffmpeg(['-f', 'g722', '-i', encoded, '-f', 's16le', decoded]);
    expect(findMismatch(new G722Decoder().decode(octets), readSamples(decoded))).toBeNull();
  });
});
