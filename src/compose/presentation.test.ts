import { describe, expect, test } from 'vitest';
import { CANVAS_720P, buildManifest, person } from '../../test/support/layout-manifest.js';
import type { SessionManifest } from '../sessions/manifest.js';
import { computeLayoutTimeline } from './layout.js';
import type { LayoutSpec } from './layout-types.js';

/** Bob shares his screen (1920x1080, description "screen") from 4 s to 9 s; alice and carol are there throughout. */
const screenShare = (): SessionManifest =>
  buildManifest(12_000, [
    person('1001', 'alice', [[0, 12_000]]),
    person('1002', 'bob', [[0, 12_000]], {
      video: [{ span: [0, 12_000] }, { span: [4000, 9000], width: 1920, height: 1080, description: 'screen' }],
    }),
    person('1003', 'carol', [[0, 12_000]]),
  ]);

const summary = (manifest: SessionManifest, spec: LayoutSpec): Array<[number, number, string]> =>
  computeLayoutTimeline(manifest, CANVAS_720P, spec).intervals.map((interval) => [
    interval.startMs,
    interval.endMs,
    interval.regions.map((region) => `${region.label}:${region.width}x${region.height}:${region.trackFile?.match(/(video-\d+)/)?.[1] ?? 'none'}`).join(' '),
  ]);

describe('presentation layout', () => {
  const cases: Array<{ name: string; manifest: SessionManifest; spec: LayoutSpec; expected: Array<[number, number, string]> }> = [
    {
      name: 'a grid until a screen share starts, the screen large while it is live, the grid again after',
      manifest: screenShare(),
      spec: { type: 'presentation' },
      expected: [
        [0, 4000, 'alice:618x348:video-1 bob:618x348:video-1 carol:618x348:video-1'],
        [4000, 9000, 'bob:984x554:video-11 alice:248x140:video-1 carol:248x140:video-1'],
        [9000, 12_000, 'alice:618x348:video-1 bob:618x348:video-1 carol:618x348:video-1'],
      ],
    },
    {
      name: 'a chosen presenter is large all along (their screen while it is live, else their camera)',
      manifest: screenShare(),
      spec: { type: 'presentation', participantId: '1002' },
      expected: [
        [0, 4000, 'bob:984x554:video-1 alice:248x140:video-1 carol:248x140:video-1'],
        [4000, 9000, 'bob:984x554:video-11 alice:248x140:video-1 carol:248x140:video-1'],
        [9000, 12_000, 'bob:984x554:video-1 alice:248x140:video-1 carol:248x140:video-1'],
      ],
    },
    {
      name: 'an absent chosen presenter gives way to whoever shares a screen',
      manifest: screenShare(),
      spec: { type: 'presentation', participantId: 'nobody-here' },
      expected: [
        [0, 4000, 'alice:618x348:video-1 bob:618x348:video-1 carol:618x348:video-1'],
        [4000, 9000, 'bob:984x554:video-11 alice:248x140:video-1 carol:248x140:video-1'],
        [9000, 12_000, 'alice:618x348:video-1 bob:618x348:video-1 carol:618x348:video-1'],
      ],
    },
  ];
  test.each(cases)('$name', ({ manifest, spec, expected }) => {
    expect(summary(manifest, spec)).toEqual(expected);
  });

  test('of two screens the latest share is presented', () => {
    const manifest = buildManifest(10_000, [
      person('a', 'a', [[0, 10_000]], { video: [{ span: [1000, 10_000], description: 'screen' }] }),
      person('b', 'b', [[0, 10_000]], { video: [{ span: [5000, 10_000], description: 'Screen share' }] }),
    ]);
    const large = computeLayoutTimeline(manifest, CANVAS_720P, { type: 'presentation' }).intervals.map((interval) => [interval.startMs, interval.regions[0]?.label]);
    expect(large).toEqual([
      [0, 'a'],
      [1000, 'a'],
      [5000, 'b'],
    ]);
  });
});
