/** Library entry: inspect a recording on disk, streaming (bounded memory whatever the file size). */
import { TrackAnalyzer, type AnalyzeOptions, type TrackReport } from '../inspect/index.js';
import { readMjrRecordBatches } from '../mjr/index.js';
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
