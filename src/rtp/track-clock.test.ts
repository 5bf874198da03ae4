import { describe, expect, test } from 'vitest';
import { TrackClock } from './track-clock.js';

/** Places (rtp ticks, arrival ms) pairs on a 48 kHz clock and returns the times and jumps. */
const place = (points: Array<[number, number | null]>, clockRate = 48_000) => {
  const clock = new TrackClock({ clockRate });
  return points.map(([timestamp, arrivalMs]) => clock.place(timestamp >>> 0, arrivalMs));
};

const steady = (count: number, startTicks = 0, startMs = 0): Array<[number, number]> =>
  Array.from({ length: count }, (_, index) => [startTicks + index * 960, startMs + index * 20]);

describe('TrackClock', () => {
  test('a steady track runs on RTP time, starting at its first arrival', () => {
    const placed = place(steady(5, 1000, 37));
    expect(placed.map((placement) => placement.timeMs)).toEqual([37, 57, 77, 97, 117]);
    expect(placed.every((placement) => placement.jump === null)).toBe(true);
  });

  test('crosses the 32-bit timestamp wrap without a jump', () => {
    const placed = place(steady(4, 0xffff_fc40 - 960));
    expect(placed.map((placement) => placement.timeMs)).toEqual([0, 20, 40, 60]);
  });

  test('DTX: RTP and arrival time leap together, so no jump', () => {
    const placed = place([...steady(3), [2 * 960 + 48_000 * 2, 2040]]);
    expect(placed[3]).toMatchObject({ timeMs: 2040, jump: null });
  });

  test('an RTP timestamp leaping ahead of arrival (+10 s) re-anchors on arrival at once', () => {
    const points: Array<[number, number]> = [...steady(3), [2 * 960 + 48_000 * 10, 60], [3 * 960 + 48_000 * 10, 80]];
    const placed = place(points);
    expect(placed[3]).toMatchObject({ timeMs: 60, jump: { atMs: 60, rtpDeltaMs: 10_000, arrivalDeltaMs: 20 } });
    expect(placed[4]).toMatchObject({ timeMs: 80, jump: null });
  });

  test('one late packet (a retransmission) is not a jump', () => {
    const points = steady(10);
    points[5] = [points[5]![0], 700];
    const placed = place(points);
    expect(placed.every((placement) => placement.jump === null)).toBe(true);
    expect(placed[9]!.timeMs).toBe(180);
  });

  test('an RTP clock that stalls while arrival runs on re-anchors once confirmed', () => {
    const points: Array<[number, number]> = [...steady(3), [3 * 960, 5060], [4 * 960, 5080], [5 * 960, 5100], [6 * 960, 5120]];
    const placed = place(points);
    expect(placed.slice(3).map((placement) => placement.jump !== null)).toEqual([false, false, true, false]);
    expect(placed[6]!.timeMs).toBe(5120);
  });

  test.each([
    ['slow by 1000 ppm', 1001],
    ['fast by 300 ppm', 999.7],
  ])('clock drift (%s over an hour) is followed, never a jump, and ends within a frame of arrival', (_name, msPerSecond) => {
    const points: Array<[number, number]> = Array.from({ length: 3600 * 50 }, (_, index) => [index * 960, (index * msPerSecond) / 50]);
    const placed = place(points);
    expect(placed.filter((placement) => placement.jump !== null)).toEqual([]);
    expect(Math.abs(placed.at(-1)!.timeMs - points.at(-1)![1])).toBeLessThan(20);
    for (let index = 1; index < placed.length; index++) {
      expect(placed[index]!.timeMs).toBeGreaterThan(placed[index - 1]!.timeMs);
    }
  });

  test('network jitter does not move the timeline: it follows the earliest arrivals', () => {
    const points: Array<[number, number]> = Array.from({ length: 3000 }, (_, index) => [index * 960, index * 20 + ((index * 7919) % 60)]);
    const placed = place(points);
    expect(Math.abs(placed.at(-1)!.timeMs - 2999 * 20)).toBeLessThan(5);
  });

  test('without arrival times (MJR00001), a step beyond 10 s is a jump', () => {
    const placed = place([[0, null], [960, null], [960 + 48_000 * 30, null], [1920 + 48_000 * 30, null]]);
    expect(placed.map((placement) => placement.timeMs)).toEqual([0, 20, 20, 40]);
    expect(placed[2]!.jump).toMatchObject({ rtpDeltaMs: 30_000, arrivalDeltaMs: null });
  });

  test('a restart (new SSRC) re-anchors on arrival without calling it a jump', () => {
    const clock = new TrackClock({ clockRate: 90_000 });
    clock.place(1000, 0);
    clock.place(4000, 33);
    expect(clock.place(777_777, 5000, true)).toMatchObject({ timeMs: 5000, jump: null });
  });
});
