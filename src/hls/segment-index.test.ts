import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildInit, buildMdat, buildMoof, SYNC_FLAGS } from '../../test/support/hls-bmff-writer.js';
import { decodeFrameHashes } from '../../test/support/ffmpeg-video.js';
import { canEncodeHls, encodeHls, readPlaylistEntries, withTempFile, type HlsOutput } from '../../test/support/hls-fixtures.js';
import { concatBytes } from '../shared/bytes.js';
import { isRepriseError } from '../shared/errors.js';
import { parseInitSegment, type InitSegment } from './fmp4.js';
import { describeSegments, listIFrames, pickTimingTrack, type DescribedSegment } from './segment-index.js';

const ORIGIN_US = 1_714_557_600_123_456; // 2024-05-01T10:00:00.123456Z

describe.skipIf(!canEncodeHls)('describeSegments on ffmpeg output', () => {
  let hls: HlsOutput;
  let init: InitSegment;
  let described: DescribedSegment[];

  beforeAll(() => {
    hls = encodeHls({ width: 160, height: 120, frameRate: 30, seconds: 7, gopFrames: 60, segmentSec: 2 });
    init = parseInitSegment(hls.init);
    described = describeSegments(
      init,
      hls.segments.map((segment) => ({ uri: segment.name, bytes: segment.bytes })),
      { originUs: ORIGIN_US },
    );
  });
  afterAll(() => hls?.remove());

  test('durations agree with the EXTINFs ffmpeg wrote; starts and wall-clock times follow the tfdt', () => {
    const ffmpegEntries = readPlaylistEntries(hls.playlistText);
    expect(described.map((segment) => segment.uri)).toEqual(ffmpegEntries.map((entry) => entry.uri));
    expect(described.map((segment) => segment.durationSec.toFixed(6))).toEqual(ffmpegEntries.map((entry) => entry.durationSec.toFixed(6)));
    expect(described.map((segment) => segment.startSec)).toEqual([0, 2, 4, 6]);
    expect(described.map((segment) => segment.programDateTime.toISOString())).toEqual([
      '2024-05-01T10:00:00.123Z',
      '2024-05-01T10:00:02.123Z',
      '2024-05-01T10:00:04.123Z',
      '2024-05-01T10:00:06.123Z',
    ]);
    expect(described.map((segment) => segment.byteLength)).toEqual(hls.segments.map((segment) => segment.bytes.length));
    expect(described.every((segment) => segment.byteRange === undefined)).toBe(true);
  });

  test('each I-frame byte range (moof through the key sample) decodes alone to the frame at its time', () => {
    const wholeClip = concatBytes([hls.init, ...hls.segments.map((segment) => segment.bytes)]);
    const allFrames = withTempFile([wholeClip], (path) => decodeFrameHashes(path, ['-ignore_editlist', '1']));
    for (const [index, segment] of described.entries()) {
      const range = segment.iFrame!.byteRange;
      const bytes = hls.segments[index]!.bytes.subarray(range.offset, range.offset + range.length);
      const decoded = withTempFile([hls.init, bytes], (path) => decodeFrameHashes(path, ['-ignore_editlist', '1']));
      expect(decoded.hashes).toHaveLength(1);
      expect(decoded.hashes[0]).toBe(allFrames.hashes[Math.round(segment.startSec * 30)]);
    }
  });

  test('listIFrames: one per segment, lasting until the next, the last until the end', () => {
    const iFrames = listIFrames(described);
    expect(iFrames.map((entry) => entry.uri)).toEqual(described.map((segment) => segment.uri));
    expect(iFrames.map((entry) => entry.durationSec)).toEqual([2, 2, 2, 1]);
    expect(iFrames.map((entry) => entry.byteRange)).toEqual(described.map((segment) => segment.iFrame!.byteRange));
  });
});

describe.skipIf(!canEncodeHls)('single-file renditions', () => {
  test('byte ranges agree with the EXT-X-BYTERANGE lines ffmpeg wrote', () => {
    const hls = encodeHls({ width: 160, height: 120, frameRate: 30, seconds: 6, gopFrames: 60, segmentSec: 2, singleFile: true });
    try {
      const file = hls.segments[0]!.bytes;
      const entries = readPlaylistEntries(hls.playlistText);
      const mapRange = /BYTERANGE="(\d+)@(\d+)"/.exec(hls.playlistText)!;
      const init = parseInitSegment(file.subarray(Number(mapRange[2]), Number(mapRange[2]) + Number(mapRange[1])));
      const described = describeSegments(
        init,
        entries.map((entry) => ({ uri: entry.uri, bytes: file.subarray(entry.byteRange!.offset, entry.byteRange!.offset + entry.byteRange!.length), byteOffsetInFile: entry.byteRange!.offset })),
        { originUs: 0 },
      );
      expect(described.map((segment) => segment.byteRange)).toEqual(entries.map((entry) => entry.byteRange));
      expect(described.map((segment) => segment.durationSec.toFixed(6))).toEqual(entries.map((entry) => entry.durationSec.toFixed(6)));
      for (const segment of described) {
        // I-frame ranges are file offsets too: they start at the segment's first moof.
        expect(segment.iFrame!.byteRange.offset).toBeGreaterThanOrEqual(segment.byteRange!.offset);
        expect(segment.iFrame!.byteRange.offset + segment.iFrame!.byteRange.length).toBeLessThanOrEqual(segment.byteRange!.offset + segment.byteRange!.length);
      }
    } finally {
      hls.remove();
    }
  });
});

describe('invented segments', () => {
  const init = parseInitSegment(
    buildInit([
      { trackId: 1, kind: 'video', timescale: 90_000, trex: { durationTicks: 3000, byteLength: 10, flags: 0x0101_0000 } },
      { trackId: 2, kind: 'audio', timescale: 48_000, trex: { durationTicks: 1024, byteLength: 4, flags: 0 } },
    ]),
  );

  /** A segment of `frames` video samples (and 3 audio samples) starting at `startTicks`. */
  const segment = (startTicks: number, frames: number, keyframe: boolean): Uint8Array => {
    const trafs = (moofSize: number) => [
      { trackId: 2, baseMediaDecodeTime: startTicks / 1.875, defaultBaseIsMoof: true, truns: [{ dataOffset: moofSize + 8, samples: [{}, {}, {}] }] },
      {
        trackId: 1,
        baseMediaDecodeTime: startTicks,
        defaultBaseIsMoof: true,
        truns: [{ dataOffset: moofSize + 8 + 12, ...(keyframe ? { firstSampleFlags: SYNC_FLAGS } : {}), samples: Array.from({ length: frames }, () => ({})) }],
      },
    ];
    const moofSize = buildMoof(1, trafs(0)).length;
    return concatBytes([buildMoof(1, trafs(moofSize)), buildMdat(new Array<number>(12 + frames * 10).fill(0))]);
  };

  test('timing comes from the video track even when audio comes first; a segment not opening on a keyframe has no I-frame', () => {
    const described = describeSegments(
      init,
      [
        { uri: 'a.m4s', bytes: segment(0, 60, true) },
        { uri: 'b.m4s', bytes: segment(180_000, 60, false) },
        { uri: 'c.m4s', bytes: segment(360_000, 30, true) },
      ],
      { originUs: ORIGIN_US },
    );
    expect(described.map((entry) => [entry.startSec, entry.durationSec, entry.iFrame === null])).toEqual([
      [0, 2, false],
      [2, 2, true],
      [4, 1, false],
    ]);
    // moof + audio (12 bytes) + the 10-byte key sample, from the moof.
    const moofSize = described[0]!.byteLength - 8 - 12 - 600;
    expect(described[0]!.iFrame).toEqual({ byteRange: { offset: 0, length: moofSize + 8 + 12 + 10 } });
    expect(listIFrames(described).map((entry) => [entry.uri, entry.durationSec])).toEqual([
      ['a.m4s', 4],
      ['c.m4s', 1],
    ]);
  });

  test('already parsed segments are taken as they are', () => {
    const parsed = { byteLength: 1000, fragments: [{ moofOffset: 0, mdatOffset: 100, mdatSize: 900, tracks: [{ trackId: 1, baseMediaDecodeTime: 90_000, durationTicks: 45_000, sampleCount: 15, firstSampleIsKeyframe: true, firstSample: { byteOffset: 108, byteLength: 400 } }] }] };
    expect(describeSegments(init, [{ uri: 'p.m4s', parsed }], { originUs: 0 })[0]).toEqual({
      uri: 'p.m4s',
      startSec: 1,
      durationSec: 0.5,
      programDateTime: new Date(1000),
      byteLength: 1000,
      iFrame: { byteRange: { offset: 0, length: 508 } },
    });
  });

  test('an audio-only rendition is timed by its audio track', () => {
    const audioOnly = parseInitSegment(buildInit([{ trackId: 5, kind: 'audio', timescale: 48_000 }]));
    expect(pickTimingTrack(audioOnly).trackId).toBe(5);
    expect(pickTimingTrack(init).trackId).toBe(1);
  });

  test.each<[string, () => unknown]>([
    ['a segment without the timing track', () => describeSegments(init, [{ uri: 'x', parsed: { byteLength: 10, fragments: [{ moofOffset: 0, mdatOffset: 0, mdatSize: 8, tracks: [] }] } }], { originUs: 0 })],
    [
      'a tfdt beyond the range of dates',
      () => describeSegments(parseInitSegment(buildInit([{ trackId: 1, kind: 'video', timescale: 1 }])), [{ uri: 'x', parsed: { byteLength: 10, fragments: [{ moofOffset: 0, mdatOffset: 0, mdatSize: 8, tracks: [{ trackId: 1, baseMediaDecodeTime: 2 ** 53 - 1, durationTicks: 1, sampleCount: 1, firstSampleIsKeyframe: true, firstSample: null }] }] } }], { originUs: 0 }),
    ],
    ['garbage bytes', () => describeSegments(init, [{ uri: 'x', bytes: Uint8Array.from([1, 2, 3]) }], { originUs: 0 })],
  ])('%s → HLS_BAD_SEGMENT', (_name, run) => {
    let code = 'no error';
    try {
      run();
    } catch (error) {
      code = isRepriseError(error) ? error.code : String(error);
    }
    expect(code).toBe('HLS_BAD_SEGMENT');
  });
});
