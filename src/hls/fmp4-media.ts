/**
 * fMP4 media segments (RFC 8216 §3.3): optional styp/sidx/prft/emsg, then one or more moof/mdat pairs.
 * For every track fragment we report its tfdt, the summed sample durations, the sample count, whether
 * the first sample is a sync sample, and where that sample's bytes lie (what an I-frame playlist needs).
 *
 * Defaults cascade per ISO/IEC 14496-12 §8.8: trun per-sample field → tfhd default → trex default.
 * Data offsets (§8.8.7, §8.8.8): tfhd base-data-offset if present; else the moof start when
 * default-base-is-moof is set; else the moof start for the first traf and, for later ones, the end of
 * the previous traf's data. A trun without data_offset continues where the previous run's data ended.
 */
import { BoxReader, failSegment, findBox, readBoxes, readChildBoxes, type Box } from './bmff.js';
import type { Fragment, FragmentTrack, InitSegment, MediaSegment, SampleDefaults } from './fmp4-types.js';

// tfhd flags (§8.8.7.1)
const TFHD_BASE_DATA_OFFSET = 0x00_0001;
const TFHD_SAMPLE_DESCRIPTION_INDEX = 0x00_0002;
const TFHD_DEFAULT_SAMPLE_DURATION = 0x00_0008;
const TFHD_DEFAULT_SAMPLE_SIZE = 0x00_0010;
const TFHD_DEFAULT_SAMPLE_FLAGS = 0x00_0020;
const TFHD_DEFAULT_BASE_IS_MOOF = 0x02_0000;
// trun flags (§8.8.8.1)
const TRUN_DATA_OFFSET = 0x00_0001;
const TRUN_FIRST_SAMPLE_FLAGS = 0x00_0004;
const TRUN_SAMPLE_DURATION = 0x00_0100;
const TRUN_SAMPLE_SIZE = 0x00_0200;
const TRUN_SAMPLE_FLAGS = 0x00_0400;
const TRUN_SAMPLE_COMPOSITION_TIME_OFFSET = 0x00_0800;
// sample_flags (§8.8.3.1): sample_is_non_sync_sample
const SAMPLE_IS_NON_SYNC = 0x0001_0000;

export type ParseMediaSegmentOptions = {
  /**
   * Where `bytes` starts in the file it was cut from (for `EXT-X-BYTERANGE` single-file renditions):
   * a tfhd base-data-offset is a file offset, so it is rebased by this much. Default 0.
   */
  byteOffsetInFile?: number;
};

type DataRun = { start: number; end: number };

type TrackFragmentResult = { track: FragmentTrack; runs: DataRun[]; dataEnd: number };

type TrackFragmentHeader = { trackId: number; base: number; defaults: SampleDefaults };

const checkSafe = (value: number, what: string): number => {
  if (!Number.isSafeInteger(value)) {
    failSegment(`${what} is too large`, { value });
  }
  return value;
};

const readTrackFragmentHeader = (
  bytes: Uint8Array,
  tfhd: Box,
  init: InitSegment,
  context: { moofOffset: number; implicitBase: number; byteOffsetInFile: number },
): TrackFragmentHeader => {
  const reader = new BoxReader(bytes, tfhd);
  const { flags } = reader.fullBoxHeader();
  const trackId = reader.u32();
  const initTrack = init.tracks.find((track) => track.trackId === trackId);
  if (initTrack === undefined) {
    return failSegment('traf for a track the init segment does not declare', { trackId });
  }
  let base = (flags & TFHD_DEFAULT_BASE_IS_MOOF) !== 0 ? context.moofOffset : context.implicitBase;
  if ((flags & TFHD_BASE_DATA_OFFSET) !== 0) {
    base = reader.u64() - context.byteOffsetInFile;
  }
  if ((flags & TFHD_SAMPLE_DESCRIPTION_INDEX) !== 0) {
    reader.skip(4);
  }
  const defaults = { ...initTrack.sampleDefaults };
  if ((flags & TFHD_DEFAULT_SAMPLE_DURATION) !== 0) {
    defaults.durationTicks = reader.u32();
  }
  if ((flags & TFHD_DEFAULT_SAMPLE_SIZE) !== 0) {
    defaults.byteLength = reader.u32();
  }
  if ((flags & TFHD_DEFAULT_SAMPLE_FLAGS) !== 0) {
    defaults.flags = reader.u32();
  }
  return { trackId, base, defaults };
};

const readBaseMediaDecodeTime = (bytes: Uint8Array, traf: readonly Box[]): number => {
  const tfdt = findBox(traf, 'tfdt');
  if (tfdt === undefined) {
    // RFC 8216 §3.3: every fMP4 Media Segment's track fragments carry a tfdt.
    return failSegment('traf has no tfdt');
  }
  const reader = new BoxReader(bytes, tfdt);
  const { version } = reader.fullBoxHeader();
  return version === 1 ? reader.u64() : reader.u32();
};

type RunSummary = { sampleCount: number; durationTicks: number; run: DataRun; firstFlags: number; firstByteLength: number };

/** One trun: its sample count, summed durations, data range, and the first sample's flags and size. */
const readTrackRun = (bytes: Uint8Array, trun: Box, header: TrackFragmentHeader, start: number): RunSummary => {
  const reader = new BoxReader(bytes, trun);
  const { flags } = reader.fullBoxHeader();
  const sampleCount = reader.u32();
  let dataStart = start;
  if ((flags & TRUN_DATA_OFFSET) !== 0) {
    dataStart = header.base + reader.i32();
  }
  const firstSampleFlags = (flags & TRUN_FIRST_SAMPLE_FLAGS) !== 0 ? reader.u32() : null;
  const fields = [TRUN_SAMPLE_DURATION, TRUN_SAMPLE_SIZE, TRUN_SAMPLE_FLAGS, TRUN_SAMPLE_COMPOSITION_TIME_OFFSET].filter((flag) => (flags & flag) !== 0);
  const recordBytes = 4 * fields.length;
  // Checked before the loop, so a hostile sample_count costs nothing.
  if (sampleCount * recordBytes > reader.bytesLeft) {
    failSegment('trun: sample records run past the box', { sampleCount, bytesLeft: reader.bytesLeft });
  }
  const { defaults } = header;
  let durationTicks = sampleCount * defaults.durationTicks;
  let dataBytes = sampleCount * defaults.byteLength;
  let firstFlags = firstSampleFlags ?? defaults.flags;
  let firstByteLength = defaults.byteLength;
  if (recordBytes > 0) {
    durationTicks = 0;
    dataBytes = 0;
    for (let i = 0; i < sampleCount; i++) {
      const duration = (flags & TRUN_SAMPLE_DURATION) !== 0 ? reader.u32() : defaults.durationTicks;
      const size = (flags & TRUN_SAMPLE_SIZE) !== 0 ? reader.u32() : defaults.byteLength;
      const sampleFlags = (flags & TRUN_SAMPLE_FLAGS) !== 0 ? reader.u32() : defaults.flags;
      if ((flags & TRUN_SAMPLE_COMPOSITION_TIME_OFFSET) !== 0) {
        reader.skip(4);
      }
      if (i === 0) {
        firstFlags = firstSampleFlags ?? sampleFlags;
        firstByteLength = size;
      }
      durationTicks += duration;
      dataBytes += size;
    }
  }
  checkSafe(durationTicks, 'trun: total sample duration');
  const end = checkSafe(dataStart + dataBytes, 'trun: sample data end');
  return { sampleCount, durationTicks, run: { start: dataStart, end }, firstFlags, firstByteLength };
};

const readTrackFragment = (
  bytes: Uint8Array,
  trafBox: Box,
  init: InitSegment,
  context: { moofOffset: number; implicitBase: number; byteOffsetInFile: number },
): TrackFragmentResult => {
  const traf = readChildBoxes(bytes, trafBox);
  const tfhd = traf[0];
  if (tfhd?.type !== 'tfhd') {
    return failSegment("traf does not start with 'tfhd'", { offset: trafBox.start });
  }
  const header = readTrackFragmentHeader(bytes, tfhd, init, context);
  const baseMediaDecodeTime = readBaseMediaDecodeTime(bytes, traf);
  const track: FragmentTrack = {
    trackId: header.trackId,
    baseMediaDecodeTime,
    durationTicks: 0,
    sampleCount: 0,
    firstSampleIsKeyframe: false,
    firstSample: null,
  };
  const runs: DataRun[] = [];
  let cursor = header.base;
  for (const trun of traf.filter((box) => box.type === 'trun')) {
    const summary = readTrackRun(bytes, trun, header, cursor);
    if (track.firstSample === null && summary.sampleCount > 0) {
      track.firstSample = { byteOffset: summary.run.start, byteLength: summary.firstByteLength };
      track.firstSampleIsKeyframe = (summary.firstFlags & SAMPLE_IS_NON_SYNC) === 0;
    }
    track.sampleCount = checkSafe(track.sampleCount + summary.sampleCount, 'traf: sample count');
    track.durationTicks = checkSafe(track.durationTicks + summary.durationTicks, 'traf: duration');
    if (summary.sampleCount > 0) {
      runs.push(summary.run);
    }
    cursor = summary.run.end;
  }
  return { track, runs, dataEnd: cursor };
};

type PendingFragment = { moofOffset: number; tracks: FragmentTrack[]; runs: DataRun[] };

const readMovieFragment = (bytes: Uint8Array, moof: Box, init: InitSegment, byteOffsetInFile: number): PendingFragment => {
  const pending: PendingFragment = { moofOffset: moof.start, tracks: [], runs: [] };
  const context = { moofOffset: moof.start, implicitBase: moof.start, byteOffsetInFile };
  for (const traf of readChildBoxes(bytes, moof).filter((box) => box.type === 'traf')) {
    const result = readTrackFragment(bytes, traf, init, context);
    pending.tracks.push(result.track);
    pending.runs.push(...result.runs);
    context.implicitBase = result.dataEnd;
  }
  if (pending.tracks.length === 0) {
    failSegment('moof has no traf', { offset: moof.start });
  }
  return pending;
};

const completeFragment = (pending: PendingFragment, mdat: Box): Fragment => {
  for (const run of pending.runs) {
    if (run.start < mdat.contentStart || run.end > mdat.end) {
      failSegment('sample data lies outside the mdat that follows its moof', {
        moofOffset: pending.moofOffset,
        runStart: run.start,
        runEnd: run.end,
        mdatStart: mdat.contentStart,
        mdatEnd: mdat.end,
      });
    }
  }
  return { moofOffset: pending.moofOffset, mdatOffset: mdat.start, mdatSize: mdat.end - mdat.start, tracks: pending.tracks };
};

/**
 * Reads an fMP4 media segment against its init segment. Each moof is paired with the next mdat, and every
 * sample's data must lie inside it. Malformed input → RepriseError HLS_BAD_SEGMENT.
 */
export const parseMediaSegment = (bytes: Uint8Array, init: InitSegment, options: ParseMediaSegmentOptions = {}): MediaSegment => {
  const byteOffsetInFile = options.byteOffsetInFile ?? 0;
  const fragments: Fragment[] = [];
  let pending: PendingFragment | null = null;
  for (const box of readBoxes(bytes, 0, bytes.length)) {
    if (box.type === 'moof') {
      if (pending !== null) {
        failSegment('moof without an mdat', { offset: pending.moofOffset });
      }
      pending = readMovieFragment(bytes, box, init, byteOffsetInFile);
    } else if (box.type === 'mdat') {
      if (pending === null) {
        failSegment('mdat without a moof before it', { offset: box.start });
      }
      fragments.push(completeFragment(pending, box));
      pending = null;
    }
    // styp, sidx, prft, emsg, free, skip and unknown boxes carry nothing we need.
  }
  if (pending !== null) {
    failSegment('moof without an mdat', { offset: pending.moofOffset });
  }
  if (fragments.length === 0) {
    failSegment('media segment has no moof/mdat pair');
  }
  return { byteLength: bytes.length, fragments };
};
