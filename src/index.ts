/** Reprise's library surface. */
export { convertFiles, type ConvertFilesOptions } from './api/convert.js';
export { inspectFile } from './api/inspect.js';
export { convertMedia, type ConvertMediaOptions } from './convert/convert-media.js';
export { openTrack, type OpenedTrack } from './convert/open-track.js';
export type { ConversionReport, TrackConversion } from './convert/report.js';
export { inspectRecords, TrackAnalyzer, type AnalyzeOptions, type TrackReport } from './inspect/index.js';
export * from './mjr/index.js';
export { parseRtpPacket, type RtpPacket, type RtpHeaderExtension } from './rtp/packet.js';
export { RtpReorderer, type ReorderOptions, type ReorderStats, type Released } from './rtp/reorder.js';
export { TrackClock, type Placement, type TimestampJump } from './rtp/track-clock.js';
export { RepriseError, isRepriseError, type ErrorCode } from './shared/errors.js';
