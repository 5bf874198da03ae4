import { describe, expect, test } from 'vitest';
import { OpusDepacketizer } from './opus-frames.js';
import type { OrderedPacket } from './sequencer.js';

/** A 20 ms SILK WB Opus packet at a given place on the timeline. */
const packet = (timeMs: number, missingBefore = 0): OrderedPacket => ({
  packet: {
    version: 2,
    padding: false,
    marker: false,
    payloadType: 111,
    sequenceNumber: 0,
    timestamp: 0,
    ssrc: 1,
    csrcs: [],
    extensionProfile: null,
    extensions: [],
    payload: new Uint8Array([9 << 3, 1, 2, 3]),
    paddingLength: 0,
  },
  arrivalMs: timeMs,
  timeMs,
  extendedTimestamp: 0,
  extendedSequence: 0,
  missingBefore,
  discontinuity: null,
  jump: null,
  suspect: false,
});

const run = (times: number[]) => {
  const depacketizer = new OpusDepacketizer();
  const frames = times.flatMap((time) => depacketizer.push(packet(time)));
  return { frames, stats: depacketizer.stats };
};

describe('OpusDepacketizer keeps time', () => {
  test('contiguous packets pass straight through', () => {
    const { frames, stats } = run([0, 20, 40, 60]);
    expect(frames.map((frame) => [frame.timeMs, frame.source])).toEqual([
      [0, 'packet'],
      [20, 'packet'],
      [40, 'packet'],
      [60, 'packet'],
    ]);
    expect(stats.silenceFrames).toBe(0);
  });

  test('a 2 s pause (DTX) becomes 100 silence frames', () => {
    const { frames, stats } = run([0, 20, 2040]);
    expect(stats.silenceFrames).toBe(100);
    expect(frames.at(-1)).toMatchObject({ timeMs: 2040, source: 'packet' });
  });

  test('drift of 10 ms never makes it alternate between inserting and dropping (found by bench/convert)', () => {
    // Every packet runs 10 ms ahead of the previous one's end, then falls back: the old ±1/2-frame rule
    // inserted a silence frame, then dropped the next packet, forever.
    const times = Array.from({ length: 200 }, (_, index) => index * 20 + (index % 2 === 0 ? 10 : 0));
    const { stats } = run(times);
    expect(stats.silenceFrames + stats.droppedOverlap).toBeLessThanOrEqual(1);
  });

  test('slow drift is absorbed one frame at a time: the written end stays within a frame of RTP time', () => {
    // RTP time runs 1% fast against the written audio: every packet lands 0.2 ms further ahead.
    const times = Array.from({ length: 3000 }, (_, index) => index * 20.2);
    const { frames, stats } = run(times);
    const last = frames.at(-1)!;
    expect(Math.abs(last.timeMs - times.at(-1)!)).toBeLessThan(20);
    expect(stats.droppedOverlap).toBe(0);
    expect(stats.silenceFrames).toBe(Math.round((times.at(-1)! - 2999 * 20) / 20));
  });
});
