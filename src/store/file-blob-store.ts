/** The file-system adapter of the blob store: one folder, keys as relative paths, puts by rename. */
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { RepriseError } from '../shared/errors.js';
import { writeAtomically } from './atomic-file.js';
import { checkKey, type BlobInfo, type BlobStore, type ByteSpan } from './blob-store.js';

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR';

export class FileBlobStore implements BlobStore {
  readonly description: string;

  constructor(private readonly root: string) {
    this.description = `file:${root}`;
  }

  private pathOf(key: string, kind: 'key' | 'prefix' = 'key'): string {
    return join(this.root, ...checkKey(key, kind));
  }

  async stat(key: string): Promise<BlobInfo | null> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { key, sizeBytes: info.size, mtimeMs: info.mtimeMs } : null;
    } catch (error) {
      if (isMissing(error)) {
        return null;
      }
      throw error;
    }
  }

  async read(key: string, span?: ByteSpan): Promise<Readable> {
    const path = this.pathOf(key);
    if ((await this.stat(key)) === null) {
      throw new RepriseError('IO_NOT_FOUND', `no object ${key} in ${this.description}`);
    }
    return createReadStream(path, span === undefined ? {} : { start: span.firstByte, end: span.lastByte });
  }

  async readText(key: string): Promise<string | null> {
    try {
      return await readFile(this.pathOf(key), 'utf8');
    } catch (error) {
      if (isMissing(error)) {
        return null;
      }
      throw error;
    }
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(join(path, '..'), { recursive: true });
    await writeAtomically(path, (temporary) => writeFile(temporary, body));
  }

  async list(prefix: string): Promise<string[]> {
    const folder = this.pathOf(prefix, 'prefix');
    let entries;
    try {
      entries = await readdir(folder, { recursive: true, withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) {
        return [];
      }
      throw error;
    }
    const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
    return entries
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.') && !entry.name.endsWith('.tmp'))
      .map((entry) => `${base}${relative(folder, join(entry.parentPath ?? entry.path, entry.name)).split(sep).join('/')}`)
      .sort();
  }

  async removePrefix(prefix: string): Promise<void> {
    await rm(this.pathOf(prefix, 'prefix'), { recursive: true, force: true });
  }

  localFolder(prefix: string): string {
    return this.pathOf(prefix, 'prefix');
  }
}
