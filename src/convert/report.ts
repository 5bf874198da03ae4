/** What `reprise convert --json` prints: what was written, what was dropped and why, and the timing applied. */
import type { OutputFormat } from '../mux/formats.js';

export type TrackConversion = {
  file?: string;
  kind: 'video' | 'audio' | 'data';
  codec: string;
  /** Where the track's first frame sits in the output, ms from the file's zero. */
  offsetMs: number;
  /** Wall-clock µs of the track's first written frame. */
  startUs: number;
  durationMs: number;
  packets: number;
  missingPackets: number;
  duplicatePackets: number;
  reorderedPackets: number;
  timestampJumps: number;
  ssrcChanges: number;
  skippedBytes: number;
  framesWritten: number;
  framesDropped: Record<string, number>;
  keyframes?: number;
  firstKeyframeMs?: number | null;
  resolutions?: Array<{ width: number; height: number; atMs: number }>;
  gapsFilled?: { frames: number; ms: number };
  recoveredFromRed?: number;
  messages?: number;
};

export type ConversionReport = {
  output: string;
  format: OutputFormat;
  /** Wall-clock µs of the output's zero (also stored in its metadata). */
  startUs: number;
  durationMs: number;
  tracks: TrackConversion[];
  /** Frames whose timestamps were nudged forward to keep them strictly increasing. */
  retimedFrames: number;
};
