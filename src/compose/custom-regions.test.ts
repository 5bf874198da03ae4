import { describe, expect, test } from 'vitest';
import { CANVAS_720P, buildManifest, person, type Span } from '../../test/support/layout-manifest.js';
import { claimParticipants, computeCapacity, selectShown } from './custom-regions.js';
import { computeLayoutTimeline } from './layout.js';
import type { CustomRegion } from './layout-types.js';
import type { Scene, SceneParticipant } from './scene.js';

const participant = (id: string, sharing = false): SceneParticipant => ({
  id,
  label: id,
  camera: null,
  screen: sharing ? { file: `${id}-screen.mjr`, kind: 'video', codec: 'vp8', mindex: 2, description: 'screen', startUs: 0, endUs: 1, startMs: 0, endMs: 1, width: 1920, height: 1080, hasAudioLevel: false } : null,
  restingAspect: 16 / 9,
});
const scene = (present: SceneParticipant[], featuredId: string | null = null): Scene => ({ startMs: 0, endMs: 1, present, floorId: featuredId, featuredId });
const region = (name: string, sources: string[], extra: Partial<CustomRegion> = {}): CustomRegion => ({ name, x: 0, y: 0, width: 1280, height: 720, z: 0, sources, ...extra });

describe('claimParticipants', () => {
  const everyone = [participant('1001'), participant('1002', true), participant('2001')];
  const cases = [
    { name: 'the highest z region that lists a participant claims it', regions: [region('all', ['*']), region('top', ['1002'], { z: 2 })], expected: [['1001', '2001'], ['1002']] },
    { name: 'on equal z the first region in the list wins', regions: [region('first', ['*']), region('second', ['*'])], expected: [['1001', '1002', '2001'], []] },
    { name: "'*' inside an id is a wildcard", regions: [region('ones', ['10*']), region('rest', ['*'], { z: -1 })], expected: [['1001', '1002'], ['2001']] },
    { name: "'screen' lists whoever shares a screen", regions: [region('screen', ['screen'], { z: 1 }), region('rest', ['*'])], expected: [['1002'], ['1001', '2001']] },
    { name: "'speaker' lists the speaker layout's large participant", regions: [region('stage', ['speaker'], { z: 1 }), region('rest', ['*'])], expected: [['2001'], ['1001', '1002']] },
    { name: 'sourcesExcluded removes participants from a region, who may then land in another', regions: [region('all', ['*'], { z: 1, sourcesExcluded: ['20*'] }), region('low', ['*'])], expected: [['1001', '1002'], ['2001']] },
    { name: 'a participant no region lists is not shown', regions: [region('only', ['1001'])], expected: [['1001']] },
  ];
  test.each(cases)('$name', ({ regions, expected }) => {
    expect(claimParticipants(scene(everyone, '2001'), regions).map((claimed) => claimed.map((p) => p.id))).toEqual(expected);
  });
});

describe('selectShown', () => {
  const claimed = ['a', 'b', 'c', 'd'].map((id) => participant(id));
  const cases = [
    { name: 'everyone fits: everyone is shown', capacity: 4, reuse: 'none', before: [], expected: 'a,b,c,d' },
    { name: "'show_oldest' shows the first to join", capacity: 2, reuse: 'show_oldest', before: ['c', 'd'], expected: 'a,b' },
    { name: "'show_newest' shows the last to join", capacity: 2, reuse: 'show_newest', before: ['a', 'b'], expected: 'c,d' },
    { name: "'none' keeps those already shown, never swapping them", capacity: 2, reuse: 'none', before: ['b', 'd'], expected: 'b,d' },
    { name: "'none' gives a free cell to the first-joined waiting participant", capacity: 2, reuse: 'none', before: ['c'], expected: 'a,c' },
    { name: "'none' from nothing fills in join order", capacity: 3, reuse: 'none', before: [], expected: 'a,b,c' },
  ] as const;
  test.each(cases)('$name', ({ capacity, reuse, before, expected }) => {
    expect(selectShown(claimed, capacity, reuse, before).map((p) => p.id).join()).toBe(expected);
  });

  test('capacity counts the grid cells minus the excluded ones, and is unbounded without both limits', () => {
    expect(computeCapacity(region('r', ['*'], { maxColumns: 3, maxRows: 3, cellsExcluded: [4] }))).toBe(8);
    expect(computeCapacity(region('r', ['*'], { maxColumns: 2, maxRows: 2 }))).toBe(4);
    expect(computeCapacity(region('r', ['*'], { maxColumns: 2 }))).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('custom layout over time', () => {
  /** Five people join a second apart; the second leaves at 8 s. */
  const five = () =>
    buildManifest(10_000, [
      person('1', 'p1', [[0, 10_000]]),
      person('2', 'p2', [[1000, 8000]]),
      person('3', 'p3', [[2000, 10_000]]),
      person('4', 'p4', [[3000, 10_000]]),
      person('5', 'p5', [[4000, 10_000]]),
    ]);
  const gallery = (reuse: CustomRegion['reuse']): CustomRegion[] => [
    region('main', ['1'], { x: 0, y: 0, width: 960, height: 720, z: 0 }),
    region('side', ['*'], { x: 960, y: 0, width: 320, height: 720, z: 0, maxColumns: 1, maxRows: 2, reuse }),
  ];
  const shownOverTime = (reuse: CustomRegion['reuse']): Array<[number, string]> =>
    computeLayoutTimeline(five(), CANVAS_720P, { type: 'custom', regions: gallery(reuse) }).intervals.map((interval) => [
      interval.startMs,
      interval.regions.map((r) => r.label).join(','),
    ]);

  const cases: Array<{ name: string; reuse: CustomRegion['reuse']; expected: Array<[number, string]> }> = [
    {
      name: "'show_oldest' keeps the first two joiners in the side region; a freed cell goes to the oldest waiting",
      reuse: 'show_oldest',
      expected: [
        [0, 'p1'],
        [1000, 'p1,p2'],
        [2000, 'p1,p2,p3'],
        [8000, 'p1,p3,p4'],
      ],
    },
    {
      name: "'show_newest' always shows the two latest joiners",
      reuse: 'show_newest',
      expected: [
        [0, 'p1'],
        [1000, 'p1,p2'],
        [2000, 'p1,p2,p3'],
        [3000, 'p1,p3,p4'],
        [4000, 'p1,p4,p5'],
      ],
    },
    {
      name: "'none' keeps whoever got a cell first and refills a freed cell from the waiting",
      reuse: 'none',
      expected: [
        [0, 'p1'],
        [1000, 'p1,p2'],
        [2000, 'p1,p2,p3'],
        [8000, 'p1,p3,p4'],
      ],
    },
  ];
  test.each(cases)('$name', ({ reuse, expected }) => {
    expect(shownOverTime(reuse)).toEqual(expected);
  });

  test("'none' differs from 'show_oldest' when an early joiner comes back: nobody is swapped out", () => {
    const comeback = (reuse: CustomRegion['reuse']) =>
      computeLayoutTimeline(
        buildManifest(10_000, [person('a', 'a', [[0, 3000], [6000, 10_000]]), person('b', 'b', [[1000, 10_000]]), person('c', 'c', [[2000, 10_000]])]),
        CANVAS_720P,
        { type: 'custom', regions: [region('pair', ['*'], { maxColumns: 2, maxRows: 1, reuse })] },
      ).intervals.map((interval): [number, string] => [interval.startMs, interval.regions.map((r) => r.label).join(',')]);
    expect(comeback('none')).toEqual([
      [0, 'a'],
      [1000, 'a,b'],
      [3000, 'b,c'],
    ]);
    expect(comeback('show_oldest')).toEqual([
      [0, 'a'],
      [1000, 'a,b'],
      [3000, 'b,c'],
      [6000, 'a,b'],
    ]);
  });

  test('a Twilio-style mosaic: a 3 × 3 grid without its centre, and the guest over the centre with a higher z', () => {
    const presence: Span[] = [[0, 5000]];
    const manifest = buildManifest(5000, ['guest', 'i1', 'i2', 'i3', 'i4', 'i5'].map((id) => person(id, id, presence)));
    const regions: CustomRegion[] = [
      region('interviewers', ['i*'], { maxColumns: 3, maxRows: 3, cellsExcluded: [4] }),
      region('guest', ['guest'], { x: 426, y: 240, width: 428, height: 240, z: 1 }),
    ];
    const [interval] = computeLayoutTimeline(manifest, { ...CANVAS_720P, padding: 0 }, { type: 'custom', regions }).intervals;
    expect(interval?.regions.map((r) => `${r.label} ${r.x},${r.y} ${r.width}x${r.height} z${r.z}`)).toEqual([
      'i1 0,0 426x240 z0',
      'i2 426,0 426x240 z0',
      'i3 854,0 426x240 z0',
      'i4 0,240 426x240 z0',
      'i5 854,240 426x240 z0',
      'guest 426,240 426x240 z1',
    ]);
  });

  test('a region reaching past the canvas is clipped to it', () => {
    const manifest = buildManifest(1000, [person('a', 'a', [[0, 1000]])]);
    const [interval] = computeLayoutTimeline(manifest, { ...CANVAS_720P, padding: 0 }, { type: 'custom', regions: [region('big', ['*'], { x: 640, y: 360, width: 5000, height: 5000 })] }).intervals;
    expect(interval?.regions.map(({ x, y, width, height }) => [x, y, width, height])).toEqual([[640, 360, 640, 360]]);
  });
});
