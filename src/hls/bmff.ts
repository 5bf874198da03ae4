/**
 * Bounds-checked ISO base media file format (ISO/IEC 14496-12) primitives: box headers (§4.2) and a
 * cursor over one box's payload. Nothing here trusts a size field: every read is checked against the
 * enclosing box, and a violation is a RepriseError('HLS_BAD_SEGMENT'), never a RangeError or a read of
 * `undefined`.
 */
import { RepriseError, type ErrorDetails } from '../shared/errors.js';

/** One box: `start` is its first header byte, `contentStart` its first payload byte, `end` one past it. */
export type Box = { type: string; start: number; contentStart: number; end: number };

export function failSegment(message: string, details: ErrorDetails = {}): never {
  throw new RepriseError('HLS_BAD_SEGMENT', message, { details });
}

const MAX_SAFE_HIGH_WORD = 0x1f_ffff; // 2^53 = 0x20_0000 * 2^32

const readFourCc = (bytes: Uint8Array, offset: number): string =>
  String.fromCharCode(bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!);

const readU32At = (bytes: Uint8Array, offset: number): number =>
  ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;

/**
 * The boxes directly inside [start, end), in order. `size == 0` means "to the end of the enclosing
 * box", `size == 1` a 64-bit `largesize`, type `uuid` a 16-byte extended type (§4.2).
 */
export const readBoxes = (bytes: Uint8Array, start: number, end: number): Box[] => {
  const boxes: Box[] = [];
  let offset = start;
  while (offset < end) {
    if (end - offset < 8) {
      failSegment('box header runs past its container', { offset, bytesLeft: end - offset });
    }
    let size = readU32At(bytes, offset);
    const type = readFourCc(bytes, offset + 4);
    let headerSize = 8;
    if (size === 1) {
      if (end - offset < 16) {
        failSegment(`'${type}' box: 64-bit size runs past its container`, { offset });
      }
      const high = readU32At(bytes, offset + 8);
      if (high > MAX_SAFE_HIGH_WORD) {
        failSegment(`'${type}' box: 64-bit size is too large`, { offset });
      }
      size = high * 2 ** 32 + readU32At(bytes, offset + 12);
      headerSize = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (type === 'uuid') {
      headerSize += 16;
    }
    if (size < headerSize || size > end - offset) {
      failSegment(`'${type}' box has a bad size`, { offset, size, bytesLeft: end - offset });
    }
    boxes.push({ type, start: offset, contentStart: offset + headerSize, end: offset + size });
    offset += size;
  }
  return boxes;
};

export const readChildBoxes = (bytes: Uint8Array, parent: Box, skipBytes = 0): Box[] => {
  if (parent.end - parent.contentStart < skipBytes) {
    failSegment(`'${parent.type}' box is too short`, { offset: parent.start });
  }
  return readBoxes(bytes, parent.contentStart + skipBytes, parent.end);
};

export const findBox = (boxes: readonly Box[], type: string): Box | undefined => boxes.find((box) => box.type === type);

export const requireBox = (boxes: readonly Box[], type: string, container: string): Box => {
  const box = findBox(boxes, type);
  if (box === undefined) {
    return failSegment(`'${container}' has no '${type}' box`, { container, type });
  }
  return box;
};

/** A cursor over [offset, end) of one box; reads past `end` fail with HLS_BAD_SEGMENT. */
export class BoxReader {
  private offset: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly box: Box,
    offset = box.contentStart,
  ) {
    this.offset = offset;
  }

  get position(): number {
    return this.offset;
  }

  get bytesLeft(): number {
    return this.box.end - this.offset;
  }

  private take(count: number): number {
    if (count > this.box.end - this.offset) {
      failSegment(`'${this.box.type}' box ends before its fields do`, { boxOffset: this.box.start, fieldOffset: this.offset, need: count });
    }
    const at = this.offset;
    this.offset += count;
    return at;
  }

  skip(count: number): void {
    this.take(count);
  }

  u8(): number {
    return this.bytes[this.take(1)]!;
  }

  u16(): number {
    const at = this.take(2);
    return (this.bytes[at]! << 8) | this.bytes[at + 1]!;
  }

  u24(): number {
    const at = this.take(3);
    return (this.bytes[at]! << 16) | (this.bytes[at + 1]! << 8) | this.bytes[at + 2]!;
  }

  u32(): number {
    return readU32At(this.bytes, this.take(4));
  }

  i32(): number {
    return this.u32() | 0;
  }

  /** An unsigned 64-bit field, as a number; values past 2^53 are refused rather than rounded. */
  u64(): number {
    const high = this.u32();
    const low = this.u32();
    if (high > MAX_SAFE_HIGH_WORD) {
      failSegment(`'${this.box.type}' box: 64-bit value is too large`, { boxOffset: this.box.start });
    }
    return high * 2 ** 32 + low;
  }

  fourCc(): string {
    return readFourCc(this.bytes, this.take(4));
  }

  /** version (8 bits) and flags (24 bits) of a FullBox (§4.2). */
  fullBoxHeader(): { version: number; flags: number } {
    const version = this.u8();
    return { version, flags: this.u24() };
  }

  slice(count: number): Uint8Array {
    const at = this.take(count);
    return this.bytes.subarray(at, at + count);
  }
}
