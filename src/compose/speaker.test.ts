import { describe, expect, test } from 'vitest';
import { CANVAS_720P, buildManifest, person, threePeopleMeeting } from '../../test/support/layout-manifest.js';
import type { SessionManifest } from '../sessions/manifest.js';
import { computeLayoutTimeline } from './layout.js';
import type { LayoutSpec } from './layout-types.js';

/** [startMs, endMs, large, the strip in order]. */
const stageOf = (manifest: SessionManifest, spec: LayoutSpec = { type: 'speaker' }): Array<[number, number, string, string]> =>
  computeLayoutTimeline(manifest, CANVAS_720P, spec).intervals.map((interval) => {
    const [large, ...strip] = interval.regions;
    return [interval.startMs, interval.endMs, large?.label ?? '-', strip.map((region) => region.label).join(',')];
  });

describe('speaker layout', () => {
  const cases: Array<{ name: string; manifest: SessionManifest; spec?: LayoutSpec; expected: Array<[number, number, string, string]> }> = [
    {
      name: 'before anyone speaks the first to join is large, the others join the strip in join order',
      manifest: threePeopleMeeting(),
      expected: [
        [0, 3000, 'alice', ''],
        [3000, 6000, 'alice', 'bob'],
        [6000, 14_000, 'alice', 'bob,carol'],
        [14_000, 22_000, 'alice', 'carol'],
      ],
    },
    {
      name: 'a new speaker becomes large only after speaking for the hold time; short replies do not switch',
      manifest: threePeopleMeeting({ bob: [[4000, 4800], [7000, 10_000]], carol: [[10_200, 11_000]] }),
      expected: [
        [0, 3000, 'alice', ''],
        [3000, 6000, 'alice', 'bob'],
        [6000, 8500, 'alice', 'bob,carol'],
        [8500, 14_000, 'bob', 'alice,carol'],
        [14_000, 22_000, 'carol', 'alice'],
      ],
    },
    {
      name: 'when the large participant leaves, the most recent speaker still present takes over at once',
      manifest: threePeopleMeeting({ alice: [[12_000, 12_500]], bob: [[7000, 11_000]] }),
      expected: [
        [0, 3000, 'alice', ''],
        [3000, 6000, 'alice', 'bob'],
        [6000, 8500, 'alice', 'bob,carol'],
        [8500, 14_000, 'bob', 'alice,carol'],
        [14_000, 22_000, 'alice', 'carol'],
      ],
    },
    {
      name: 'the spec hold time applies (500 ms switches on a 0.8 s reply)',
      manifest: threePeopleMeeting({ bob: [[4000, 4800]] }),
      spec: { type: 'speaker', holdMs: 500 },
      expected: [
        [0, 3000, 'alice', ''],
        [3000, 4500, 'alice', 'bob'],
        [4500, 6000, 'bob', 'alice'],
        [6000, 14_000, 'bob', 'alice,carol'],
        [14_000, 22_000, 'alice', 'carol'],
      ],
    },
  ];
  test.each(cases)('$name', ({ manifest, spec, expected }) => {
    expect(stageOf(manifest, spec)).toEqual(expected);
  });

  test('a strip at the bottom: large on top, small equal tiles centred below', () => {
    const regions = computeLayoutTimeline(threePeopleMeeting(), CANVAS_720P, { type: 'speaker' }).intervals[2]?.regions;
    expect(regions?.map(({ x, y, width, height }) => [x, y, width, height])).toEqual([
      [148, 8, 984, 554],
      [388, 572, 248, 140],
      [644, 572, 248, 140],
    ]);
  });

  test('a strip on the right: large on the left, small tiles stacked and centred', () => {
    const regions = computeLayoutTimeline(threePeopleMeeting(), CANVAS_720P, { type: 'speaker', strip: 'right' }).intervals[2]?.regions;
    expect(regions?.map(({ x, y, width, height }) => [x, y, width, height])).toEqual([
      [8, 78, 1002, 564],
      [1022, 214, 248, 140],
      [1022, 364, 248, 140],
    ]);
  });

  test('someone alone takes the whole canvas', () => {
    const manifest = buildManifest(5000, [person('1', 'solo', [[0, 5000]], { speaking: [[0, 5000]] })]);
    const regions = computeLayoutTimeline(manifest, CANVAS_720P, { type: 'speaker' }).intervals.map((interval) => interval.regions);
    expect(regions).toEqual([[{ participantId: '1', x: 14, y: 8, width: 1252, height: 704, z: 0, hasVideo: true, label: 'solo', trackFile: 'videoroom-1234-user-1-video-1.mjr' }]]);
  });
});
