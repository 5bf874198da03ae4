/** What the `.mjr` reader yields: the header once, then one record per frame or skipped byte run. */
import type { MjrHeader } from './header.js';

/** The three generations of the format (mjr-format.md §1.1). */
export type MjrVersion = 'MEETECHO' | 'MJR00001' | 'MJR00002';

export type MjrHeaderRecord = {
  type: 'header';
  version: MjrVersion;
  header: MjrHeader;
  byteOffset: number;
  byteLength: number;
};

type FrameFields = {
  /** Offset of the frame's prefix in the file. */
  byteOffset: number;
  /** Prefix plus body. */
  byteLength: number;
  /** Milliseconds since the first packet was written (MJR00002 only). Add the header's firstPacketUs for wall clock. */
  arrivalOffsetMs: number | null;
  /**
   * The frame was followed by bytes that are not a frame prefix: either garbage was written after it, or its
   * length field or body is damaged. Its bytes may not be what Janus received.
   */
  suspect: boolean;
};

/** An RTP packet exactly as recorded (header, CSRCs, extensions, payload, padding). Not yet validated as RTP. */
export type MjrPacketRecord = FrameFields & { type: 'packet'; bytes: Uint8Array };

/** A data-channel message, with the wall-clock time Janus stamped on it. */
export type MjrDataRecord = FrameFields & { type: 'data'; timeUs: number; bytes: Uint8Array };

export type MjrSkipReason = 'garbage' | 'truncated';

/** Bytes that belong to no readable frame: garbage before a resynchronisation, or a frame cut by the end of the file. */
export type MjrSkippedRecord = { type: 'skipped'; byteOffset: number; byteLength: number; reason: MjrSkipReason };

export type MjrRecord = MjrHeaderRecord | MjrPacketRecord | MjrDataRecord | MjrSkippedRecord;
