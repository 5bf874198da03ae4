/**
 * From a rendition's parsed fMP4 segments to playlist input: per segment its duration and start (from the
 * video track's tfdt and trun durations), its wall-clock time, its size, and where its opening I-frame lies.
 * Pure: the caller reads the files and passes the bytes (or already parsed segments) in order.
 */
import { parseMediaSegment } from './fmp4-media.js';
import { failSegment } from './bmff.js';
import type { InitSegment, InitTrack, MediaSegment } from './fmp4-types.js';
import type { ByteRange, IFrameSegmentEntry } from './playlist.js';

/**
 * One segment, read by the caller. For single-file renditions, `bytes` is the segment's slice of the file
 * and `byteOffsetInFile` where that slice starts; the described byte ranges are then file offsets.
 */
export type SegmentSource = ({ uri: string; bytes: Uint8Array } | { uri: string; parsed: MediaSegment }) & { byteOffsetInFile?: number };

export type DescribedSegment = {
  uri: string;
  /** Media time of the first sample (tfdt / timescale), seconds. */
  startSec: number;
  durationSec: number;
  /** originUs + tfdt / timescale, to the millisecond (what EXT-X-PROGRAM-DATE-TIME can carry). */
  programDateTime: Date;
  byteLength: number;
  /** Only for a source with `byteOffsetInFile`: the segment's range in its file (EXT-X-BYTERANGE). */
  byteRange?: ByteRange;
  /**
   * The segment's first video sample when it is a sync sample: the byte range from its moof to the end of
   * that sample, which a player can fetch and decode alone (what Apple's and Bento4's fMP4 I-frame playlists
   * point at). null when the segment does not open with a keyframe.
   */
  iFrame: { byteRange: ByteRange } | null;
};

export type DescribeOptions = {
  /** Wall-clock time, in µs since the Unix epoch, of media time 0 of the timing track. */
  originUs: number;
};

/** The timing track: the video track, or the first track of an audio-only rendition. */
export const pickTimingTrack = (init: InitSegment): InitTrack => {
  const track = init.tracks.find((candidate) => candidate.kind === 'video') ?? init.tracks[0];
  if (track === undefined) {
    return failSegment('init segment has no track');
  }
  return track;
};

const describeSegment = (source: SegmentSource, init: InitSegment, track: InitTrack, originUs: number): DescribedSegment => {
  const fileOffset = source.byteOffsetInFile ?? 0;
  const parsed = 'parsed' in source ? source.parsed : parseMediaSegment(source.bytes, init, { byteOffsetInFile: fileOffset });
  const fragments = parsed.fragments.flatMap((fragment) =>
    fragment.tracks.filter((entry) => entry.trackId === track.trackId).map((entry) => ({ fragment, entry })),
  );
  const first = fragments[0];
  if (first === undefined) {
    return failSegment('segment has no fragment of the timing track', { uri: source.uri, trackId: track.trackId });
  }
  const durationTicks = fragments.reduce((sum, { entry }) => sum + entry.durationTicks, 0);
  const startTicks = first.entry.baseMediaDecodeTime;
  const startSec = startTicks / track.timescale;
  const firstSample = first.entry.firstSample;
  const iFrame =
    first.entry.firstSampleIsKeyframe && firstSample !== null
      ? { byteRange: { offset: fileOffset + first.fragment.moofOffset, length: firstSample.byteOffset + firstSample.byteLength - first.fragment.moofOffset } }
      : null;
  const programDateTime = new Date(Math.round((originUs + (startTicks * 1_000_000) / track.timescale) / 1000));
  if (!Number.isFinite(programDateTime.getTime())) {
    failSegment('tfdt puts the segment outside the range of dates', { uri: source.uri, baseMediaDecodeTime: startTicks });
  }
  const described: DescribedSegment = {
    uri: source.uri,
    startSec,
    durationSec: durationTicks / track.timescale,
    programDateTime,
    byteLength: parsed.byteLength,
    iFrame,
  };
  if (source.byteOffsetInFile !== undefined) {
    described.byteRange = { offset: source.byteOffsetInFile, length: parsed.byteLength };
  }
  return described;
};

/** Describes a rendition's segments, in playback order. Malformed segments → RepriseError HLS_BAD_SEGMENT. */
export const describeSegments = (init: InitSegment, segments: readonly SegmentSource[], options: DescribeOptions): DescribedSegment[] => {
  const track = pickTimingTrack(init);
  return segments.map((source) => describeSegment(source, init, track, options.originUs));
};

/**
 * I-frame playlist entries: each segment's opening I-frame, lasting until the next one (or, for the last,
 * until the end of the last segment). Segments that do not open with a keyframe contribute no entry.
 */
export const listIFrames = (segments: readonly DescribedSegment[]): IFrameSegmentEntry[] => {
  const withIFrames = segments.filter((segment) => segment.iFrame !== null);
  const last = segments[segments.length - 1];
  const endSec = last === undefined ? 0 : last.startSec + last.durationSec;
  return withIFrames.map((segment, index) => {
    const next = withIFrames[index + 1];
    return {
      uri: segment.uri,
      durationSec: (next === undefined ? endSec : next.startSec) - segment.startSec,
      byteRange: segment.iFrame!.byteRange,
    };
  });
};
