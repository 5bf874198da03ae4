import { describe, expect, test } from 'vitest';
import { captionOffsetSec, parseCaptionVtt, parseIsoMs } from './captions';

// The head of a data channel converted by `reprise convert` (test/fixtures/real, alice).
const VTT = `WEBVTT

NOTE Wall-clock time of 00:00:00.000: 2026-11-25T00:48:02.280851Z. Cue identifiers are message arrival times.

2026-11-25T00:48:02.280861Z
00:00:00.000 --> 00:00:01.999
hello 1

2026-11-25T00:48:04.280170Z
00:00:01.999 --> 00:00:03.997
hello &lt;2&gt;
`;

describe('captions', () => {
  test('microsecond ISO times parse to milliseconds', () => {
    expect(parseIsoMs('2026-11-25T00:48:02.280851Z')).toBe(Date.UTC(2026, 10, 25, 0, 48, 2, 280));
  });
  test('cues move onto the session timeline by the NOTE wall clock', () => {
    const sessionStartMs = Date.UTC(2026, 10, 25, 0, 48, 0, 280);
    expect(captionOffsetSec(['Wall-clock time of 00:00:00.000: 2026-11-25T00:48:02.280851Z. Cue …'], sessionStartMs)).toBeCloseTo(2, 6);
    expect(parseCaptionVtt(VTT, '1001', sessionStartMs)).toEqual([
      { participantId: '1001', startSec: 2, endSec: 3.999, text: 'hello 1' },
      { participantId: '1001', startSec: 3.999, endSec: 5.997, text: 'hello <2>' },
    ]);
  });
  test('without the NOTE the cues stay where they are', () => {
    expect(captionOffsetSec([], 0)).toBe(0);
  });
});
