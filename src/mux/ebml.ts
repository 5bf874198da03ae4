/**
 * EBML writing (RFC 8794) for the Matroska writer: element IDs (RFC 9559), variable-size integers, and
 * elements encoded into one growable buffer that is reused, so the hot path (SimpleBlocks) allocates nothing.
 *
 *     element   = ID (1-4 bytes, marker bits kept) | data size (vint, 1-8 bytes) | data
 *     vint      = length marker: the first set bit of the first byte says how many bytes follow;
 *                 the value is the remaining bits, big-endian. All value bits set means "unknown size".
 *     uint/int  = big-endian, 0-8 bytes;  float = IEEE 754 big-endian, 4 or 8 bytes;  string = UTF-8
 */

/** Element IDs, marker bits included (as they appear in the file). */
export const EbmlId = {
  EBML: 0x1a45dfa3,
  EBMLVersion: 0x4286,
  EBMLReadVersion: 0x42f7,
  EBMLMaxIDLength: 0x42f2,
  EBMLMaxSizeLength: 0x42f3,
  DocType: 0x4282,
  DocTypeVersion: 0x4287,
  DocTypeReadVersion: 0x4285,
  Void: 0xec,
  Segment: 0x18538067,
  SeekHead: 0x114d9b74,
  Seek: 0x4dbb,
  SeekID: 0x53ab,
  SeekPosition: 0x53ac,
  Info: 0x1549a966,
  TimestampScale: 0x2ad7b1,
  Duration: 0x4489,
  DateUTC: 0x4461,
  MuxingApp: 0x4d80,
  WritingApp: 0x5741,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackUID: 0x73c5,
  TrackType: 0x83,
  FlagLacing: 0x9c,
  Language: 0x22b59c,
  CodecID: 0x86,
  CodecPrivate: 0x63a2,
  CodecDelay: 0x56aa,
  SeekPreRoll: 0x56bb,
  Video: 0xe0,
  PixelWidth: 0xb0,
  PixelHeight: 0xba,
  Projection: 0x7670,
  ProjectionType: 0x7671,
  ProjectionPoseRoll: 0x7675,
  Audio: 0xe1,
  SamplingFrequency: 0xb5,
  Channels: 0x9f,
  Tags: 0x1254c367,
  Tag: 0x7373,
  Targets: 0x63c0,
  TargetTypeValue: 0x68ca,
  TargetType: 0x63ca,
  SimpleTag: 0x67c8,
  TagName: 0x45a3,
  TagString: 0x4487,
  Cluster: 0x1f43b675,
  Timestamp: 0xe7,
  SimpleBlock: 0xa3,
  Cues: 0x1c53bb6b,
  CuePoint: 0xbb,
  CueTime: 0xb3,
  CueTrackPositions: 0xb7,
  CueTrack: 0xf7,
  CueClusterPosition: 0xf1,
} as const;

/** The largest value an 8-byte vint holds (2^56 - 2; all ones means unknown), capped at what a double holds exactly. */
const MAX_VINT_VALUE = Number.MAX_SAFE_INTEGER;

/** Bytes of an ID, from its first byte's marker (IDs are written with their marker bits). */
export const measureIdBytes = (id: number): number => (id >= 0x1000_0000 ? 4 : id >= 0x20_0000 ? 3 : id >= 0x4000 ? 2 : 1);

/** Shortest vint for `value`: n bytes hold 7n bits, minus the all-ones pattern reserved for "unknown". */
export const measureVintBytes = (value: number): number => {
  let bytes = 1;
  let limit = 0x7f; // 2^(7 bytes) - 1, the reserved pattern
  while (value >= limit) {
    bytes++;
    limit = limit * 128 + 127;
  }
  return bytes;
};

/** Shortest big-endian unsigned integer (at least 1 byte, so 0 is written as one zero byte). */
export const measureUintBytes = (value: number): number => {
  let bytes = 1;
  let limit = 0x100;
  while (value >= limit && bytes < 8) {
    bytes++;
    limit *= 0x100;
  }
  return bytes;
};

const textEncoder = new TextEncoder();

/** Matroska dates count from 2001-01-01T00:00:00Z: that instant in Unix ms. */
const MATROSKA_EPOCH_UNIX_MS = 978_307_200_000;

/**
 * A growable byte buffer that writes EBML. `length` is the write position; `reset()` keeps the storage, so
 * a buffer reused for every cluster settles at the size of the largest one.
 */
export class EbmlBuffer {
  bytes: Uint8Array;
  length = 0;
  private view: DataView;
  /** Offsets of the size fields of open master elements (see startMaster). */
  private readonly openMasters: number[] = [];

  constructor(initialBytes = 4096) {
    this.bytes = new Uint8Array(initialBytes);
    this.view = new DataView(this.bytes.buffer);
  }

  reset(length = 0): void {
    this.length = length;
    this.openMasters.length = 0;
  }

  /** The written bytes (a view: valid until the next write or reset). */
  written(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  ensureCapacity(extraBytes: number): void {
    const needed = this.length + extraBytes;
    if (needed <= this.bytes.length) {
      return;
    }
    let capacity = this.bytes.length * 2;
    while (capacity < needed) {
      capacity *= 2;
    }
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  writeByte(value: number): void {
    this.ensureCapacity(1);
    this.bytes[this.length++] = value;
  }

  writeBytes(data: Uint8Array): void {
    this.ensureCapacity(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  writeId(id: number): void {
    const size = measureIdBytes(id);
    this.writeUint(id, size);
  }

  /** A vint of `byteCount` bytes (default: the shortest). */
  writeVint(value: number, byteCount = measureVintBytes(value)): void {
    if (value < 0 || value > MAX_VINT_VALUE || value >= 2 ** (7 * byteCount) - 1) {
      throw new Error(`Internal error: vint ${value} does not fit ${byteCount} bytes`);
    }
    this.ensureCapacity(byteCount);
    writeUintAt(this.bytes, this.length, value, byteCount);
    this.bytes[this.length]! |= 0x80 >> (byteCount - 1);
    this.length += byteCount;
  }

  /** Big-endian unsigned integer in exactly `byteCount` bytes. */
  writeUint(value: number, byteCount: number): void {
    this.ensureCapacity(byteCount);
    writeUintAt(this.bytes, this.length, value, byteCount);
    this.length += byteCount;
  }

  writeUintElement(id: number, value: number, byteCount = measureUintBytes(value)): void {
    this.writeId(id);
    this.writeVint(byteCount);
    this.writeUint(value, byteCount);
  }

  writeFloat64Element(id: number, value: number): void {
    this.writeId(id);
    this.writeVint(8);
    this.ensureCapacity(8);
    this.view.setFloat64(this.length, value);
    this.length += 8;
  }

  /** A date element: signed nanoseconds since 2001-01-01T00:00:00Z, 8 bytes. */
  writeDateElement(id: number, date: Date): void {
    this.writeId(id);
    this.writeVint(8);
    this.ensureCapacity(8);
    this.view.setBigInt64(this.length, BigInt(date.getTime() - MATROSKA_EPOCH_UNIX_MS) * 1_000_000n);
    this.length += 8;
  }

  /** ASCII and UTF-8 string elements alike (ASCII is UTF-8). */
  writeStringElement(id: number, text: string): void {
    this.writeBinaryElement(id, textEncoder.encode(text));
  }

  writeBinaryElement(id: number, data: Uint8Array): void {
    this.writeId(id);
    this.writeVint(data.length);
    this.writeBytes(data);
  }

  /** Opens a master element; its size is filled in, as a shortest vint, by the matching `endMaster()`. */
  startMaster(id: number): void {
    this.writeId(id);
    this.ensureCapacity(8);
    this.openMasters.push(this.length);
    this.length += 8;
  }

  /** Closes the innermost open master: writes its size and moves its children up to close the gap. */
  endMaster(): void {
    const sizeOffset = this.openMasters.pop();
    if (sizeOffset === undefined) {
      throw new Error('Internal error: endMaster without startMaster');
    }
    const dataStart = sizeOffset + 8;
    const size = this.length - dataStart;
    const sizeBytes = measureVintBytes(size);
    const end = this.length;
    this.length = sizeOffset;
    this.writeVint(size, sizeBytes);
    this.bytes.copyWithin(this.length, dataStart, end);
    this.length += size;
  }

  /** A Void element filling exactly `totalBytes` (0, or at least 2: ID and size). */
  writeVoid(totalBytes: number): void {
    if (totalBytes === 0) {
      return;
    }
    for (let sizeBytes = 1; sizeBytes <= 8; sizeBytes++) {
      const dataBytes = totalBytes - 1 - sizeBytes;
      if (dataBytes >= 0 && dataBytes < 2 ** (7 * sizeBytes) - 1) {
        this.writeId(EbmlId.Void);
        this.writeVint(dataBytes, sizeBytes);
        this.ensureCapacity(dataBytes);
        this.bytes.fill(0, this.length, this.length + dataBytes);
        this.length += dataBytes;
        return;
      }
    }
    throw new Error(`Internal error: no Void element is ${totalBytes} bytes long`);
  }
}

/** Writes `value` big-endian into `byteCount` bytes (up to 8; values up to 2^53). */
export const writeUintAt = (bytes: Uint8Array, offset: number, value: number, byteCount: number): void => {
  let rest = value;
  for (let index = byteCount - 1; index >= 0; index--) {
    bytes[offset + index] = rest % 256;
    rest = Math.floor(rest / 256);
  }
};

/** The 8-byte vint for a size patched in later, or "unknown size" (all value bits set). */
export const encodeVint8 = (value: number | 'unknown'): Uint8Array => {
  const bytes = new Uint8Array(8);
  if (value === 'unknown') {
    bytes.fill(0xff);
  } else {
    writeUintAt(bytes, 0, value, 8);
  }
  bytes[0] = 0x01;
  return bytes;
};
