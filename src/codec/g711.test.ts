import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { decodeAlaw, decodeMulaw } from './g711.js';

const ALL_OCTETS = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('decodeMulaw', () => {
  // Decoder output values of G.711 Table 2a (×4 for 16 bits); line octets are the inverted character signals.
  const cases = [
    { name: '0xff: +0 (character signal 0000 0000)', octet: 0xff, expected: 0 },
    { name: '0x7f: -0 (character signal 1000 0000)', octet: 0x7f, expected: 0 },
    { name: '0xfe: exponent 0, mantissa 1 → 2', octet: 0xfe, expected: 8 },
    { name: '0xf0: exponent 0, mantissa 15 → 30', octet: 0xf0, expected: 120 },
    { name: '0xef: exponent 1, mantissa 0 → 33', octet: 0xef, expected: 132 },
    { name: '0x8f: exponent 7, mantissa 0 → 4191', octet: 0x8f, expected: 16764 },
    { name: '0x80: positive full scale → 8031', octet: 0x80, expected: 32124 },
    { name: '0x00: negative full scale → -8031', octet: 0x00, expected: -32124 },
  ];
  test.each(cases)('$name', ({ octet, expected }) => {
    expect(decodeMulaw(Uint8Array.of(octet))[0]).toBe(expected);
  });

  test('is odd-symmetric: octet and octet ^ 0x80 decode to opposite values', () => {
    const samples = decodeMulaw(ALL_OCTETS);
    ALL_OCTETS.forEach((octet) => expect(samples[octet ^ 0x80]! + samples[octet]!).toBe(0));
  });
});

describe('decodeAlaw', () => {
  // Decoder output values of G.711 Table 1a (×8 for 16 bits); line octets have the even bits inverted (^ 0x55).
  const cases = [
    { name: '0xd5: smallest positive (character signal 1000 0000) → 1', octet: 0xd5, expected: 8 },
    { name: '0x55: smallest negative → -1', octet: 0x55, expected: -8 },
    { name: '0xda: exponent 0, mantissa 15 → 31', octet: 0xda, expected: 248 },
    { name: '0xc5: exponent 1, mantissa 0 → 33 (same step as exponent 0)', octet: 0xc5, expected: 264 },
    { name: '0xe5: exponent 3, mantissa 0 → 132', octet: 0xe5, expected: 1056 },
    { name: '0xaa: positive full scale → 4032', octet: 0xaa, expected: 32256 },
    { name: '0x2a: negative full scale → -4032', octet: 0x2a, expected: -32256 },
  ];
  test.each(cases)('$name', ({ octet, expected }) => {
    expect(decodeAlaw(Uint8Array.of(octet))[0]).toBe(expected);
  });

  test('is odd-symmetric and never decodes to zero', () => {
    const samples = decodeAlaw(ALL_OCTETS);
    ALL_OCTETS.forEach((octet) => expect(samples[octet ^ 0x80]! + samples[octet]!).toBe(0));
    expect(samples.includes(0)).toBe(false);
  });
});

test('both decoders return one sample per octet and nothing for no octets', () => {
  expect(decodeMulaw(new Uint8Array(160))).toHaveLength(160);
  expect(decodeAlaw(new Uint8Array(0))).toHaveLength(0);
});

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;

describe.skipIf(!hasFfmpeg)('G.711 against ffmpeg (needs an ffmpeg binary)', () => {
  const decodeWithFfmpeg = (format: 'mulaw' | 'alaw'): Int16Array => {
    const result = spawnSync('ffmpeg', ['-v', 'error', '-f', format, '-ar', '8000', '-ac', '1', '-i', '-', '-f', 's16le', '-'], {
      input: ALL_OCTETS,
    });
    expect(result.status).toBe(0);
    return new Int16Array(result.stdout.buffer.slice(result.stdout.byteOffset, result.stdout.byteOffset + result.stdout.length));
  };

  test.each([
    { format: 'mulaw' as const, decode: decodeMulaw },
    { format: 'alaw' as const, decode: decodeAlaw },
  ])('decodes all 256 $format octets as ffmpeg does', ({ format, decode }) => {
    expect(decode(ALL_OCTETS)).toEqual(decodeWithFfmpeg(format));
  });
});
