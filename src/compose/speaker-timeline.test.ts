import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { buildManifest, person, type Span } from '../../test/support/layout-manifest.js';
import type { SessionManifest } from '../sessions/manifest.js';
import { intersectIntervals, isActiveAt, normalizeIntervals } from './intervals.js';
import { speakerTimeline } from './speaker-timeline.js';

type Who = { id: string; presence?: Span[]; speaking: Span[] };
const session = (durationMs: number, people: Who[]): SessionManifest =>
  buildManifest(
    durationMs,
    people.map((who) => person(who.id, null, who.presence ?? [[0, durationMs]], { speaking: who.speaking })),
  );
const floorOf = (manifest: SessionManifest, holdMs?: number): Array<[number, number, string | null]> =>
  speakerTimeline(manifest, holdMs).map((interval) => [interval.startMs, interval.endMs, interval.participantId]);

describe('speakerTimeline', () => {
  // All invented, built to show one rule each; everyone is present for the whole 10 s unless said otherwise.
  const cases: Array<{ name: string; people: Who[]; holdMs?: number; expected: Array<[number, number, string | null]> }> = [
    {
      name: 'nobody holds the floor until someone has spoken for the hold time',
      people: [{ id: 'a', speaking: [[1000, 2000]] }],
      expected: [[0, 10_000, null]],
    },
    {
      name: 'the first speaker takes the floor once they have spoken 1.5 s, and keeps it through silence',
      people: [{ id: 'a', speaking: [[1000, 4000]] }, { id: 'b', speaking: [] }],
      expected: [
        [0, 2500, null],
        [2500, 10_000, 'a'],
      ],
    },
    {
      name: 'rapid back-and-forth under the hold time never switches (no flapping)',
      people: [
        { id: 'a', speaking: [[1000, 3000], [4100, 5000], [6100, 7000]] },
        { id: 'b', speaking: [[3100, 4000], [5100, 6000], [7100, 8000]] },
      ],
      expected: [
        [0, 2500, null],
        [2500, 10_000, 'a'],
      ],
    },
    {
      name: 'a new speaker switches after speaking the hold time while the holder is silent',
      people: [{ id: 'a', speaking: [[0, 2000]] }, { id: 'b', speaking: [[3000, 6000]] }],
      expected: [
        [0, 1500, null],
        [1500, 4500, 'a'],
        [4500, 10_000, 'b'],
      ],
    },
    {
      name: 'talking over a speaking holder waits until the holder stops',
      people: [{ id: 'a', speaking: [[0, 6000]] }, { id: 'b', speaking: [[3000, 8000]] }],
      expected: [
        [0, 1500, null],
        [1500, 6000, 'a'],
        [6000, 10_000, 'b'],
      ],
    },
    {
      name: 'of two challengers the one speaking longer wins',
      people: [{ id: 'a', speaking: [[0, 2000]] }, { id: 'b', speaking: [[3500, 9000]] }, { id: 'c', speaking: [[3000, 9000]] }],
      expected: [
        [0, 1500, null],
        [1500, 4500, 'a'],
        [4500, 10_000, 'c'],
      ],
    },
    {
      name: 'when the holder leaves, the most recent speaker still present takes over at once',
      people: [
        { id: 'a', presence: [[0, 6000]], speaking: [[1000, 5000]] },
        { id: 'b', speaking: [[0, 1200]] },
        { id: 'c', speaking: [[2000, 2600]] },
      ],
      expected: [
        [0, 2500, null],
        [2500, 6000, 'a'],
        [6000, 10_000, 'c'],
      ],
    },
    {
      name: 'when the holder leaves and nobody left has spoken, nobody holds the floor',
      people: [{ id: 'a', presence: [[0, 5000]], speaking: [[0, 3000]] }, { id: 'b', speaking: [] }],
      expected: [
        [0, 1500, null],
        [1500, 5000, 'a'],
        [5000, 10_000, null],
      ],
    },
    {
      name: 'with a hold of 0 the floor follows every utterance',
      holdMs: 0,
      people: [{ id: 'a', speaking: [[1000, 2000]] }, { id: 'b', speaking: [[2500, 3000]] }],
      expected: [
        [0, 1000, null],
        [1000, 2500, 'a'],
        [2500, 10_000, 'b'],
      ],
    },
    {
      name: 'speech outside presence is ignored',
      people: [{ id: 'a', presence: [[5000, 10_000]], speaking: [[0, 7000]] }],
      expected: [
        [0, 6500, null],
        [6500, 10_000, 'a'],
      ],
    },
  ];
  test.each(cases)('$name', ({ people, holdMs, expected }) => {
    expect(floorOf(session(10_000, people), holdMs)).toEqual(expected);
  });

  test('an empty session has no floor at all', () => {
    expect(speakerTimeline(session(0, [{ id: 'a', speaking: [] }]))).toEqual([]);
  });
});

const arbitrarySession = fc
  .record({
    durationMs: fc.integer({ min: 1, max: 20_000 }),
    people: fc.array(
      fc.record({
        presence: fc.array(fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 1, max: 10_000 })), { minLength: 1, maxLength: 2 }),
        speaking: fc.array(fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 1, max: 4000 })), { maxLength: 6 }),
      }),
      { maxLength: 4 },
    ),
    holdMs: fc.integer({ min: 0, max: 3000 }),
  })
  .map(({ durationMs, people, holdMs }) => ({
    holdMs,
    manifest: session(
      durationMs,
      people.map((who, index) => ({
        id: `p${index}`,
        presence: who.presence.map(([start, length]): Span => [start, start + length]),
        speaking: who.speaking.map(([start, length]): Span => [start, start + length]),
      })),
    ),
  }));

describe('speakerTimeline properties (random sessions)', () => {
  test('covers the session, the holder is always present, and a switch needs the hold time (or the holder leaving)', () => {
    fc.assert(
      fc.property(arbitrarySession, ({ manifest, holdMs }) => {
        const floor = speakerTimeline(manifest, holdMs);
        expect(floor[0]?.startMs).toBe(0);
        expect(floor.at(-1)?.endMs).toBe(manifest.durationMs);
        floor.forEach((interval, index) => {
          expect(interval.endMs).toBeGreaterThan(interval.startMs);
          const previous = floor[index - 1];
          if (previous !== undefined) {
            expect(previous.endMs).toBe(interval.startMs);
            expect(previous.participantId).not.toBe(interval.participantId);
          }
          const holder = manifest.participants.find((participant) => participant.id === interval.participantId);
          if (holder === undefined) {
            return;
          }
          expect(isActiveAt(holder.presence, interval.startMs)).toBe(true);
          const previousHolder = manifest.participants.find((participant) => participant.id === previous?.participantId);
          const handedOver = previousHolder !== undefined && !isActiveAt(previousHolder.presence, interval.startMs);
          if (!handedOver) {
            // Took the floor by speaking: they have spoken without a break for the hold time up to now.
            const t = interval.startMs;
            const presence = normalizeIntervals(holder.presence, 0, manifest.durationMs);
            const speech = normalizeIntervals(intersectIntervals(normalizeIntervals(holder.speaking, 0, manifest.durationMs), presence), 0, manifest.durationMs);
            expect(speech.some((run) => run.startMs <= t - holdMs && t < run.endMs)).toBe(true);
          }
        });
      }),
    );
  });
});
