import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CANVAS_720P, buildManifest, person, threePeopleMeeting, type Span } from '../../test/support/layout-manifest.js';
import type { SessionManifest } from '../sessions/manifest.js';
import { isActiveAt } from './intervals.js';
import { computeLayoutTimeline } from './layout.js';
import type { Canvas, CustomRegion, LayoutSpec, LayoutTimeline } from './layout-types.js';

const brief = (timeline: LayoutTimeline): Array<[number, number, string]> =>
  timeline.intervals.map((interval) => [
    interval.startMs,
    interval.endMs,
    interval.regions.map((region) => `${region.label ?? region.participantId}${region.hasVideo ? '' : '(no video)'} ${region.width}x${region.height}`).join(' | '),
  ]);

describe('computeLayoutTimeline', () => {
  const cases: Array<{ name: string; manifest: SessionManifest; canvas?: Canvas; spec?: LayoutSpec; expected: Array<[number, number, string]> }> = [
    {
      name: 'an audio-only participant gets a name tile',
      manifest: buildManifest(4000, [person('1', 'alice', [[0, 4000]]), person('2', 'phone', [[0, 4000]], { video: [] })]),
      expected: [[0, 4000, 'alice 628x354 | phone(no video) 628x354']],
    },
    {
      name: 'a camera that starts late shows a name tile until its video starts, and cuts there',
      manifest: buildManifest(4000, [person('1', 'alice', [[0, 4000]], { video: [{ span: [1500, 4000] }] })]),
      expected: [
        [0, 1500, 'alice(no video) 1252x704'],
        [1500, 4000, 'alice 1252x704'],
      ],
    },
    {
      name: 'nobody present: an interval without regions',
      manifest: buildManifest(6000, [person('1', 'alice', [[0, 2000], [4000, 6000]])]),
      expected: [
        [0, 2000, 'alice 1252x704'],
        [2000, 4000, ''],
        [4000, 6000, 'alice 1252x704'],
      ],
    },
    {
      name: 'a change of speaker does not cut a grid (equal neighbours merge)',
      manifest: threePeopleMeeting({ alice: [[0, 3000]], carol: [[7000, 10_000]] }),
      expected: [
        [0, 3000, 'alice 1252x704'],
        [3000, 6000, 'alice 628x354 | bob 628x354'],
        [6000, 14_000, 'alice 618x348 | bob 618x348 | carol 618x348'],
        [14_000, 22_000, 'alice 628x354 | carol 628x354'],
      ],
    },
    {
      name: 'a portrait phone keeps its aspect; a video of unknown size counts as 16:9',
      manifest: buildManifest(1000, [
        person('1', 'phone', [[0, 1000]], { video: [{ span: [0, 1000], width: 360, height: 640 }] }),
        person('2', 'unknown', [[0, 1000]], { video: [{ span: [0, 1000], width: null, height: null }] }),
      ]),
      expected: [[0, 1000, 'phone 396x704 | unknown 628x354']],
    },
    {
      name: 'without labels the label is null',
      manifest: buildManifest(1000, [person('1', 'alice', [[0, 1000]])]),
      canvas: { ...CANVAS_720P, labels: false },
      expected: [[0, 1000, '1 1252x704']],
    },
    {
      name: 'presence past the end of the session is clipped to it',
      manifest: buildManifest(1000, [person('1', 'alice', [[-500, 5000]])]),
      expected: [[0, 1000, 'alice 1252x704']],
    },
    { name: 'an empty session has no intervals', manifest: buildManifest(0, [person('1', 'alice', [[0, 1000]])]), expected: [] },
  ];
  test.each(cases)('$name', ({ manifest, canvas, spec, expected }) => {
    expect(brief(computeLayoutTimeline(manifest, canvas ?? CANVAS_720P, spec ?? { type: 'grid' }))).toEqual(expected);
  });

  test('the name falls back to the id when there is no display name', () => {
    const timeline = computeLayoutTimeline(buildManifest(1000, [person('1001', null, [[0, 1000]])]), CANVAS_720P, { type: 'grid' });
    expect(timeline.intervals[0]?.regions[0]?.label).toBe('1001');
  });

  test('refuses a bad canvas or spec with LAYOUT_INVALID', () => {
    expect(() => computeLayoutTimeline(threePeopleMeeting(), { ...CANVAS_720P, width: 641 }, { type: 'grid' })).toThrow(expect.objectContaining({ code: 'LAYOUT_INVALID' }));
    const badRegion = { name: 'r', x: 0, y: 0, width: 0, height: 10, z: 0, sources: ['*'] } satisfies CustomRegion;
    expect(() => computeLayoutTimeline(threePeopleMeeting(), CANVAS_720P, { type: 'custom', regions: [badRegion] })).toThrow(expect.objectContaining({ code: 'LAYOUT_INVALID' }));
  });
});

// ---- properties over random sessions ----

const SIZES = [[640, 360], [360, 640], [1280, 720], [1920, 1080], [null, null]] as const;
const spanArb = (maxMs: number) => fc.tuple(fc.integer({ min: -1000, max: maxMs }), fc.integer({ min: 1, max: maxMs })).map(([start, length]): Span => [start, start + length]);

const manifestArb = fc.integer({ min: 1, max: 30_000 }).chain((durationMs) =>
  fc
    .array(
      fc.record({
        presence: fc.array(spanArb(durationMs), { minLength: 1, maxLength: 2 }),
        video: fc.array(fc.record({ span: spanArb(durationMs), size: fc.constantFrom(...SIZES), screen: fc.boolean() }), { maxLength: 2 }),
        speaking: fc.array(spanArb(durationMs), { maxLength: 4 }),
        named: fc.boolean(),
      }),
      { maxLength: 6 },
    )
    .map((people) =>
      buildManifest(
        durationMs,
        people.map((who, index) =>
          person(`p${index}`, who.named ? `Person ${index}` : null, who.presence, {
            speaking: who.speaking,
            video: who.video.map(({ span, size, screen }) => ({ span, width: size[0], height: size[1], description: screen ? 'screen' : 'camera' })),
          }),
        ),
      ),
    ),
);

const canvasArb = fc.record({
  width: fc.integer({ min: 160, max: 960 }).map((half) => half * 2),
  height: fc.integer({ min: 90, max: 540 }).map((half) => half * 2),
  background: fc.constant('#000000'),
  padding: fc.integer({ min: 0, max: 12 }),
  labels: fc.boolean(),
});

const ids = fc.constantFrom('p0', 'p1', 'p2', 'nobody');
const regionsArb = (canvas: Canvas) =>
  fc.array(
    fc.record({
      x: fc.integer({ min: 0, max: canvas.width - 10 }),
      y: fc.integer({ min: 0, max: canvas.height - 10 }),
      width: fc.integer({ min: 1, max: canvas.width }),
      height: fc.integer({ min: 1, max: canvas.height }),
      grid: fc.option(fc.record({ maxColumns: fc.integer({ min: 1, max: 3 }), maxRows: fc.integer({ min: 1, max: 3 }), excludeFirst: fc.boolean() }), { nil: undefined }),
      reuse: fc.constantFrom('none', 'show_oldest', 'show_newest', undefined),
      sources: fc.array(fc.constantFrom('*', 'screen', 'speaker', 'p0', 'p1', 'p*'), { minLength: 1, maxLength: 2 }),
      sourcesExcluded: fc.option(fc.array(fc.constantFrom('p1', 'screen', 'speaker'), { maxLength: 1 }), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 3 },
  ).map((drawn) =>
    drawn.map((entry, index): CustomRegion => {
      const grid = entry.grid;
      const excluded = grid !== undefined && entry.grid?.excludeFirst === true && grid.maxColumns * grid.maxRows > 1 ? { cellsExcluded: [0] } : {};
      return {
        name: `r${index}`,
        x: entry.x,
        y: entry.y,
        width: entry.width,
        height: entry.height,
        z: index, // distinct z: tiles of one z come from one region and must not overlap
        sources: entry.sources,
        ...(grid === undefined ? {} : { maxColumns: grid.maxColumns, maxRows: grid.maxRows, ...excluded }),
        ...(entry.reuse === undefined ? {} : { reuse: entry.reuse }),
        ...(entry.sourcesExcluded === undefined ? {} : { sourcesExcluded: entry.sourcesExcluded }),
      };
    }),
  );

const specArb = (canvas: Canvas): fc.Arbitrary<LayoutSpec> =>
  fc.oneof(
    fc.constant<LayoutSpec>({ type: 'grid' }),
    fc.record({ holdMs: fc.integer({ min: 0, max: 3000 }), strip: fc.constantFrom('bottom', 'right') as fc.Arbitrary<'bottom' | 'right'> }).map((s): LayoutSpec => ({ type: 'speaker', ...s })),
    fc.record({ main: ids, inset: ids, corner: fc.constantFrom('top-left', 'top-right', 'bottom-left', 'bottom-right') as fc.Arbitrary<'top-left'> }).map(
      (s): LayoutSpec => ({ type: 'pip', mainParticipantId: s.main, insetParticipantId: s.inset, corner: s.corner }),
    ),
    fc.record({ who: fc.option(ids, { nil: undefined }), strip: fc.constantFrom('bottom', 'right') as fc.Arbitrary<'bottom' | 'right'> }).map(
      (s): LayoutSpec => (s.who === undefined ? { type: 'presentation', strip: s.strip } : { type: 'presentation', participantId: s.who, strip: s.strip }),
    ),
    regionsArb(canvas).map((regions): LayoutSpec => ({ type: 'custom', regions })),
  );

const caseArb = canvasArb.chain((canvas) => fc.record({ canvas: fc.constant(canvas), spec: specArb(canvas), manifest: manifestArb }));

const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function checkTimeline(manifest: SessionManifest, canvas: Canvas, spec: LayoutSpec): void {
  const { intervals } = computeLayoutTimeline(manifest, canvas, spec);
  expect(intervals[0]?.startMs ?? 0).toBe(0);
  expect(intervals.at(-1)?.endMs ?? 0).toBe(Math.max(0, manifest.durationMs));
  intervals.forEach((interval, index) => {
    expect(interval.endMs).toBeGreaterThan(interval.startMs);
    const previous = intervals[index - 1];
    if (previous !== undefined) {
      expect(previous.endMs).toBe(interval.startMs);
      expect(JSON.stringify(previous.regions)).not.toBe(JSON.stringify(interval.regions));
    }
    const present = manifest.participants.filter((participant) => isActiveAt(participant.presence, interval.startMs) && interval.startMs >= 0);
    const shown = interval.regions.map((region) => region.participantId);
    expect(new Set(shown).size).toBe(shown.length);
    for (const region of interval.regions) {
      expect([region.x, region.y, region.width, region.height].every((value) => Number.isInteger(value) && value % 2 === 0)).toBe(true);
      expect(region.width >= 2 && region.height >= 2).toBe(true);
      expect(region.x >= 0 && region.y >= 0 && region.x + region.width <= canvas.width && region.y + region.height <= canvas.height).toBe(true);
      const owner = present.find((participant) => participant.id === region.participantId);
      expect(owner).toBeDefined();
      const track = owner?.tracks.find((candidate) => candidate.file === region.trackFile);
      expect(region.hasVideo).toBe(region.trackFile !== undefined);
      if (region.hasVideo) {
        expect(track !== undefined && track.kind === 'video' && track.startMs <= interval.startMs && interval.endMs <= track.endMs).toBe(true);
      }
    }
    expect(interval.regions.map((region) => region.z)).toEqual([...interval.regions.map((region) => region.z)].sort((a, b) => a - b));
    interval.regions.forEach((a, i) =>
      interval.regions.slice(i + 1).forEach((b) => {
        if (a.z === b.z) {
          expect(overlaps(a, b)).toBe(false);
        }
      }),
    );
    if (spec.type === 'grid' || spec.type === 'speaker' || spec.type === 'presentation') {
      expect(shown.length).toBe(present.length);
      expect(interval.regions.every((region) => region.z === 0)).toBe(true);
    }
    if (spec.type === 'pip') {
      expect(shown.length).toBe(Math.min(2, present.length));
    }
  });
}

describe('computeLayoutTimeline properties (random sessions, canvases and layouts)', () => {
  test('intervals cover the session in order; regions are even, inside the canvas, shown once, and never overlap on one z', () => {
    fc.assert(
      fc.property(caseArb, ({ manifest, canvas, spec }) => checkTimeline(manifest, canvas, spec)),
      { numRuns: 400 },
    );
  });
});
