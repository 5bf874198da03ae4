/** HLS building blocks: pure functions from sizes and segment bytes to ladders, playlists and indexes. */
export { computeLadder, estimateVideoBitrate, pickH264Level, type H264Profile, type LadderInput, type Rendition } from './ladder.js';
export {
  parseInitSegment,
  parseMediaSegment,
  type Fragment,
  type FragmentTrack,
  type InitSegment,
  type InitTrack,
  type MediaSegment,
  type ParseMediaSegmentOptions,
  type SampleDefaults,
  type SampleRange,
  type TrackKind,
} from './fmp4.js';
export {
  computeBandwidth,
  formatProgramDateTime,
  renderIFramePlaylist,
  renderMediaPlaylist,
  renderMultivariantPlaylist,
  type Bandwidth,
  type ByteRange,
  type IFramePlaylist,
  type IFrameSegmentEntry,
  type IFrameVariant,
  type MediaPlaylist,
  type MediaSegmentEntry,
  type MultivariantPlaylist,
  type PlaylistType,
  type Variant,
} from './playlist.js';
export { formatVttTimestamp, planThumbnails, renderThumbnailVtt, type ThumbnailPlan, type ThumbnailPlanInput, type ThumbnailSheet, type ThumbnailTile } from './thumbnails.js';
export { describeSegments, listIFrames, pickTimingTrack, type DescribedSegment, type DescribeOptions, type SegmentSource } from './segment-index.js';
