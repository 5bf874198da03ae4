/**
 * Fuzzing the reader: mutated and truncated recordings (real ones from test/fixtures/real, and synthetic ones
 * of every generation and kind) must give a report or a coded RepriseError, never any other exception and
 * never a hang; and reading in chunks must give exactly what reading the whole file gives.
 *
 * FUZZ_RUNS sets the number of cases of each property (default 10,000).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { TrackAnalyzer } from '../src/inspect/index.js';
import { MjrParser, parseMjrBytes, type MjrRecord } from '../src/mjr/index.js';
import { isRepriseError } from '../src/shared/errors.js';
import { audioHeader, FIRST_PACKET_US, opusFrames, videoHeader, vp8Frames, writeMjr } from './support/mjr-writer.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
const CHUNK_RUNS = RUNS;
const SEED_BYTES = 48 * 1024;
const REAL_DIR = join(import.meta.dirname, 'fixtures', 'real');

const realSeeds = (): Uint8Array[] => {
  let names: string[] = [];
  try {
    names = readdirSync(REAL_DIR, { recursive: true }).map(String).filter((name) => name.endsWith('.mjr'));
  } catch {
    return [];
  }
  return names.map((name) => new Uint8Array(readFileSync(join(REAL_DIR, name))).subarray(0, SEED_BYTES));
};

const syntheticSeeds = (): Uint8Array[] => [
  writeMjr({ header: audioHeader(), frames: opusFrames(60) }),
  writeMjr({ header: videoHeader(), frames: vp8Frames(30) }),
  writeMjr({ version: 'MJR00001', header: audioHeader(), frames: opusFrames(20) }),
  writeMjr({ version: 'MEETECHO', header: 'video', frames: vp8Frames(10) }),
  writeMjr({
    header: { t: 'd', c: 'text', s: FIRST_PACKET_US, u: FIRST_PACKET_US },
    frames: [0, 1, 2].map((index) => ({ arrivalOffsetMs: index * 500, timeUs: FIRST_PACKET_US + index * 500_000, bytes: new TextEncoder().encode(`message ${index}`) })),
  }),
];

const seeds = [...realSeeds(), ...syntheticSeeds()];

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'zero'; at: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('zero' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
);

const applyMutation = (bytes: Uint8Array, change: Mutation): Uint8Array => {
  const at = bytes.length === 0 ? 0 : change.at % (bytes.length + 1);
  switch (change.kind) {
    case 'truncate':
      return bytes.subarray(0, at);
    case 'flip': {
      const out = bytes.slice();
      if (out.length > 0) {
        out[at % out.length] = change.value;
      }
      return out;
    }
    case 'insert':
      return concat(bytes.subarray(0, at), change.bytes, bytes.subarray(at));
    case 'delete':
      return concat(bytes.subarray(0, at), bytes.subarray(at + change.length));
    case 'duplicate':
      return concat(bytes.subarray(0, at + change.length), bytes.subarray(at));
    case 'zero': {
      const out = bytes.slice();
      out.fill(0, at, at + change.length);
      return out;
    }
  }
};

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

const damagedFile = fc
  .tuple(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([seedIndex, changes]) => changes.reduce(applyMutation, seeds[seedIndex]!));

/** Reads and analyses a file; returns 'ok' or the error code. Anything but a RepriseError escapes. */
const readAndAnalyse = (bytes: Uint8Array): string => {
  try {
    const analyzer = new TrackAnalyzer();
    for (const record of parseMjrBytes(bytes)) {
      analyzer.add(record);
    }
    analyzer.finish();
    return 'ok';
  } catch (error) {
    if (isRepriseError(error)) {
      return error.code;
    }
    throw error;
  }
};

const readInChunks = (bytes: Uint8Array, chunkSizes: number[]): MjrRecord[] | string => {
  try {
    const parser = new MjrParser();
    const records: MjrRecord[] = [];
    let offset = 0;
    let index = 0;
    while (offset < bytes.length) {
      const size = chunkSizes[index++ % chunkSizes.length]!;
      records.push(...parser.push(bytes.subarray(offset, offset + size)));
      offset += size;
    }
    records.push(...parser.end());
    return records;
  } catch (error) {
    if (isRepriseError(error)) {
      return error.code;
    }
    throw error;
  }
};

const readWhole = (bytes: Uint8Array): MjrRecord[] | string => readInChunks(bytes, [Math.max(1, bytes.length)]);

/** Records in a form that compares fast: every field, and the bytes as a string. */
const summarise = (records: MjrRecord[] | string): unknown =>
  typeof records === 'string'
    ? records
    : records.map((record) => ('bytes' in record ? { ...record, bytes: Buffer.from(record.bytes).toString('latin1') } : record));

describe('fuzzing the .mjr reader', () => {
  test(`has real recordings among its seeds (${seeds.length} seeds)`, () => {
    expect(realSeeds().length).toBeGreaterThan(0);
  });

  test(`damaged files give a report or a coded error (${RUNS} cases)`, () => {
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(damagedFile, (bytes) => {
        const outcome = readAndAnalyse(bytes);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { numRuns: RUNS },
    );
    // The mutations must reach both outcomes, or the property proves little.
    expect(outcomes.get('ok') ?? 0).toBeGreaterThan(RUNS / 4);
    expect([...outcomes.keys()].length).toBeGreaterThan(1);
  }, 600_000);

  test(`reading in random chunks gives exactly the records of reading the whole file (${CHUNK_RUNS} cases)`, () => {
    fc.assert(
      fc.property(damagedFile, fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 8 }), (bytes, chunkSizes) => {
        expect(summarise(readInChunks(bytes, chunkSizes))).toEqual(summarise(readWhole(bytes)));
      }),
      { numRuns: CHUNK_RUNS },
    );
  }, 600_000);
});
