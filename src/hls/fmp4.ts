/**
 * A bounds-checked reader for the fragmented MP4 that HLS carries (RFC 8216 §3.3, ISO/IEC 14496-12):
 * init segments (track ids, kinds, timescales, RFC 6381 codec strings) and media segments (moof/mdat
 * pairs: tfdt, durations, sample counts, keyframe flags, first-sample byte ranges). Malformed input is
 * always a RepriseError with code HLS_BAD_SEGMENT (CODEC_UNSUPPORTED for a sample entry we cannot name).
 */
export { parseInitSegment } from './fmp4-init.js';
export { parseMediaSegment, type ParseMediaSegmentOptions } from './fmp4-media.js';
export type { Fragment, FragmentTrack, InitSegment, InitTrack, MediaSegment, SampleDefaults, SampleRange, TrackKind } from './fmp4-types.js';
