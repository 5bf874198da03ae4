/**
 * The front of a Matroska/WebM file, and the pieces patched into it at the end (RFC 9559, WebM byte stream):
 *
 *     EBML header (DocType, DocTypeVersion 4, DocTypeReadVersion 2)
 *     Segment, size "unknown" in 8 bytes until finish() patches it
 *       SeekHead  reserved at its final size (Info, Tracks, Tags, Cues), Void padding until Cues exist
 *       Info      TimestampScale 1 ms, MuxingApp/WritingApp, DateUTC, then 11 bytes of Void that become Duration
 *       Tracks    video (1), audio (2, or 1 alone)
 *       Tags      COMMENT, DATE_RECORDED, TITLE at TargetTypeValue 50
 *       Clusters… Cues (written by the streaming writer)
 *
 * Pure: bytes and offsets out, no I/O.
 */
import { EbmlBuffer, EbmlId, encodeVint8 } from './ebml.js';

export const TIMESTAMP_SCALE_NS = 1_000_000;
export const WRITING_APP = 'Reprise';
/** Opus needs 80 ms of decoded audio after a seek before its output converges (WebM Opus rules). */
export const OPUS_SEEK_PRE_ROLL_NS = 80_000_000;

export type MatroskaDocType = 'webm' | 'matroska';

export type VideoTrackEntry = {
  trackNumber: number;
  codecId: string;
  codecPrivate: Uint8Array | null;
  widthPx: number;
  heightPx: number;
  /** Clockwise rotation to apply on display; written as a rectangular Projection's roll. */
  rotationDeg: 0 | 90 | 180 | 270;
};

export type AudioTrackEntry = {
  trackNumber: number;
  codecId: string;
  codecPrivate: Uint8Array;
  channelCount: number;
  sampleRateHz: number;
  codecDelayNs: number;
  seekPreRollNs: number;
};

export type MatroskaHeadSpec = {
  docType: MatroskaDocType;
  video: VideoTrackEntry | null;
  audio: AudioTrackEntry | null;
  startDate?: Date;
  /** SimpleTag name → value, in order; the Tags element is left out when empty. */
  tags: ReadonlyArray<readonly [string, string]>;
};

export type MatroskaHead = {
  bytes: Uint8Array;
  /** Absolute offsets in the file. */
  segmentSizeOffset: number;
  segmentDataOffset: number;
  seekHeadOffset: number;
  durationOffset: number;
  /** Top-level elements written here, with positions relative to the Segment data (SeekPosition). */
  seekEntries: SeekEntry[];
};

export type SeekEntry = { id: number; position: number };

/** Seek entries the SeekHead has room for: Info, Tracks, Tags, Cues. */
const SEEK_ENTRY_CAPACITY = 4;
/** Duration element: 2-byte ID, 1-byte size, 8-byte float. */
export const DURATION_ELEMENT_BYTES = 11;

const writeSeekHeadInto = (buffer: EbmlBuffer, entries: readonly SeekEntry[]): void => {
  buffer.startMaster(EbmlId.SeekHead);
  for (const entry of entries) {
    buffer.startMaster(EbmlId.Seek);
    buffer.writeId(EbmlId.SeekID);
    buffer.writeVint(4);
    buffer.writeUint(entry.id, 4);
    // Fixed width, so the SeekHead keeps its size when the real positions are patched in.
    buffer.writeUintElement(EbmlId.SeekPosition, entry.position, 8);
    buffer.endMaster();
  }
  buffer.endMaster();
};

/** Bytes reserved for the SeekHead: the largest it can become. */
export const SEEK_HEAD_BYTES = (() => {
  const buffer = new EbmlBuffer(256);
  writeSeekHeadInto(buffer, Array.from({ length: SEEK_ENTRY_CAPACITY }, () => ({ id: EbmlId.Cues, position: 0 })));
  return buffer.length;
})();

/** A SeekHead padded with Void to exactly SEEK_HEAD_BYTES. */
export const renderSeekHead = (entries: readonly SeekEntry[]): Uint8Array => {
  if (entries.length > SEEK_ENTRY_CAPACITY) {
    throw new Error('Internal error: too many SeekHead entries');
  }
  const buffer = new EbmlBuffer(SEEK_HEAD_BYTES);
  writeSeekHeadInto(buffer, entries);
  buffer.writeVoid(SEEK_HEAD_BYTES - buffer.length);
  return buffer.written().slice();
};

/** The Duration element (float64, in TimestampScale units: ms) that replaces the reserved Void. */
export const renderDuration = (durationMs: number): Uint8Array => {
  const buffer = new EbmlBuffer(DURATION_ELEMENT_BYTES);
  buffer.writeFloat64Element(EbmlId.Duration, durationMs);
  return buffer.written().slice();
};

/** The Segment size field (8-byte vint) for a Segment whose data is `sizeBytes` long. */
export const renderSegmentSize = (sizeBytes: number): Uint8Array => encodeVint8(sizeBytes);

const writeEbmlHeader = (buffer: EbmlBuffer, docType: MatroskaDocType): void => {
  buffer.startMaster(EbmlId.EBML);
  buffer.writeUintElement(EbmlId.EBMLVersion, 1);
  buffer.writeUintElement(EbmlId.EBMLReadVersion, 1);
  buffer.writeUintElement(EbmlId.EBMLMaxIDLength, 4);
  buffer.writeUintElement(EbmlId.EBMLMaxSizeLength, 8);
  buffer.writeStringElement(EbmlId.DocType, docType);
  buffer.writeUintElement(EbmlId.DocTypeVersion, 4);
  buffer.writeUintElement(EbmlId.DocTypeReadVersion, 2);
  buffer.endMaster();
};

/** Matroska's roll turns counter-clockwise, within -180..180: a clockwise 90° display rotation is -90. */
export const projectionRollDeg = (rotationDeg: 0 | 90 | 180 | 270): number => {
  const counterClockwiseDeg = (360 - rotationDeg) % 360;
  return counterClockwiseDeg > 180 ? counterClockwiseDeg - 360 : counterClockwiseDeg;
};

const writeVideoTrack = (buffer: EbmlBuffer, track: VideoTrackEntry): void => {
  buffer.startMaster(EbmlId.TrackEntry);
  writeTrackCommon(buffer, track.trackNumber, 1, track.codecId, track.codecPrivate);
  buffer.startMaster(EbmlId.Video);
  buffer.writeUintElement(EbmlId.PixelWidth, track.widthPx);
  buffer.writeUintElement(EbmlId.PixelHeight, track.heightPx);
  if (track.rotationDeg !== 0) {
    buffer.startMaster(EbmlId.Projection);
    buffer.writeUintElement(EbmlId.ProjectionType, 0); // rectangular
    buffer.writeFloat64Element(EbmlId.ProjectionPoseRoll, projectionRollDeg(track.rotationDeg));
    buffer.endMaster();
  }
  buffer.endMaster();
  buffer.endMaster();
};

const writeAudioTrack = (buffer: EbmlBuffer, track: AudioTrackEntry): void => {
  buffer.startMaster(EbmlId.TrackEntry);
  writeTrackCommon(buffer, track.trackNumber, 2, track.codecId, track.codecPrivate);
  buffer.writeUintElement(EbmlId.CodecDelay, track.codecDelayNs);
  buffer.writeUintElement(EbmlId.SeekPreRoll, track.seekPreRollNs);
  buffer.startMaster(EbmlId.Audio);
  buffer.writeFloat64Element(EbmlId.SamplingFrequency, track.sampleRateHz);
  buffer.writeUintElement(EbmlId.Channels, track.channelCount);
  buffer.endMaster();
  buffer.endMaster();
};

const writeTrackCommon = (buffer: EbmlBuffer, trackNumber: number, trackType: 1 | 2, codecId: string, codecPrivate: Uint8Array | null): void => {
  buffer.writeUintElement(EbmlId.TrackNumber, trackNumber);
  buffer.writeUintElement(EbmlId.TrackUID, trackNumber);
  buffer.writeUintElement(EbmlId.TrackType, trackType);
  buffer.writeUintElement(EbmlId.FlagLacing, 0);
  buffer.writeStringElement(EbmlId.Language, 'und');
  buffer.writeStringElement(EbmlId.CodecID, codecId);
  if (codecPrivate !== null) {
    buffer.writeBinaryElement(EbmlId.CodecPrivate, codecPrivate);
  }
};

/** Renders everything before the first Cluster, and where the parts patched at the end are. */
export const renderMatroskaHead = (spec: MatroskaHeadSpec): MatroskaHead => {
  const buffer = new EbmlBuffer(4096);
  writeEbmlHeader(buffer, spec.docType);
  buffer.writeId(EbmlId.Segment);
  const segmentSizeOffset = buffer.length;
  buffer.writeBytes(encodeVint8('unknown'));
  const segmentDataOffset = buffer.length;
  const seekHeadOffset = buffer.length;
  buffer.writeVoid(SEEK_HEAD_BYTES);
  const seekEntries: SeekEntry[] = [];

  seekEntries.push({ id: EbmlId.Info, position: buffer.length - segmentDataOffset });
  buffer.startMaster(EbmlId.Info);
  buffer.writeUintElement(EbmlId.TimestampScale, TIMESTAMP_SCALE_NS);
  buffer.writeStringElement(EbmlId.MuxingApp, WRITING_APP);
  buffer.writeStringElement(EbmlId.WritingApp, WRITING_APP);
  if (spec.startDate !== undefined) {
    buffer.writeDateElement(EbmlId.DateUTC, spec.startDate);
  }
  buffer.writeVoid(DURATION_ELEMENT_BYTES); // last child of Info: its offset is Info's end minus its size
  buffer.endMaster();
  const durationOffset = buffer.length - DURATION_ELEMENT_BYTES;

  seekEntries.push({ id: EbmlId.Tracks, position: buffer.length - segmentDataOffset });
  buffer.startMaster(EbmlId.Tracks);
  if (spec.video !== null) {
    writeVideoTrack(buffer, spec.video);
  }
  if (spec.audio !== null) {
    writeAudioTrack(buffer, spec.audio);
  }
  buffer.endMaster();

  if (spec.tags.length > 0) {
    seekEntries.push({ id: EbmlId.Tags, position: buffer.length - segmentDataOffset });
    buffer.startMaster(EbmlId.Tags);
    buffer.startMaster(EbmlId.Tag);
    buffer.startMaster(EbmlId.Targets);
    // 50 (a whole movie) with no TargetType: ffmpeg then shows the tags unprefixed (COMMENT, not MOVIE/COMMENT).
    buffer.writeUintElement(EbmlId.TargetTypeValue, 50);
    buffer.endMaster();
    for (const [name, value] of spec.tags) {
      buffer.startMaster(EbmlId.SimpleTag);
      buffer.writeStringElement(EbmlId.TagName, name);
      buffer.writeStringElement(EbmlId.TagString, value);
      buffer.endMaster();
    }
    buffer.endMaster();
    buffer.endMaster();
  }

  const bytes = buffer.written().slice();
  bytes.set(renderSeekHead(seekEntries), seekHeadOffset);
  return { bytes, segmentSizeOffset, segmentDataOffset, seekHeadOffset, durationOffset, seekEntries };
};

/** One CuePoint: a time, the track, and its Cluster's position relative to the Segment data. */
export const writeCuePoint = (buffer: EbmlBuffer, timeMs: number, trackNumber: number, clusterPosition: number): void => {
  buffer.startMaster(EbmlId.CuePoint);
  buffer.writeUintElement(EbmlId.CueTime, timeMs);
  buffer.startMaster(EbmlId.CueTrackPositions);
  buffer.writeUintElement(EbmlId.CueTrack, trackNumber);
  buffer.writeUintElement(EbmlId.CueClusterPosition, clusterPosition);
  buffer.endMaster();
  buffer.endMaster();
};
