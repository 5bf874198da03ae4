/** Entry points of the `.mjr` reader: over bytes in memory, or over a stream of chunks (bounded memory). */
import { MjrParser } from './parser.js';
import type { MjrRecord } from './records.js';

/** All records of a recording held in memory. File-level damage throws a RepriseError. */
export function* parseMjrBytes(bytes: Uint8Array): Generator<MjrRecord> {
  const parser = new MjrParser();
  yield* parser.push(bytes);
  yield* parser.end();
}

/**
 * Records of a recording read chunk by chunk (e.g. a file read stream). Memory stays bounded by the largest
 * frame plus one chunk, however long the recording.
 */
export async function* readMjrRecords(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<MjrRecord> {
  const parser = new MjrParser();
  for await (const chunk of chunks) {
    yield* parser.push(chunk);
  }
  yield* parser.end();
}

/**
 * The same records in batches, one per chunk: the fast path for long files (one await per chunk rather
 * than per record).
 */
export async function* readMjrRecordBatches(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<MjrRecord[]> {
  const parser = new MjrParser();
  for await (const chunk of chunks) {
    yield parser.push(chunk);
  }
  yield parser.end();
}
