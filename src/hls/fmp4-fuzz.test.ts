/**
 * Hostile bytes: truncated and mutated real segments (ffmpeg's) and invented ones must either parse into
 * something self-consistent or fail with a coded RepriseError, never any other exception.
 *
 * FUZZ_RUNS sets the number of cases per property (default 2,000; three properties).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildInit, buildMdat, buildMoof, buildStyp, SYNC_FLAGS } from '../../test/support/hls-bmff-writer.js';
import { canEncodeHls, encodeHls, type HlsOutput } from '../../test/support/hls-fixtures.js';
import { concatBytes } from '../shared/bytes.js';
import { isRepriseError } from '../shared/errors.js';
import { parseInitSegment, parseMediaSegment, type InitSegment, type MediaSegment } from './fmp4.js';
import { describeSegments } from './segment-index.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 2000);

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'zero'; at: number; length: number }
  | { kind: 'u32'; at: number; value: number };

/** Positions favour the first KiB, where the boxes that matter (moof, moov) sit; mdat payload is opaque. */
const position = fc.oneof(fc.nat({ max: 1023 }), fc.nat({ max: 1 << 20 }));

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('flip' as const), at: position, value: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('zero' as const), at: position, length: fc.integer({ min: 1, max: 16 }) }),
  // A whole size/count/offset field replaced: the likeliest way to reach a bad bounds check.
  fc.record({ kind: fc.constant('u32' as const), at: position, value: fc.oneof(fc.constantFrom(0, 1, 7, 8, 0x7fff_ffff, 0xffff_ffff), fc.nat()) }),
);

const applyMutation = (seed: Uint8Array, change: Mutation): Uint8Array => {
  const at = seed.length === 0 ? 0 : change.at % seed.length;
  switch (change.kind) {
    case 'truncate':
      return seed.subarray(0, at);
    case 'flip': {
      const out = seed.slice();
      out[at] = change.value;
      return out;
    }
    case 'insert':
      return concatBytes([seed.subarray(0, at), change.bytes, seed.subarray(at)]);
    case 'delete':
      return concatBytes([seed.subarray(0, at), seed.subarray(at + change.length)]);
    case 'zero': {
      const out = seed.slice();
      out.fill(0, at, at + change.length);
      return out;
    }
    case 'u32': {
      const out = seed.slice();
      const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
      if (at + 4 <= out.length) {
        view.setUint32(at, change.value >>> 0);
      }
      return out;
    }
  }
};

const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

const mutate = (seed: Uint8Array, changes: readonly Mutation[]): Uint8Array => changes.reduce(applyMutation, seed);

/** Runs `parse`; a RepriseError with an allowed code is fine, anything else thrown fails the property. */
const expectCodedFailureOrResult = <T>(parse: () => T, allowed: readonly string[]): T | null => {
  try {
    return parse();
  } catch (error) {
    if (!isRepriseError(error) || !allowed.includes(error.code)) {
      throw error;
    }
    return null;
  }
};

const expectSelfConsistent = (segment: MediaSegment, bytes: Uint8Array): void => {
  expect(segment.byteLength).toBe(bytes.length);
  for (const fragment of segment.fragments) {
    expect(fragment.mdatOffset + fragment.mdatSize).toBeLessThanOrEqual(bytes.length);
    expect(fragment.moofOffset).toBeLessThan(fragment.mdatOffset);
    for (const track of fragment.tracks) {
      expect(Number.isSafeInteger(track.durationTicks) && Number.isSafeInteger(track.baseMediaDecodeTime)).toBe(true);
      if (track.firstSample !== null) {
        expect(track.firstSample.byteOffset).toBeGreaterThanOrEqual(fragment.mdatOffset);
        expect(track.firstSample.byteOffset + track.firstSample.byteLength).toBeLessThanOrEqual(fragment.mdatOffset + fragment.mdatSize);
      }
    }
  }
};

const inventedInit = buildInit([
  { trackId: 1, kind: 'video', timescale: 90_000, trex: { durationTicks: 3000, byteLength: 0, flags: 0x0101_0000 } },
  { trackId: 2, kind: 'audio', timescale: 48_000, trex: { durationTicks: 1024, byteLength: 8, flags: 0 } },
]);

const inventedSegment = (() => {
  const trafs = (moofSize: number) => [
    { trackId: 1, baseMediaDecodeTime: 9000, defaultBaseIsMoof: true, truns: [{ dataOffset: moofSize + 8, firstSampleFlags: SYNC_FLAGS, samples: [{ size: 20 }, { size: 12 }] }, { samples: [{ size: 4 }] }] },
    // No base offset, no default-base-is-moof: this traf's data starts where track 1's ended.
    { trackId: 2, baseMediaDecodeTime: 4800, truns: [{ samples: [{}, {}] }] },
  ];
  const size = buildMoof(3, trafs(0)).length;
  return concatBytes([buildStyp(), buildMoof(3, trafs(size)), buildMdat(new Array<number>(52).fill(9))]);
})();

describe('fMP4 reader under hostile bytes', () => {
  let hls: HlsOutput | null = null;
  const initSeeds: Uint8Array[] = [inventedInit];
  const mediaSeeds: Array<{ init: InitSegment; bytes: Uint8Array }> = [];

  beforeAll(() => {
    const invented = parseInitSegment(inventedInit);
    mediaSeeds.push({ init: invented, bytes: inventedSegment });
    if (canEncodeHls) {
      hls = encodeHls({ width: 64, height: 48, frameRate: 15, seconds: 3, gopFrames: 15, segmentSec: 1 });
      initSeeds.push(hls.init);
      const init = parseInitSegment(hls.init);
      for (const segment of hls.segments) {
        mediaSeeds.push({ init, bytes: segment.bytes });
      }
    }
  });
  afterAll(() => hls?.remove());

  test('seeds parse', () => {
    for (const seed of mediaSeeds) {
      expectSelfConsistent(expectCodedFailureOrResult(() => parseMediaSegment(seed.bytes, seed.init), [])!, seed.bytes);
    }
  });

  test('mutated init segments: a result or HLS_BAD_SEGMENT / CODEC_UNSUPPORTED', () => {
    fc.assert(
      fc.property(fc.nat(), mutations, (pick, changes) => {
        const bytes = mutate(initSeeds[pick % initSeeds.length]!, changes);
        const init = expectCodedFailureOrResult(() => parseInitSegment(bytes), ['HLS_BAD_SEGMENT', 'CODEC_UNSUPPORTED']);
        if (init !== null) {
          expect(init.tracks.length).toBeGreaterThan(0);
          expect(init.tracks.every((track) => track.timescale > 0)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('mutated media segments: a self-consistent result or HLS_BAD_SEGMENT', () => {
    fc.assert(
      fc.property(fc.nat(), mutations, (pick, changes) => {
        const seed = mediaSeeds[pick % mediaSeeds.length]!;
        const bytes = mutate(seed.bytes, changes);
        const parsed = expectCodedFailureOrResult(() => parseMediaSegment(bytes, seed.init), ['HLS_BAD_SEGMENT']);
        if (parsed !== null) {
          expectSelfConsistent(parsed, bytes);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('describeSegments over mutated segments: described or HLS_BAD_SEGMENT', () => {
    fc.assert(
      fc.property(fc.nat(), mutations, (pick, changes) => {
        const seed = mediaSeeds[pick % mediaSeeds.length]!;
        const bytes = mutate(seed.bytes, changes);
        const described = expectCodedFailureOrResult(() => describeSegments(seed.init, [{ uri: 'x.m4s', bytes }], { originUs: 1_700_000_000_000_000 }), ['HLS_BAD_SEGMENT']);
        if (described !== null) {
          expect(Number.isFinite(described[0]!.durationSec)).toBe(true);
          expect(Number.isFinite(described[0]!.programDateTime.getTime())).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
