import { describe, expect, test } from 'vitest';
import { RtpReorderer, type ReorderOptions } from './reorder.js';

type Item = { sequenceNumber: number; ssrc: number; arrivalMs: number | null };

const item = (sequenceNumber: number, arrivalMs: number | null = null, ssrc = 1): Item => ({ sequenceNumber, ssrc, arrivalMs });

/** Pushes the items, flushes, and returns the released sequence numbers and the reorderer. */
const run = (items: Item[], options: Partial<ReorderOptions> = {}) => {
  const reorderer = new RtpReorderer<Item>(options);
  const released = [...items.flatMap((entry) => reorderer.push(entry)), ...reorderer.flush()];
  return { order: released.map((entry) => entry.item.sequenceNumber), released, reorderer };
};

describe('RtpReorderer', () => {
  test('passes contiguous packets straight through, holding nothing', () => {
    const reorderer = new RtpReorderer<Item>();
    expect([1, 2, 3].map((sequence) => reorderer.push(item(sequence)).length)).toEqual([1, 1, 1]);
  });

  test('puts a swapped pair back in order (witnessed in nature: NACK retransmissions)', () => {
    const { order, reorderer } = run([1, 2, 4, 3, 5].map((sequence) => item(sequence)));
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(reorderer.stats).toMatchObject({ outOfOrder: 1, missing: 0, duplicates: 0 });
  });

  test('drops duplicates, whether still held or already released', () => {
    const { order, reorderer } = run([1, 2, 2, 4, 4, 3, 1].map((sequence) => item(sequence)));
    expect(order).toEqual([1, 2, 3, 4]);
    expect(reorderer.stats.duplicates).toBe(3);
  });

  test('runs across the 16-bit wrap without a gap', () => {
    const { order, released, reorderer } = run([65534, 65535, 0, 1].map((sequence) => item(sequence)));
    expect(order).toEqual([65534, 65535, 0, 1]);
    expect(released.map((entry) => entry.extendedSequence - released[0]!.extendedSequence)).toEqual([0, 1, 2, 3]);
    expect(reorderer.stats.missing).toBe(0);
  });

  test('a late packet from before the wrap is put back before it', () => {
    const { order } = run([65533, 65535, 0, 65534, 1].map((sequence) => item(sequence)));
    expect(order).toEqual([65533, 65534, 65535, 0, 1]);
  });

  test('counts missing sequence numbers and their ranges', () => {
    const { released, reorderer } = run([1, 2, 5, 6, 9].map((sequence) => item(sequence)));
    expect(reorderer.stats.missing).toBe(4);
    expect(released.map((entry) => entry.missingBefore)).toEqual([0, 0, 2, 0, 2]);
    const base = released[0]!.extendedSequence;
    expect(reorderer.missingRanges.map(([first, last]) => [first - base, last - base])).toEqual([
      [2, 3],
      [6, 7],
    ]);
  });

  test('gives up on a gap once the arrival window has passed, and drops the packet that comes later', () => {
    const items = [item(1, 0), item(3, 10), item(4, 500), item(5, 1200), item(2, 1300), item(6, 1310)];
    const { order, reorderer } = run(items, { maxHoldMs: 1000 });
    expect(order).toEqual([1, 3, 4, 5, 6]);
    expect(reorderer.stats).toMatchObject({ late: 1, missing: 0 });
  });

  test('gives up on a gap once the packet window is full', () => {
    const reorderer = new RtpReorderer<Item>({ maxHoldPackets: 3 });
    const released = [1, 3, 4, 5].flatMap((sequence) => reorderer.push(item(sequence)));
    expect(released.map((entry) => entry.item.sequenceNumber)).toEqual([1]);
    expect(reorderer.push(item(6)).map((entry) => entry.item.sequenceNumber)).toEqual([3, 4, 5, 6]);
  });

  test('a new SSRC restarts the sequence space and is marked', () => {
    const items = [item(10, null, 1), item(11, null, 1), item(5000, null, 2), item(5001, null, 2)];
    const { order, released, reorderer } = run(items);
    expect(order).toEqual([10, 11, 5000, 5001]);
    expect(released.map((entry) => entry.discontinuity)).toEqual([null, null, 'ssrc-change', null]);
    expect(reorderer.stats).toMatchObject({ ssrcChanges: 1, missing: 0 });
  });

  test('a sequence jump confirmed by the next packet is a reset, not loss', () => {
    const { order, released, reorderer } = run([1, 2, 3, 40000, 40001, 40002].map((sequence) => item(sequence)));
    expect(order).toEqual([1, 2, 3, 40000, 40001, 40002]);
    expect(released[3]!.discontinuity).toBe('sequence-reset');
    expect(reorderer.stats).toMatchObject({ sequenceResets: 1, missing: 0, stray: 0 });
  });

  test('a lone far-off packet is dropped as stray (bogus packets, janus-gateway#1696)', () => {
    const { order, reorderer } = run([1, 2, 30000, 3, 4].map((sequence) => item(sequence)));
    expect(order).toEqual([1, 2, 3, 4]);
    expect(reorderer.stats).toMatchObject({ stray: 1, sequenceResets: 0, missing: 0 });
  });
});
