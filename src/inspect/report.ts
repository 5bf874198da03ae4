/** The report `reprise inspect` prints: one per file; stable JSON (field names are an interface). */
import type { MjrKind, MjrVersion } from '../mjr/index.js';
import type { ReorderStats } from '../rtp/reorder.js';
import type { TimestampJump } from '../rtp/track-clock.js';

export type SsrcChange = { fromSsrc: number; toSsrc: number; atMs: number };
export type Resolution = { width: number; height: number; atMs: number };
export type Rotation = { rotationDeg: number; atMs: number };
export type AudioGap = { atMs: number; durationMs: number };
export type SkippedRun = { byteOffset: number; byteLength: number; reason: 'garbage' | 'truncated' };

export type TrackReport = {
  version: MjrVersion;
  kind: MjrKind;
  codec: string;
  fmtp: string | null;
  description: string | null;
  extmap: Record<number, string>;
  e2ee: boolean;
  redPayloadType: number | null;
  clockRate: number | null;
  /** Recorder creation, µs since the Unix epoch (header `s`). */
  createdUs: number;
  /** First packet written, µs since the Unix epoch (header `u`). */
  firstPacketUs: number;
  /** Wall-clock µs of the earliest and latest packet arrival (MJR00002), else null. */
  firstArrivalUs: number | null;
  lastArrivalUs: number | null;
  /** Every packet record in the file, duplicates and damaged ones included. */
  packets: number;
  /** Packets written to the ordered stream. */
  orderedPackets: number;
  missing: number;
  missingRanges: Array<[number, number]>;
  outOfOrder: number;
  duplicates: number;
  late: number;
  stray: number;
  paddingOnly: number;
  tooShort: number;
  malformed: number;
  /** Packets followed by garbage: their bytes may be damaged. */
  suspect: number;
  payloadTypes: Record<number, number>;
  ssrcs: number[];
  ssrcChanges: SsrcChange[];
  sequenceResets: number;
  timestampJumps: TimestampJump[];
  /** Media time from RTP timestamps (sum over continuous stretches). */
  durationMs: number;
  /** Last arrival minus first arrival (MJR00002), else null. */
  wallDurationMs: number | null;
  skippedBytes: number;
  skipped: SkippedRun[];
  // video
  frames?: number;
  keyframes?: number;
  firstKeyframeMs?: number | null;
  incompleteFrames?: number;
  resolutions?: Resolution[];
  rotations?: Rotation[];
  // audio
  dtxGaps?: AudioGap[];
  dtxGapCount?: number;
  dtxMs?: number;
  lossGapCount?: number;
  lossMs?: number;
  audioLevelPackets?: number;
  voiceActivityPackets?: number;
  // data
  messages?: number;
  messageBytes?: number;
  firstMessageUs?: number | null;
  lastMessageUs?: number | null;
};

export type ReorderCounts = Pick<ReorderStats, 'duplicates' | 'late' | 'stray' | 'missing' | 'outOfOrder'>;
