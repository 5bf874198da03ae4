/** Library entry: inspect a recording on disk, streaming (bounded memory whatever the file size). */
import { inspectRecords, type AnalyzeOptions, type TrackReport } from '../inspect/index.js';
import { readMjrRecords } from '../mjr/index.js';
import { readFileChunks } from '../store/file-source.js';

export const inspectFile = (path: string, options: AnalyzeOptions = {}): Promise<TrackReport> =>
  inspectRecords(readMjrRecords(readFileChunks(path)), options);
