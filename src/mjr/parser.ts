/**
 * An incremental `.mjr` parser: push byte chunks in, get records out. Pure and synchronous; memory holds at
 * most one frame plus one chunk, whatever the file size. Record bytes are views into the pushed chunks, which
 * the parser never writes to (callers must not write to pushed chunks either).
 *
 * Layout (mjr-format.md §1, all integers big-endian):
 *   MJR00002: "MJR00002" u16 len, JSON | frames: "MEET" u32 arrivalMs u16 len, body
 *   MJR00001: "MJR00001" u16 len, JSON | frames: "MEETECHO" u16 len, body
 *   legacy:   "MEETECHO" u16 5, "audio"|"video" | frames as MJR00001
 * Data bodies start with an i64 wall-clock time in µs, counted in len.
 *
 * Unlike janus-pp-rec, which stops at the first bad prefix, this parser resynchronises: it scans for the next
 * prefix whose frame is plausible (RTP version 2, a known SSRC or a valid prefix right after it) and reports
 * the bytes it skipped.
 */
import { asciiEquals, concatBytes, readI64Be, readU16Be, readU32Be } from '../shared/bytes.js';
import { RepriseError } from '../shared/errors.js';
import { legacyHeader, parseMjrHeaderJson, type MjrHeader } from './header.js';
import type { MjrRecord, MjrVersion } from './records.js';

const MAX_RESYNC_RTP_LENGTH = 1600;
const MIN_RTP_LENGTH = 12;
const DATA_TIME_BYTES = 8;
/** A resynchronised data frame's time must lie this close to the header's first-packet time. */
const MAX_DATA_TIME_DISTANCE_US = 30 * 24 * 3600 * 1e6;

type Layout = { magic: string; prefixLength: number; hasArrivalTime: boolean };

const FRAME_LAYOUT: Record<MjrVersion, Layout> = {
  MJR00002: { magic: 'MEET', prefixLength: 10, hasArrivalTime: true },
  MJR00001: { magic: 'MEETECHO', prefixLength: 10, hasArrivalTime: false },
  MEETECHO: { magic: 'MEETECHO', prefixLength: 10, hasArrivalTime: false },
};

type Pending = Extract<MjrRecord, { type: 'packet' | 'data' }>;
type Verdict = 'valid' | 'invalid' | 'need-more';

export class MjrParser {
  private buffer: Uint8Array = new Uint8Array(0);
  /** Position in `buffer` of the next unread byte. */
  private cursor = 0;
  /** File offset of buffer[0]. */
  private bufferOffset = 0;
  private ended = false;
  private version: MjrVersion | null = null;
  private header: MjrHeader | null = null;
  private layout: Layout | null = null;
  /** The last frame read, held back until we know whether a valid prefix follows it. */
  private pending: Pending | null = null;
  private garbageStart: number | null = null;
  private lastSsrc: number | null = null;

  get fileVersion(): MjrVersion | null {
    return this.version;
  }

  push(chunk: Uint8Array): MjrRecord[] {
    if (this.ended) {
      throw new Error('Internal error: MjrParser.push after end');
    }
    if (this.cursor >= this.buffer.length) {
      this.bufferOffset += this.buffer.length;
      this.buffer = chunk;
    } else {
      this.bufferOffset += this.cursor;
      this.buffer = concatBytes([this.buffer.subarray(this.cursor), chunk]);
    }
    this.cursor = 0;
    return this.drain();
  }

  /** Signals the end of the file and returns the last records. Throws the file-level errors of a file with no header. */
  end(): MjrRecord[] {
    this.ended = true;
    return this.drain();
  }

  private get available(): number {
    return this.buffer.length - this.cursor;
  }

  private get position(): number {
    return this.bufferOffset + this.cursor;
  }

  private drain(): MjrRecord[] {
    const out: MjrRecord[] = [];
    if (this.header === null && !this.readHeader(out)) {
      return out;
    }
    while (this.readFrame(out)) {
      // each call consumes one frame or one garbage run
    }
    return out;
  }

  private readHeader(out: MjrRecord[]): boolean {
    if (this.available < 8) {
      if (this.ended) {
        throw this.available === 0 || this.startsLikeMagic()
          ? new RepriseError('MJR_EMPTY', 'file holds no recording: it is empty or ends inside the magic bytes')
          : new RepriseError('MJR_BAD_MAGIC', 'not a Janus recording: the file does not start with MJR00002, MJR00001 or MEETECHO');
      }
      return false;
    }
    const version = this.detectVersion();
    if (version === null) {
      throw new RepriseError('MJR_BAD_MAGIC', 'not a Janus recording: the file does not start with MJR00002, MJR00001 or MEETECHO', {
        details: { magic: Array.from(this.buffer.subarray(this.cursor, this.cursor + 8), (b) => b.toString(16).padStart(2, '0')).join(' ') },
      });
    }
    if (this.available < 10) {
      if (this.ended) {
        throw this.available === 8
          ? new RepriseError('MJR_EMPTY', 'recording holds no media: the recorder never received a packet (magic bytes only)')
          : new RepriseError('MJR_TRUNCATED_HEADER', 'file ends inside the info header length');
      }
      return false;
    }
    const length = readU16Be(this.buffer, this.cursor + 8);
    if (length === 0) {
      throw new RepriseError('MJR_HEADER_INVALID', 'info header has length 0');
    }
    if (this.available < 10 + length) {
      if (this.ended) {
        throw new RepriseError('MJR_TRUNCATED_HEADER', `file ends inside the ${length}-byte info header`, {
          details: { headerLength: length, available: this.available - 10 },
        });
      }
      return false;
    }
    const text = new TextDecoder('utf-8', { fatal: false }).decode(this.buffer.subarray(this.cursor + 10, this.cursor + 10 + length));
    const header = version === 'MEETECHO' ? legacyHeader(text) : parseMjrHeaderJson(text);
    out.push({ type: 'header', version, header, byteOffset: this.position, byteLength: 10 + length });
    this.version = version;
    this.header = header;
    this.layout = FRAME_LAYOUT[version];
    this.cursor += 10 + length;
    return true;
  }

  /** The few bytes left are the beginning of a magic: a file cut before its header was written. */
  private startsLikeMagic(): boolean {
    const head = String.fromCharCode(...this.buffer.subarray(this.cursor));
    return ['MJR00002', 'MJR00001', 'MEETECHO'].some((magic) => magic.startsWith(head));
  }

  private detectVersion(): MjrVersion | null {
    for (const version of ['MJR00002', 'MJR00001', 'MEETECHO'] as const) {
      if (asciiEquals(this.buffer, this.cursor, version)) {
        return version;
      }
    }
    return null;
  }

  /** Reads one frame or skips one garbage run. Returns false when it must wait for more bytes, or at the end. */
  private readFrame(out: MjrRecord[]): boolean {
    const layout = this.layout!;
    if (this.available === 0) {
      if (this.ended) {
        this.flushPending(out, false);
      }
      return false;
    }
    if (this.garbageStart !== null) {
      // Inside a garbage run: every candidate is validated, including one at the cursor.
      return this.resynchronise(out, this.cursor);
    }
    if (this.available < layout.prefixLength && !this.ended) {
      return false;
    }
    if (this.available >= layout.prefixLength && asciiEquals(this.buffer, this.cursor, layout.magic)) {
      const bodyLength = readU16Be(this.buffer, this.cursor + layout.prefixLength - 2);
      if (this.available < layout.prefixLength + bodyLength) {
        if (!this.ended) {
          return false;
        }
        this.flushPending(out, false);
        this.skip(out, this.available, 'truncated');
        return false;
      }
      this.flushPending(out, false);
      this.takeFrame(bodyLength);
      return true;
    }
    if (this.available < layout.prefixLength && this.startsWithPartialMagic()) {
      // The file ends inside a frame prefix: a cut, not garbage.
      this.flushPending(out, false);
      this.skip(out, this.available, 'truncated');
      return false;
    }
    return this.resynchronise(out, this.cursor + 1);
  }

  private startsWithPartialMagic(): boolean {
    const magic = this.layout!.magic;
    for (let i = 0; i < Math.min(this.available, magic.length); i++) {
      if (this.buffer[this.cursor + i] !== magic.charCodeAt(i)) {
        return false;
      }
    }
    return true;
  }

  private takeFrame(bodyLength: number): void {
    const layout = this.layout!;
    const start = this.cursor;
    const bodyStart = start + layout.prefixLength;
    const arrivalOffsetMs = layout.hasArrivalTime ? readU32Be(this.buffer, start + 4) : null;
    const byteOffset = this.position;
    const byteLength = layout.prefixLength + bodyLength;
    if (this.header!.kind === 'data') {
      if (bodyLength < DATA_TIME_BYTES) {
        // Too short to hold the message time: not a message. Counted as garbage from its prefix on.
        this.garbageStart = byteOffset;
        this.cursor += byteLength;
        return;
      }
      const timeUs = readI64Be(this.buffer, bodyStart);
      const bytes = this.buffer.subarray(bodyStart + DATA_TIME_BYTES, bodyStart + bodyLength);
      this.pending = { type: 'data', byteOffset, byteLength, arrivalOffsetMs, timeUs, bytes, suspect: false };
    } else {
      const bytes = this.buffer.subarray(bodyStart, bodyStart + bodyLength);
      if (bytes.length >= MIN_RTP_LENGTH && bytes[0]! >>> 6 === 2) {
        this.lastSsrc = readU32Be(bytes, 8);
      }
      this.pending = { type: 'packet', byteOffset, byteLength, arrivalOffsetMs, bytes, suspect: false };
    }
    this.cursor += byteLength;
  }

  /** Emits the held frame, then any garbage run that ended where the cursor is. */
  private flushPending(out: MjrRecord[], suspect: boolean): void {
    if (this.pending !== null) {
      out.push({ ...this.pending, suspect });
      this.pending = null;
    }
    this.emitGarbage(out);
  }

  private emitGarbage(out: MjrRecord[]): void {
    if (this.garbageStart !== null) {
      out.push({ type: 'skipped', byteOffset: this.garbageStart, byteLength: this.position - this.garbageStart, reason: 'garbage' });
      this.garbageStart = null;
    }
  }

  private skip(out: MjrRecord[], byteLength: number, reason: 'truncated'): void {
    this.emitGarbage(out);
    out.push({ type: 'skipped', byteOffset: this.position, byteLength, reason });
    this.cursor += byteLength;
  }

  /**
   * The bytes at the cursor are not a frame prefix. The frame before them is suspect; scan for the next
   * plausible frame. Garbage bytes are dropped from the buffer as they are passed, so memory stays bounded.
   */
  private resynchronise(out: MjrRecord[], scanFrom: number): boolean {
    if (this.pending !== null) {
      out.push({ ...this.pending, suspect: true });
      this.pending = null;
    }
    if (this.garbageStart === null) {
      this.garbageStart = this.position;
    }
    const firstByte = this.layout!.magic.charCodeAt(0);
    let candidate = scanFrom;
    for (;;) {
      candidate = this.buffer.indexOf(firstByte, candidate);
      if (candidate === -1) {
        // Keep the last few bytes: they may be the start of a prefix split across chunks.
        const keep = this.ended ? 0 : Math.min(this.available, this.layout!.prefixLength - 1);
        this.cursor = this.buffer.length - keep;
        if (this.ended) {
          this.emitGarbage(out);
        }
        return false;
      }
      const verdict = this.judgeCandidate(candidate);
      if (verdict === 'valid') {
        this.cursor = candidate;
        this.emitGarbage(out);
        return true;
      }
      if (verdict === 'need-more') {
        this.cursor = candidate;
        return false;
      }
      candidate++;
    }
  }

  private judgeCandidate(at: number): Verdict {
    const layout = this.layout!;
    const available = this.buffer.length - at;
    if (available < layout.prefixLength) {
      return this.ended ? 'invalid' : 'need-more';
    }
    if (!asciiEquals(this.buffer, at, layout.magic)) {
      return 'invalid';
    }
    const bodyLength = readU16Be(this.buffer, at + layout.prefixLength - 2);
    const bodyStart = at + layout.prefixLength;
    const isData = this.header!.kind === 'data';
    if (isData ? bodyLength < DATA_TIME_BYTES : bodyLength < MIN_RTP_LENGTH || bodyLength > MAX_RESYNC_RTP_LENGTH) {
      return 'invalid';
    }
    const frameEnd = bodyStart + bodyLength;
    if (this.buffer.length < frameEnd) {
      // A cut last frame after garbage still counts as the resync point: the truncation is reported as such.
      return this.ended ? 'valid' : 'need-more';
    }
    if (isData) {
      const timeUs = readI64Be(this.buffer, bodyStart);
      if (Math.abs(timeUs - this.header!.firstPacketUs) > MAX_DATA_TIME_DISTANCE_US) {
        return 'invalid';
      }
    } else {
      if (this.buffer[bodyStart]! >>> 6 !== 2) {
        return 'invalid';
      }
      if (this.lastSsrc !== null && readU32Be(this.buffer, bodyStart + 8) === this.lastSsrc) {
        return 'valid';
      }
    }
    // No known SSRC to vouch for it: the next prefix must be valid too, or the file must end right here.
    if (this.buffer.length - frameEnd < layout.magic.length) {
      if (!this.ended) {
        return 'need-more';
      }
      return this.buffer.length === frameEnd ? 'valid' : 'invalid';
    }
    return asciiEquals(this.buffer, frameEnd, layout.magic) ? 'valid' : 'invalid';
  }
}
