/** Library entry: inspect a recording on disk, streaming (bounded memory whatever the file size). */
import { TrackAnalyzer, type AnalyzeOptions, type TrackReport } from '../inspect/index.js';
import { parseMjrBytes, readMjrRecordBatches, type MjrHeader } from '../mjr/index.js';
import { readFileChunks } from '../store/file-source.js';

export const inspectFile = async (path: string, options: AnalyzeOptions = {}): Promise<TrackReport> => {
  const analyzer = new TrackAnalyzer(options);
  for await (const batch of readMjrRecordBatches(readFileChunks(path))) {
    for (const record of batch) {
      analyzer.add(record);
    }
  }
  return analyzer.finish();
};

/**
 * A recording's header from its first 8 KiB alone: cheap, and enough for a file still being written. Null when
 * they hold no header; coded errors (bad magic, damaged header JSON) as the full reader throws them.
 */
export const readRecordingHeader = async (path: string): Promise<MjrHeader | null> => {
  for await (const head of readFileChunks(path, 8192)) {
    for (const record of parseMjrBytes(head)) {
      if (record.type === 'header') {
        return record.header;
      }
    }
    return null;
  }
  return null;
};
