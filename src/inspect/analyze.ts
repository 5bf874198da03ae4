/**
 * Reads a recording's records once, in file order, and reports what it holds: the RTP stream put back in
 * order, its damage, its timing and (per kind) its frames, gaps or messages. Pure: records in, report out.
 */
import { clockRateOf, findExtensionId, type MjrHeaderRecord, type MjrRecord } from '../mjr/index.js';
import { AUDIO_LEVEL_URI, readAudioLevel, readVideoOrientation, VIDEO_ORIENTATION_URI } from '../rtp/extensions.js';
import type { RtpPacket } from '../rtp/packet.js';
import { parseRedPayload } from '../rtp/red.js';
import type { ReorderOptions } from '../rtp/reorder.js';
import { PacketSequencer, type OrderedPacket } from '../rtp/sequencer.js';
import type { TimestampJump } from '../rtp/track-clock.js';
import type { VideoCodec } from '../rtp/video-probe.js';
import { RepriseError } from '../shared/errors.js';
import { AudioStats } from './audio-stats.js';
import type { SkippedRun, SsrcChange, TrackReport } from './report.js';
import { VideoStats } from './video-stats.js';

export type AnalyzeOptions = { reorder?: Partial<ReorderOptions> };

const LIST_CAP = 1000;
const VIDEO_CODECS: readonly string[] = ['vp8', 'vp9', 'h264', 'av1', 'h265'];

export class TrackAnalyzer {
  private headerRecord: MjrHeaderRecord | null = null;
  private readonly reorderOptions: Partial<ReorderOptions> | undefined;
  private sequencer: PacketSequencer | null = null;
  private video: VideoStats | null = null;
  private audio: AudioStats | null = null;
  private audioLevelId: number | null = null;
  private orientationId: number | null = null;
  private counts = { packets: 0, ordered: 0, suspect: 0, skippedBytes: 0, messages: 0, messageBytes: 0 };
  private readonly payloadTypes: Record<number, number> = {};
  private readonly ssrcs = new Set<number>();
  private readonly ssrcChanges: SsrcChange[] = [];
  private readonly timestampJumps: TimestampJump[] = [];
  private readonly skipped: SkippedRun[] = [];
  private arrival: { first: number; last: number } | null = null;
  private messageTimes: { first: number; last: number } | null = null;
  private durationMs = 0;
  private stretch: { firstTimestamp: number; lastTimestamp: number } | null = null;
  private lastSsrc: number | null = null;

  constructor(options: AnalyzeOptions = {}) {
    this.reorderOptions = options.reorder;
  }

  add(record: MjrRecord): void {
    switch (record.type) {
      case 'header':
        this.start(record);
        return;
      case 'skipped':
        this.counts.skippedBytes += record.byteLength;
        if (this.skipped.length < LIST_CAP) {
          this.skipped.push({ byteOffset: record.byteOffset, byteLength: record.byteLength, reason: record.reason });
        }
        return;
      case 'data':
        this.noteArrival(record.arrivalOffsetMs);
        this.counts.messages++;
        this.counts.messageBytes += record.bytes.length;
        this.messageTimes = {
          first: Math.min(this.messageTimes?.first ?? record.timeUs, record.timeUs),
          last: Math.max(this.messageTimes?.last ?? record.timeUs, record.timeUs),
        };
        return;
      case 'packet':
        this.addPacket(record.bytes, record.arrivalOffsetMs, record.suspect);
        return;
    }
  }

  finish(): TrackReport {
    const headerRecord = this.headerRecord;
    if (headerRecord === null) {
      throw new RepriseError('MJR_EMPTY', 'recording has no header');
    }
    for (const ordered of this.sequencer?.finish() ?? []) {
      this.place(ordered);
    }
    this.closeStretch();
    this.video?.finish();
    const { header, version } = headerRecord;
    const stats = this.sequencer?.reorderStats ?? { missing: 0, outOfOrder: 0, duplicates: 0, late: 0, stray: 0, sequenceResets: 0 };
    const drops = this.sequencer?.drops ?? { paddingOnly: 0, tooShort: 0, malformed: 0 };
    const report: TrackReport = {
      version,
      kind: header.kind,
      codec: header.codec,
      fmtp: header.fmtp,
      description: header.description,
      extmap: header.extmap,
      e2ee: header.e2ee,
      redPayloadType: header.redPayloadType,
      clockRate: clockRateOf(header),
      createdUs: header.createdUs,
      firstPacketUs: header.firstPacketUs,
      firstArrivalUs: this.arrival === null ? null : header.firstPacketUs + this.arrival.first * 1000,
      lastArrivalUs: this.arrival === null ? null : header.firstPacketUs + this.arrival.last * 1000,
      packets: this.counts.packets,
      orderedPackets: this.counts.ordered,
      missing: stats.missing,
      missingRanges: this.sequencer?.missingRanges ?? [],
      outOfOrder: stats.outOfOrder,
      duplicates: stats.duplicates,
      late: stats.late,
      stray: stats.stray,
      paddingOnly: drops.paddingOnly,
      tooShort: drops.tooShort,
      malformed: drops.malformed,
      suspect: this.counts.suspect,
      payloadTypes: this.payloadTypes,
      ssrcs: [...this.ssrcs],
      ssrcChanges: this.ssrcChanges,
      sequenceResets: stats.sequenceResets,
      timestampJumps: this.timestampJumps,
      durationMs: round(this.durationMs),
      wallDurationMs: this.arrival === null ? null : this.arrival.last - this.arrival.first,
      skippedBytes: this.counts.skippedBytes,
      skipped: this.skipped,
    };
    if (this.video !== null) {
      Object.assign(report, {
        frames: this.video.frames,
        keyframes: this.video.keyframes,
        firstKeyframeMs: this.video.firstKeyframeMs === null ? null : round(this.video.firstKeyframeMs),
        incompleteFrames: this.video.incompleteFrames,
        resolutions: this.video.resolutions,
        rotations: this.video.rotations,
      });
    }
    if (this.audio !== null) {
      const { dtxGaps, dtxGapCount, dtxMs, lossGapCount, lossMs, audioLevelPackets, voiceActivityPackets } = this.audio;
      Object.assign(report, { dtxGaps, dtxGapCount, dtxMs: round(dtxMs), lossGapCount, lossMs: round(lossMs), audioLevelPackets, voiceActivityPackets });
    }
    if (header.kind === 'data') {
      Object.assign(report, {
        messages: this.counts.messages,
        messageBytes: this.counts.messageBytes,
        firstMessageUs: this.messageTimes?.first ?? null,
        lastMessageUs: this.messageTimes?.last ?? null,
      });
    }
    return report;
  }

  private start(record: MjrHeaderRecord): void {
    const { header } = record;
    if (header.e2ee) {
      throw new RepriseError('MJR_E2EE', 'recording is end-to-end encrypted (insertable streams): its media cannot be read without the keys', {
        details: { codec: header.codec },
      });
    }
    this.headerRecord = record;
    const clockRate = clockRateOf(header);
    this.sequencer = clockRate === null ? null : new PacketSequencer({ clockRate, reorder: this.reorderOptions });
    if (header.kind === 'video') {
      this.video = new VideoStats(VIDEO_CODECS.includes(header.codec) ? (header.codec as VideoCodec) : null);
      this.orientationId = findExtensionId(header, VIDEO_ORIENTATION_URI);
    } else if (header.kind === 'audio') {
      this.audio = new AudioStats(header.codec);
      this.audioLevelId = findExtensionId(header, AUDIO_LEVEL_URI);
    }
  }

  private noteArrival(arrivalMs: number | null): void {
    if (arrivalMs !== null) {
      this.arrival = { first: Math.min(this.arrival?.first ?? arrivalMs, arrivalMs), last: Math.max(this.arrival?.last ?? arrivalMs, arrivalMs) };
    }
  }

  private addPacket(bytes: Uint8Array, arrivalMs: number | null, suspect: boolean): void {
    this.counts.packets++;
    if (suspect) {
      this.counts.suspect++;
    }
    this.noteArrival(arrivalMs);
    for (const ordered of this.sequencer?.add(bytes, arrivalMs, suspect) ?? []) {
      this.place(ordered);
    }
  }

  /** One packet in sequence order, placed on the timeline: into the kind's statistics. */
  private place(ordered: OrderedPacket): void {
    const { packet, discontinuity, jump } = ordered;
    this.counts.ordered++;
    this.payloadTypes[packet.payloadType] = (this.payloadTypes[packet.payloadType] ?? 0) + 1;
    if (this.ssrcs.size < LIST_CAP) {
      this.ssrcs.add(packet.ssrc);
    }
    if (this.lastSsrc !== null && packet.ssrc !== this.lastSsrc && this.ssrcChanges.length < LIST_CAP) {
      this.ssrcChanges.push({ fromSsrc: this.lastSsrc, toSsrc: packet.ssrc, atMs: round(ordered.timeMs) });
    }
    this.lastSsrc = packet.ssrc;
    if (jump !== null && this.timestampJumps.length < LIST_CAP) {
      this.timestampJumps.push({ ...jump, atMs: round(jump.atMs), rtpDeltaMs: round(jump.rtpDeltaMs) });
    }
    if (discontinuity !== null) {
      this.closeStretch();
    }
    this.stretch = { firstTimestamp: this.stretch?.firstTimestamp ?? ordered.extendedTimestamp, lastTimestamp: ordered.extendedTimestamp };
    const newStretch = discontinuity !== null || jump !== null;
    if (this.video !== null) {
      const rotation = readVideoOrientation(packet.extensions, this.orientationId);
      this.video.add(packet, ordered.timeMs, ordered.extendedTimestamp, ordered.missingBefore, newStretch, rotation?.rotationDeg ?? null);
    } else if (this.audio !== null) {
      const level = readAudioLevel(packet.extensions, this.audioLevelId);
      this.audio.add(this.primaryPayload(packet), ordered.timeMs, ordered.missingBefore, newStretch, level?.voiceActivity ?? null);
    }
  }

  private primaryPayload(packet: RtpPacket): Uint8Array {
    const red = this.headerRecord!.header.redPayloadType;
    if (red === null || packet.payloadType !== red) {
      return packet.payload;
    }
    try {
      return parseRedPayload(packet.payload).primary.data;
    } catch {
      return packet.payload;
    }
  }

  private closeStretch(): void {
    if (this.stretch !== null && this.sequencer !== null) {
      const clockRate = clockRateOf(this.headerRecord!.header)!;
      this.durationMs += ((this.stretch.lastTimestamp - this.stretch.firstTimestamp) * 1000) / clockRate;
    }
    this.stretch = null;
  }
}

/** Inspects a whole recording from its records (see readMjrRecords / parseMjrBytes). */
export const inspectRecords = async (records: AsyncIterable<MjrRecord> | Iterable<MjrRecord>, options: AnalyzeOptions = {}): Promise<TrackReport> => {
  const analyzer = new TrackAnalyzer(options);
  for await (const record of records) {
    analyzer.add(record);
  }
  return analyzer.finish();
};

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
