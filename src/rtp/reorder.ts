/**
 * Puts a recording's RTP packets back in sequence order, counting (and dropping) duplicates, within a bounded
 * window. Contiguous packets pass straight through; only packets behind a gap are held, until the gap fills or
 * the window (packets or arrival milliseconds) runs out. Memory is bounded by the window, not the file.
 *
 * Discontinuities are resets, not gaps: a new SSRC, or a sequence jump of more than `resetThreshold` that the
 * next packet confirms (RFC 3550 §A.1 probation). A lone packet with a far-off number is dropped as stray.
 */
import { SequenceUnwrapper, sequenceDistance } from './sequence.js';

export type ReorderItem = { sequenceNumber: number; ssrc: number; arrivalMs: number | null };

export type ReorderOptions = {
  /** Most packets held behind a gap. */
  maxHoldPackets: number;
  /** Longest a packet is held behind a gap, in arrival time. */
  maxHoldMs: number;
  /** A sequence jump larger than this is a restart, not loss. */
  resetThreshold: number;
};

export const DEFAULT_REORDER_OPTIONS: ReorderOptions = { maxHoldPackets: 2000, maxHoldMs: 1000, resetThreshold: 3000 };

export type Discontinuity = 'ssrc-change' | 'sequence-reset';

export type Released<T> = {
  item: T;
  /** Sequence number extended across wraps; restarts with each discontinuity. */
  extendedSequence: number;
  /** Sequence numbers missing right before this packet (0 when contiguous). */
  missingBefore: number;
  /** Set on the first packet after a discontinuity. */
  discontinuity: Discontinuity | null;
};

export type ReorderStats = {
  /** Packets that arrived after one with a higher sequence number. */
  outOfOrder: number;
  duplicates: number;
  /** Packets that arrived after their place had been given up on; dropped. */
  late: number;
  /** Lone packets with a far-off sequence number that no other packet confirmed; dropped. */
  stray: number;
  /** Sequence numbers never recorded. */
  missing: number;
  ssrcChanges: number;
  sequenceResets: number;
};

type Held<T> = { item: T; extended: number };

const MISSING_RANGES_CAP = 1000;

export class RtpReorderer<T extends ReorderItem> {
  readonly stats: ReorderStats = { outOfOrder: 0, duplicates: 0, late: 0, stray: 0, missing: 0, ssrcChanges: 0, sequenceResets: 0 };
  /** Inclusive ranges of missing extended sequence numbers, first ones only (capped). */
  readonly missingRanges: Array<[number, number]> = [];
  private readonly options: ReorderOptions;
  private readonly unwrapper = new SequenceUnwrapper();
  private heap: Held<T>[] = [];
  private heldSequences = new Set<number>();
  /** Ring of released extended sequence numbers (+1), to tell duplicates from late packets. */
  private readonly releasedRing = new Float64Array(0x10000);
  private lastReleased: number | null = null;
  private highestSeen: number | null = null;
  private newestArrivalMs: number | null = null;
  private ssrc: number | null = null;
  private probation: T | null = null;
  private pendingDiscontinuity: Discontinuity | null = null;

  constructor(options: Partial<ReorderOptions> = {}) {
    this.options = { ...DEFAULT_REORDER_OPTIONS, ...options };
  }

  push(item: T): Released<T>[] {
    const out: Released<T>[] = [];
    if (this.ssrc !== null && item.ssrc !== this.ssrc) {
      this.restart(out, 'ssrc-change');
      this.stats.ssrcChanges++;
    } else if (this.isJump(item)) {
      if (this.probation !== null && sequenceDistance(this.probation.sequenceNumber, item.sequenceNumber) === 1) {
        const first = this.probation;
        this.probation = null;
        this.restart(out, 'sequence-reset');
        this.stats.sequenceResets++;
        this.accept(first, out);
      } else {
        if (this.probation !== null) {
          this.stats.stray++;
        }
        this.probation = item;
        return out;
      }
    } else if (this.probation !== null) {
      this.stats.stray++;
      this.probation = null;
    }
    this.ssrc = item.ssrc;
    this.accept(item, out);
    return out;
  }

  /** Releases everything still held (end of input). */
  flush(): Released<T>[] {
    const out: Released<T>[] = [];
    if (this.probation !== null) {
      this.stats.stray++;
      this.probation = null;
    }
    this.drain(out, true);
    return out;
  }

  private isJump(item: T): boolean {
    if (this.highestSeen === null) {
      return false;
    }
    return Math.abs(sequenceDistance(this.highestSeen & 0xffff, item.sequenceNumber)) > this.options.resetThreshold;
  }

  private restart(out: Released<T>[], reason: Discontinuity): void {
    this.drain(out, true);
    this.unwrapper.reset();
    this.lastReleased = null;
    this.highestSeen = null;
    this.releasedRing.fill(0);
    this.pendingDiscontinuity = reason;
  }

  private accept(item: T, out: Released<T>[]): void {
    const extended = this.unwrapper.unwrap(item.sequenceNumber);
    if (item.arrivalMs !== null && (this.newestArrivalMs === null || item.arrivalMs > this.newestArrivalMs)) {
      this.newestArrivalMs = item.arrivalMs;
    }
    if (this.heldSequences.has(extended) || this.releasedRing[extended & 0xffff] === extended + 1) {
      this.stats.duplicates++;
      return;
    }
    if (this.lastReleased !== null && extended <= this.lastReleased) {
      this.stats.late++;
      this.stats.outOfOrder++;
      this.stats.missing--;
      return;
    }
    if (this.highestSeen !== null && extended < this.highestSeen) {
      this.stats.outOfOrder++;
    }
    if (this.highestSeen === null || extended > this.highestSeen) {
      this.highestSeen = extended;
    }
    if (this.heap.length === 0 && (this.lastReleased === null || extended === this.lastReleased + 1)) {
      // The common case: next in line, nothing held. No heap needed.
      this.lastReleased = extended;
      this.releasedRing[extended & 0xffff] = extended + 1;
      out.push({ item, extendedSequence: extended, missingBefore: 0, discontinuity: this.pendingDiscontinuity });
      this.pendingDiscontinuity = null;
      return;
    }
    this.heapPush({ item, extended });
    this.drain(out, false);
  }

  /** Releases the head of the heap while it is next in line, or while the window forces it. */
  private drain(out: Released<T>[], all: boolean): void {
    for (;;) {
      const head = this.heap[0];
      if (head === undefined) {
        return;
      }
      const next = this.lastReleased === null || head.extended === this.lastReleased + 1;
      if (!next && !all && !this.windowExceeded(head)) {
        return;
      }
      this.heapPop();
      const missingBefore = this.lastReleased === null ? 0 : head.extended - this.lastReleased - 1;
      if (missingBefore > 0) {
        this.stats.missing += missingBefore;
        if (this.missingRanges.length < MISSING_RANGES_CAP) {
          this.missingRanges.push([this.lastReleased! + 1, head.extended - 1]);
        }
      }
      this.lastReleased = head.extended;
      this.releasedRing[head.extended & 0xffff] = head.extended + 1;
      out.push({ item: head.item, extendedSequence: head.extended, missingBefore, discontinuity: this.pendingDiscontinuity });
      this.pendingDiscontinuity = null;
    }
  }

  private windowExceeded(head: Held<T>): boolean {
    if (this.heap.length > this.options.maxHoldPackets) {
      return true;
    }
    const arrival = head.item.arrivalMs;
    return arrival !== null && this.newestArrivalMs !== null && this.newestArrivalMs - arrival > this.options.maxHoldMs;
  }

  private heapPush(held: Held<T>): void {
    const heap = this.heap;
    heap.push(held);
    this.heldSequences.add(held.extended);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heap[parent]!.extended <= held.extended) {
        break;
      }
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = held;
  }

  private heapPop(): void {
    const heap = this.heap;
    const top = heap[0]!;
    this.heldSequences.delete(top.extended);
    const last = heap.pop()!;
    if (heap.length === 0) {
      return;
    }
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      if (left >= heap.length) {
        break;
      }
      const right = left + 1;
      const child = right < heap.length && heap[right]!.extended < heap[left]!.extended ? right : left;
      if (heap[child]!.extended >= last.extended) {
        break;
      }
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = last;
  }
}
