/**
 * One Matroska Cluster at a time, built in a reused buffer (RFC 9559 §10, SimpleBlock §10.2):
 *
 *     Cluster ID (4) | size (vint) | Timestamp (uint, ms) | SimpleBlock…
 *     SimpleBlock    = track number (vint) | int16 time relative to the Cluster | flags (0x80 = keyframe) | frame
 *
 * The body is written first, behind 12 bytes of room; `close()` puts the ID and the shortest size in front of
 * it and returns the whole Cluster as one view. Nothing is allocated per block once the buffer has grown to
 * the largest Cluster. Pure: no I/O.
 */
import { EbmlBuffer, EbmlId, measureVintBytes, writeUintAt } from './ebml.js';

/** Room before a Cluster's body for its ID (4 bytes) and size (up to 8 bytes). */
const HEADER_ROOM = 12;
const INT16_MIN = -32_768;
const INT16_MAX = 32_767;

export class ClusterBuilder {
  isOpen = false;
  startMs = 0;
  /** The latest block time in the Cluster. */
  maxMs = 0;
  private readonly buffer: EbmlBuffer;

  constructor(initialBytes = 256 * 1024) {
    this.buffer = new EbmlBuffer(initialBytes);
  }

  open(timestampMs: number): void {
    this.isOpen = true;
    this.startMs = timestampMs;
    this.maxMs = timestampMs;
    this.buffer.reset(HEADER_ROOM);
    this.buffer.writeUintElement(EbmlId.Timestamp, timestampMs);
  }

  /** Appends a SimpleBlock (no lacing); its time must lie within the int16 range of the Cluster's. */
  appendSimpleBlock(trackNumber: number, timestampMs: number, keyframe: boolean, data: Uint8Array): void {
    const relativeMs = timestampMs - this.startMs;
    if (relativeMs < INT16_MIN || relativeMs > INT16_MAX) {
      throw new Error(`Internal error: a block ${relativeMs} ms from its Cluster's start arrived too far out of order`);
    }
    const size = 4 + data.length;
    const sizeBytes = measureVintBytes(size);
    const buffer = this.buffer;
    buffer.ensureCapacity(1 + sizeBytes + size);
    const bytes = buffer.bytes;
    let offset = buffer.length;
    bytes[offset++] = EbmlId.SimpleBlock;
    writeUintAt(bytes, offset, size, sizeBytes);
    bytes[offset] = bytes[offset]! | (0x80 >> (sizeBytes - 1));
    offset += sizeBytes;
    bytes[offset++] = 0x80 | trackNumber; // track numbers below 127 fit a 1-byte vint
    bytes[offset++] = (relativeMs >> 8) & 0xff;
    bytes[offset++] = relativeMs & 0xff;
    bytes[offset++] = keyframe ? 0x80 : 0;
    bytes.set(data, offset);
    buffer.length = offset + data.length;
    if (timestampMs > this.maxMs) {
      this.maxMs = timestampMs;
    }
  }

  /** The finished Cluster, ID and size in front: a view into the buffer, valid until the next `open()`. */
  close(): Uint8Array {
    this.isOpen = false;
    const buffer = this.buffer;
    const size = buffer.length - HEADER_ROOM;
    const sizeBytes = measureVintBytes(size);
    const start = HEADER_ROOM - 4 - sizeBytes;
    writeUintAt(buffer.bytes, start, EbmlId.Cluster, 4);
    writeUintAt(buffer.bytes, start + 4, size, sizeBytes);
    buffer.bytes[start + 4] = buffer.bytes[start + 4]! | (0x80 >> (sizeBytes - 1));
    return buffer.bytes.subarray(start, buffer.length);
  }
}
