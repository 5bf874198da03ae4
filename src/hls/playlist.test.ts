import { describe, expect, test } from 'vitest';
import { expectGolden } from '../../test/support/hls-fixtures.js';
import { computeBandwidth, formatProgramDateTime, renderIFramePlaylist, renderMediaPlaylist, renderMultivariantPlaylist, type MediaSegmentEntry } from './playlist.js';

const START = Date.UTC(2024, 4, 1, 10, 0, 0, 250); // 2024-05-01T10:00:00.250Z

/** Four-second segments of a 14.5 s meeting: the last one is short. */
const VOD_SEGMENTS: MediaSegmentEntry[] = [4, 4, 4, 2.5].map((durationSec, index) => ({
  uri: `segment-${index}.m4s`,
  durationSec: index === 1 ? 4.004 : durationSec,
  programDateTime: new Date(START + index * 4000 + (index > 1 ? 4 : 0)),
}));

describe('renderMultivariantPlaylist', () => {
  test('golden: VOD ladder with I-frame variants', () => {
    const text = renderMultivariantPlaylist({
      independentSegments: true,
      variants: [
        { uri: '720p/index.m3u8', bandwidth: 2_412_345, averageBandwidth: 2_101_000, width: 1280, height: 720, codecs: 'avc1.64001f,mp4a.40.2', frameRate: 30 },
        { uri: '480p/index.m3u8', bandwidth: 1_234_567, averageBandwidth: 1_050_000, width: 854, height: 480, codecs: 'avc1.64001f,mp4a.40.2', frameRate: 30 },
        { uri: '240p/index.m3u8', bandwidth: 456_789, averageBandwidth: 401_000, width: 426, height: 240, codecs: 'avc1.640015,mp4a.40.2', frameRate: 29.97 },
      ],
      iFrameVariants: [
        { uri: '720p/iframes.m3u8', bandwidth: 301_000, averageBandwidth: 150_500, width: 1280, height: 720, codecs: 'avc1.64001f' },
        { uri: '240p/iframes.m3u8', bandwidth: 40_000, width: 426, height: 240, codecs: 'avc1.640015' },
      ],
    });
    expectGolden('hls/multivariant-vod.m3u8', text);
  });

  test('without INDEPENDENT-SEGMENTS or I-frame variants', () => {
    expect(
      renderMultivariantPlaylist({
        independentSegments: false,
        variants: [{ uri: 'a.m3u8', bandwidth: 1, averageBandwidth: 1, width: 2, height: 2, codecs: 'avc1.42c00a', frameRate: 59.94006 }],
      }),
    ).toBe('#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=1,AVERAGE-BANDWIDTH=1,CODECS="avc1.42c00a",RESOLUTION=2x2,FRAME-RATE=59.940\na.m3u8\n');
  });

  test.each<[string, () => string]>([
    ['no variants', () => renderMultivariantPlaylist({ independentSegments: true, variants: [] })],
    ['a quote in CODECS', () => renderMultivariantPlaylist({ independentSegments: true, variants: [{ uri: 'a', bandwidth: 1, averageBandwidth: 1, width: 2, height: 2, codecs: 'avc1"', frameRate: 30 }] })],
    ['a line break in a URI', () => renderMultivariantPlaylist({ independentSegments: true, variants: [{ uri: 'a\nb', bandwidth: 1, averageBandwidth: 1, width: 2, height: 2, codecs: 'x', frameRate: 30 }] })],
    ['a fractional BANDWIDTH', () => renderMultivariantPlaylist({ independentSegments: true, variants: [{ uri: 'a', bandwidth: 1.5, averageBandwidth: 1, width: 2, height: 2, codecs: 'x', frameRate: 30 }] })],
  ])('refuses %s (a caller bug: internal error, not a RepriseError)', (_name, render) => {
    expect(render).toThrow(/Internal error/);
  });
});

describe('renderMediaPlaylist', () => {
  test('golden: VOD with PROGRAM-DATE-TIME on every segment and ENDLIST', () => {
    const text = renderMediaPlaylist({
      mediaSequence: 0,
      playlistType: 'VOD',
      mapUri: 'init.mp4',
      independentSegments: true,
      segments: VOD_SEGMENTS,
      ended: true,
    });
    expectGolden('hls/media-vod.m3u8', text);
  });

  test('golden: EVENT playlist mid-processing (fixed TARGETDURATION, no ENDLIST)', () => {
    const text = renderMediaPlaylist({
      targetDurationSec: 6,
      mediaSequence: 0,
      playlistType: 'EVENT',
      mapUri: 'init.mp4',
      independentSegments: true,
      segments: VOD_SEGMENTS.slice(0, 2),
      ended: false,
    });
    expectGolden('hls/media-event.m3u8', text);
  });

  test('golden: single-file rendition addressed by byte ranges', () => {
    const text = renderMediaPlaylist({
      mediaSequence: 0,
      playlistType: 'VOD',
      mapUri: 'rendition.mp4',
      mapByteRange: { length: 1354, offset: 0 },
      independentSegments: false,
      segments: [
        { uri: 'rendition.mp4', durationSec: 2, byteRange: { length: 90_422, offset: 1354 } },
        { uri: 'rendition.mp4', durationSec: 2, byteRange: { length: 98_465, offset: 91_776 } },
        { uri: 'rendition.mp4', durationSec: 1.433333, byteRange: { length: 60_001, offset: 190_241 } },
      ],
      ended: true,
    });
    expectGolden('hls/media-single-file.m3u8', text);
  });

  test('TARGETDURATION is the ceiling of the longest EXTINF as printed', () => {
    const render = (durations: number[]): string =>
      renderMediaPlaylist({ mediaSequence: 0, playlistType: null, mapUri: 'i.mp4', independentSegments: false, ended: false, segments: durations.map((durationSec) => ({ uri: 's', durationSec })) });
    expect(render([2.0000004, 1.5])).toContain('#EXT-X-TARGETDURATION:2\n');
    expect(render([2.0000004, 1.5])).toContain('#EXTINF:2.000000,\n');
    expect(render([2.0000006])).toContain('#EXT-X-TARGETDURATION:3\n');
    expect(render([0.2])).toContain('#EXT-X-TARGETDURATION:1\n');
    expect(render([4])).not.toContain('PLAYLIST-TYPE');
  });

  test('a fixed target needs only §4.3.3.1: EXTINFs rounded to the nearest integer stay within it', () => {
    const text = renderMediaPlaylist({ targetDurationSec: 4, mediaSequence: 0, playlistType: 'EVENT', mapUri: 'i', independentSegments: false, ended: false, segments: [{ uri: 's', durationSec: 4.4999 }] });
    expect(text).toContain('#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n');
    expect(text).toContain('#EXTINF:4.499900,\n');
  });

  test('an EXT-X-MEDIA-SEQUENCE other than 0 and no PROGRAM-DATE-TIME when segments carry none', () => {
    const text = renderMediaPlaylist({ mediaSequence: 17, playlistType: 'EVENT', mapUri: 'i.mp4', independentSegments: false, ended: true, segments: [{ uri: 's17.m4s', durationSec: 4 }] });
    expect(text).toBe('#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:17\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-MAP:URI="i.mp4"\n#EXTINF:4.000000,\ns17.m4s\n#EXT-X-ENDLIST\n');
  });

  test.each<[string, () => string]>([
    ['a segment that rounds above the fixed target', () => renderMediaPlaylist({ targetDurationSec: 4, mediaSequence: 0, playlistType: 'EVENT', mapUri: 'i', independentSegments: true, ended: false, segments: [{ uri: 's', durationSec: 4.5 }] })],
    ['no segments and no target', () => renderMediaPlaylist({ mediaSequence: 0, playlistType: 'EVENT', mapUri: 'i', independentSegments: true, ended: false, segments: [] })],
    [
      'a programDateTime missing on the first segment only',
      () => renderMediaPlaylist({ mediaSequence: 0, playlistType: 'VOD', mapUri: 'i', independentSegments: true, ended: true, segments: [{ uri: 'a', durationSec: 1 }, { uri: 'b', durationSec: 1, programDateTime: new Date(START) }] }),
    ],
    ['a negative duration', () => renderMediaPlaylist({ mediaSequence: 0, playlistType: 'VOD', mapUri: 'i', independentSegments: true, ended: true, segments: [{ uri: 'a', durationSec: -1 }] })],
    ['an invalid date', () => renderMediaPlaylist({ mediaSequence: 0, playlistType: 'VOD', mapUri: 'i', independentSegments: true, ended: true, segments: [{ uri: 'a', durationSec: 1, programDateTime: new Date(Number.NaN) }] })],
  ])('refuses %s', (_name, render) => {
    expect(render).toThrow(/Internal error/);
  });

  test('an EVENT playlist with no segments yet', () => {
    expect(renderMediaPlaylist({ targetDurationSec: 4, mediaSequence: 0, playlistType: 'EVENT', mapUri: 'init.mp4', independentSegments: true, ended: false, segments: [] })).toBe(
      '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI="init.mp4"\n',
    );
  });
});

describe('renderIFramePlaylist', () => {
  test('golden: I-frames as byte ranges of the segments, each lasting until the next', () => {
    const text = renderIFramePlaylist({
      mapUri: 'init.mp4',
      ended: true,
      playlistType: 'VOD',
      segments: [
        { uri: 'segment-0.m4s', durationSec: 4, byteRange: { length: 6_012, offset: 0 } },
        { uri: 'segment-1.m4s', durationSec: 4.004, byteRange: { length: 5_890, offset: 0 } },
        { uri: 'segment-2.m4s', durationSec: 3.996, byteRange: { length: 6_203, offset: 128 } },
        { uri: 'segment-3.m4s', durationSec: 2.5, byteRange: { length: 5_001, offset: 128 } },
      ],
    });
    expectGolden('hls/iframes-vod.m3u8', text);
  });
});

describe('formatProgramDateTime', () => {
  test('ISO 8601 with milliseconds in UTC', () => {
    expect(formatProgramDateTime(new Date(START))).toBe('2024-05-01T10:00:00.250Z');
    expect(formatProgramDateTime(new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 999)))).toBe('1999-12-31T23:59:59.999Z');
  });
});

describe('computeBandwidth', () => {
  test.each<[string, Array<{ byteLength: number; durationSec: number }>, { targetDurationSec?: number }, { peak: number; average: number }]>([
    ['no segments', [], {}, { peak: 0, average: 0 }],
    ['equal segments: peak = average', [{ byteLength: 500_000, durationSec: 4 }, { byteLength: 500_000, durationSec: 4 }], {}, { peak: 1_000_000, average: 1_000_000 }],
    [
      'the busiest segment sets the peak',
      [{ byteLength: 500_000, durationSec: 4 }, { byteLength: 1_000_000, durationSec: 4 }, { byteLength: 500_000, durationSec: 4 }],
      {},
      { peak: 2_000_000, average: 1_333_334 },
    ],
    [
      // Target 4: a 1 s tail (< 0.5 × 4) cannot be a run alone; with the segment before it, it lasts 5 s (≤ 6).
      'a short, dense final segment does not set the peak alone',
      [{ byteLength: 500_000, durationSec: 4 }, { byteLength: 500_000, durationSec: 4 }, { byteLength: 400_000, durationSec: 1 }],
      {},
      { peak: 1_440_000, average: 1_244_445 },
    ],
    [
      'two short segments together make a run',
      [{ byteLength: 100_000, durationSec: 4 }, { byteLength: 300_000, durationSec: 1.5 }, { byteLength: 300_000, durationSec: 1.5 }],
      {},
      { peak: 1_600_000, average: 800_000 },
    ],
    ['one very short segment: its own rate', [{ byteLength: 10_000, durationSec: 0.4 }], {}, { peak: 200_000, average: 200_000 }],
    [
      'a fixed EVENT target widens the runs',
      [{ byteLength: 100_000, durationSec: 2 }, { byteLength: 900_000, durationSec: 2 }, { byteLength: 100_000, durationSec: 2 }],
      { targetDurationSec: 6 },
      { peak: 2_000_000, average: 1_466_667 }, // runs of 3–9 s: any two segments (4 s); target 2 would give 3.6 Mbit/s
    ],
  ])('%s', (_name, segments, options, expected) => {
    expect(computeBandwidth(segments, options)).toEqual(expected);
  });
});
