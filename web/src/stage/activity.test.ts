import { describe, expect, test } from 'vitest';
import { activeSpeakerAt, isWithin, visibleAt, type Activity } from './activity';

const people: Activity[] = [
  { id: 'a', presence: [{ startMs: 0, endMs: 10_000 }], speaking: [{ startMs: 1000, endMs: 3000 }, { startMs: 6000, endMs: 7000 }] },
  { id: 'b', presence: [{ startMs: 2000, endMs: 5000 }], speaking: [{ startMs: 2500, endMs: 4000 }] },
  { id: 'c', presence: [{ startMs: 4000, endMs: 10_000 }], speaking: [] },
];

describe('isWithin', () => {
  test('start inclusive, end exclusive', () => {
    expect(isWithin([{ startMs: 10, endMs: 20 }], 10)).toBe(true);
    expect(isWithin([{ startMs: 10, endMs: 20 }], 20)).toBe(false);
  });
});

describe('activeSpeakerAt', () => {
  test.each<[number, string | null]>([
    [500, null], // nobody spoke yet
    [1500, 'a'],
    [2700, 'b'], // both speak: the latest to start
    [3500, 'b'],
    [4500, 'b'], // between utterances the last speaker stays
    [6500, 'a'],
    [9000, 'a'],
  ])('at %i ms: %s', (timeMs, expected) => {
    expect(activeSpeakerAt(people, timeMs)).toBe(expected);
  });
});

describe('visibleAt', () => {
  test('present and not hidden, in the given order', () => {
    expect(visibleAt(people, 4500, new Set()).map((person) => person.id)).toEqual(['a', 'b', 'c']);
    expect(visibleAt(people, 4500, new Set(['b'])).map((person) => person.id)).toEqual(['a', 'c']);
    expect(visibleAt(people, 1000, new Set()).map((person) => person.id)).toEqual(['a']);
  });
});
