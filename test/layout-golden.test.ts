/**
 * Golden layout timelines for named scenarios (all invented, the first shaped like the real fixture meeting).
 * A normal run compares with test/golden/layout/<name>.json and fails when a file is missing; `UPDATE_GOLDEN=1`
 * rewrites them, to be reviewed in the diff.
 */
import { describe, test } from 'vitest';
import { computeLayoutTimeline } from '../src/compose/layout.js';
import type { Canvas, LayoutSpec } from '../src/compose/layout-types.js';
import type { SessionManifest } from '../src/sessions/manifest.js';
import { expectGolden } from './support/golden.js';
import { CANVAS_720P, buildManifest, person, threePeopleMeeting } from './support/layout-manifest.js';

type Scenario = { name: string; what: string; manifest: SessionManifest; spec: LayoutSpec; canvas?: Canvas };

const scenarios: Scenario[] = [
  {
    name: 'grid-three-people',
    what: 'alice from 0 s, bob 3–14 s, carol from 6 s (like test/fixtures/real): 1 → 2 → 3 → 2 tiles',
    manifest: threePeopleMeeting(),
    spec: { type: 'grid' },
  },
  {
    name: 'speaker-back-and-forth',
    what: 'short replies and rapid turns never switch; carol after 1.5 s; bob leaves while holding the floor → alice at once',
    manifest: threePeopleMeeting({
      alice: [[500, 4000], [5000, 6000], [11_600, 12_000]],
      bob: [[4200, 4900], [6100, 6600], [7500, 8200], [12_100, 16_000]],
      carol: [[6700, 7400], [8400, 11_500], [15_000, 20_000]],
    }),
    spec: { type: 'speaker' },
  },
  {
    name: 'grid-audio-only',
    what: 'bob has no camera (name tile throughout); carol’s camera starts 2 s after she joins',
    manifest: buildManifest(10_000, [
      person('1001', 'alice', [[0, 10_000]]),
      person('1002', 'bob', [[1000, 10_000]], { video: [] }),
      person('1003', 'carol', [[2000, 10_000]], { video: [{ span: [4000, 10_000] }] }),
    ]),
    spec: { type: 'grid' },
  },
  {
    name: 'presentation-screen-share',
    what: 'bob shares a 1920x1080 screen from 4 s to 9 s: grid, presentation with bob’s screen large, grid again',
    manifest: buildManifest(12_000, [
      person('1001', 'alice', [[0, 12_000]]),
      person('1002', 'bob', [[0, 12_000]], { video: [{ span: [0, 12_000] }, { span: [4000, 9000], width: 1920, height: 1080, description: 'screen' }] }),
      person('1003', 'carol', [[0, 12_000]]),
    ]),
    spec: { type: 'presentation' },
  },
  {
    name: 'custom-two-regions-overflow',
    what: 'the speaker on a stage, everyone else in a 1 × 3 side column showing the newest three; six people join 1 s apart, one leaves',
    manifest: buildManifest(12_000, [
      person('1001', 'alice', [[0, 12_000]], { speaking: [[0, 5000]] }),
      person('1002', 'bob', [[1000, 12_000]], { speaking: [[6000, 9000]] }),
      person('1003', 'carol', [[2000, 12_000]]),
      person('1004', 'dave', [[3000, 10_000]]),
      person('1005', 'erin', [[4000, 12_000]]),
      person('1006', 'frank', [[5000, 12_000]]),
    ]),
    spec: {
      type: 'custom',
      regions: [
        { name: 'stage', x: 0, y: 0, width: 960, height: 720, z: 1, sources: ['speaker'] },
        { name: 'side', x: 960, y: 0, width: 320, height: 720, z: 0, maxColumns: 1, maxRows: 3, reuse: 'show_newest', sources: ['*'] },
      ],
    },
  },
];

describe('layout timelines match their golden files', () => {
  test.each(scenarios)('$name: $what', ({ name, manifest, spec, canvas }) => {
    const timeline = computeLayoutTimeline(manifest, canvas ?? CANVAS_720P, spec);
    expectGolden(`layout/${name}.json`, `${JSON.stringify(timeline, null, 2)}\n`);
  });
});
