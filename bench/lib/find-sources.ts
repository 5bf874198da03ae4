/** Picks bench sources among real recordings: the largest MJR00002 video and audio file under a folder. */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MjrParser, type MjrHeaderRecord } from '../../src/mjr/index.js';

export type BenchSource = { path: string; kind: 'audio' | 'video'; codec: string; sizeBytes: number };

/** The header is at most 10 + 65535 bytes long. */
const HEADER_READ_BYTES = 10 + 0xffff;

/** The recording's header record, or null when the file is not a readable recording (empty, foreign, damaged). */
export const readRecordingHeader = async (path: string): Promise<MjrHeaderRecord | null> => {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(HEADER_READ_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const first = new MjrParser().push(buffer.subarray(0, bytesRead))[0];
    return first?.type === 'header' ? first : null;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
};

/** Describes a file usable as a source (MJR00002 audio or video), or explains why it is not. */
export const describeSource = async (path: string): Promise<BenchSource | string> => {
  const record = await readRecordingHeader(path);
  if (record === null) {
    return `${path} is not a readable .mjr recording`;
  }
  if (record.version !== 'MJR00002') {
    return `${path} is ${record.version}: a source needs MJR00002 (arrival times)`;
  }
  if (record.header.kind === 'data') {
    return `${path} is a data recording: a source needs RTP (audio or video)`;
  }
  if (record.header.e2ee) {
    return `${path} is end-to-end encrypted: reprise inspect refuses it`;
  }
  return { path, kind: record.header.kind, codec: record.header.codec, sizeBytes: (await stat(path)).size };
};

/** The largest video and the largest audio source under `folder` (searched recursively); none if it does not exist. */
export const findLargestSources = async (folder: string): Promise<BenchSource[]> => {
  const paths = await listMjrFiles(folder);
  const largest = new Map<BenchSource['kind'], BenchSource>();
  for (const path of paths) {
    const source = await describeSource(path);
    if (typeof source !== 'string' && source.sizeBytes > (largest.get(source.kind)?.sizeBytes ?? -1)) {
      largest.set(source.kind, source);
    }
  }
  return (['video', 'audio'] as const).flatMap((kind) => largest.get(kind) ?? []);
};

const listMjrFiles = async (folder: string): Promise<string[]> => {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.mjr'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
};
