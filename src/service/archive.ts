/**
 * A room's recordings uploaded as one archive: .tar, .tar.gz/.tgz or .zip. Only the recordings are taken
 * (`.mjr`, and Record&Play's `.nfo`), by their base name: folders inside the archive are flattened, so no entry
 * can name a path outside the upload folder. Everything else is listed as ignored. Bounded: total bytes and
 * entry count.
 */
import { createReadStream } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, inflateRawSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { RepriseError } from '../shared/errors.js';

export type ArchiveKind = 'tar' | 'tgz' | 'zip';
export type ExtractedEntry = { name: string; sizeBytes: number };
export type ExtractResult = { taken: ExtractedEntry[]; ignored: string[] };
export type ExtractLimits = { maxTotalBytes: number; maxEntries: number };

const RECORDING_NAME = /^[^/\\\0]+\.(mjr|nfo)$/i;

/** The archive kind from a file name, or null when it is not one we read. */
export const archiveKindOf = (fileName: string): ArchiveKind | null => {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) {
    return 'tgz';
  }
  if (lower.endsWith('.tar')) {
    return 'tar';
  }
  if (lower.endsWith('.zip')) {
    return 'zip';
  }
  return null;
};

/** The name a recording is stored under: its base name, if it is a recording; null to ignore the entry. */
const recordingNameOf = (entryPath: string): string | null => {
  const name = basename(entryPath.replace(/\\/g, '/'));
  return RECORDING_NAME.test(name) && !name.startsWith('.') ? name : null;
};

class Budget {
  private totalBytes = 0;
  private entries = 0;
  readonly taken: ExtractedEntry[] = [];
  readonly ignored: string[] = [];
  private readonly names = new Set<string>();

  constructor(private readonly limits: ExtractLimits) {}

  admit(entryPath: string, sizeBytes: number): string | null {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      throw new RepriseError('UPLOAD_TOO_LARGE', `the archive holds more than ${this.limits.maxEntries} entries`);
    }
    const name = recordingNameOf(entryPath);
    if (name === null) {
      this.ignored.push(entryPath);
      return null;
    }
    if (this.names.has(name)) {
      throw new RepriseError('UPLOAD_ARCHIVE', `the archive holds ${name} twice (in different folders): upload one room at a time`);
    }
    this.totalBytes += sizeBytes;
    if (this.totalBytes > this.limits.maxTotalBytes) {
      throw new RepriseError('UPLOAD_TOO_LARGE', `the archive's recordings exceed ${this.limits.maxTotalBytes} bytes`);
    }
    this.names.add(name);
    this.taken.push({ name, sizeBytes });
    return name;
  }
}

const extractTar = async (archivePath: string, gzipped: boolean, folder: string, budget: Budget): Promise<void> => {
  const extract = tarStream.extract();
  const done = (async () => {
    for await (const entry of extract) {
      const header = entry.header;
      const name = header.type === 'file' ? budget.admit(header.name, header.size ?? 0) : null;
      if (name === null) {
        entry.resume();
        continue;
      }
      const handle = await open(join(folder, name), 'wx');
      try {
        for await (const chunk of entry) {
          await handle.write(chunk as Buffer);
        }
      } finally {
        await handle.close();
      }
    }
  })();
  const source = createReadStream(archivePath);
  try {
    await Promise.all([gzipped ? pipeline(source, createGunzip(), extract) : pipeline(source, extract), done]);
  } catch (error) {
    if (error instanceof RepriseError) {
      throw error;
    }
    throw new RepriseError('UPLOAD_ARCHIVE', `not a readable ${gzipped ? '.tar.gz' : '.tar'} archive: ${(error as Error).message}`, { cause: error });
  }
};

/** ZIP (APPNOTE 6.3): the central directory at the end gives every entry; stored and deflated entries are read. */
const extractZip = async (archivePath: string, folder: string, budget: Budget): Promise<void> => {
  const handle = await open(archivePath, 'r');
  try {
    const { size } = await handle.stat();
    const tailBytes = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailBytes);
    await handle.read(tail, 0, tailBytes, size - tailBytes);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0 || eocd + 22 > tail.length) {
      throw new RepriseError('UPLOAD_ARCHIVE', 'not a readable .zip archive: no end of central directory');
    }
    const entryCount = tail.readUInt16LE(eocd + 10);
    const directorySize = tail.readUInt32LE(eocd + 12);
    const directoryOffset = tail.readUInt32LE(eocd + 16);
    if (directoryOffset === 0xffffffff || entryCount === 0xffff) {
      throw new RepriseError('UPLOAD_ARCHIVE', 'ZIP64 archives are not read: use .tar.gz for archives over 4 GiB');
    }
    if (directoryOffset + directorySize > size) {
      throw new RepriseError('UPLOAD_ARCHIVE', 'not a readable .zip archive: the central directory lies outside the file');
    }
    const directory = Buffer.alloc(directorySize);
    await handle.read(directory, 0, directorySize, directoryOffset);
    let at = 0;
    for (let index = 0; index < entryCount; index += 1) {
      if (at + 46 > directory.length || directory.readUInt32LE(at) !== 0x02014b50) {
        throw new RepriseError('UPLOAD_ARCHIVE', 'not a readable .zip archive: damaged central directory');
      }
      const flags = directory.readUInt16LE(at + 8);
      const method = directory.readUInt16LE(at + 10);
      const compressedSize = directory.readUInt32LE(at + 20);
      const uncompressedSize = directory.readUInt32LE(at + 24);
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      const localOffset = directory.readUInt32LE(at + 42);
      const entryPath = directory.toString('utf8', at + 46, at + 46 + nameLength);
      at += 46 + nameLength + extraLength + commentLength;
      if (entryPath.endsWith('/')) {
        continue;
      }
      const name = budget.admit(entryPath, uncompressedSize);
      if (name === null) {
        continue;
      }
      if ((flags & 1) !== 0) {
        throw new RepriseError('UPLOAD_ARCHIVE', `${entryPath} is encrypted in the archive`);
      }
      if (method !== 0 && method !== 8) {
        throw new RepriseError('UPLOAD_ARCHIVE', `${entryPath} uses ZIP compression method ${method} (only stored and deflate are read)`);
      }
      const local = Buffer.alloc(30);
      await handle.read(local, 0, 30, localOffset);
      if (local.readUInt32LE(0) !== 0x04034b50) {
        throw new RepriseError('UPLOAD_ARCHIVE', `not a readable .zip archive: no local header for ${entryPath}`);
      }
      const dataOffset = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const compressed = Buffer.alloc(compressedSize);
      await handle.read(compressed, 0, compressedSize, dataOffset);
      let bytes: Buffer;
      try {
        bytes = method === 0 ? compressed : inflateRawSync(compressed, { maxOutputLength: Math.max(1, uncompressedSize) });
      } catch (error) {
        throw new RepriseError('UPLOAD_ARCHIVE', `${entryPath} cannot be inflated: ${(error as Error).message}`, { cause: error });
      }
      if (bytes.length !== uncompressedSize) {
        throw new RepriseError('UPLOAD_ARCHIVE', `${entryPath}: ${bytes.length} bytes inflated, the archive says ${uncompressedSize}`);
      }
      await writeFile(join(folder, name), bytes, { flag: 'wx' });
    }
  } finally {
    await handle.close();
  }
};

/** Extracts the recordings of an archive into `folder` (which must exist and be empty). */
export const extractRecordings = async (archivePath: string, kind: ArchiveKind, folder: string, limits: ExtractLimits): Promise<ExtractResult> => {
  const budget = new Budget(limits);
  if (kind === 'zip') {
    await extractZip(archivePath, folder, budget);
  } else {
    await extractTar(archivePath, kind === 'tgz', folder, budget);
  }
  return { taken: budget.taken, ignored: budget.ignored };
};
