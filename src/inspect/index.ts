export { inspectRecords, TrackAnalyzer, type AnalyzeOptions } from './analyze.js';
export { audioPacketDurationMs } from './audio-stats.js';
export type { AudioGap, Resolution, Rotation, SkippedRun, SsrcChange, TrackReport } from './report.js';
