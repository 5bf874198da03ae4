/**
 * Writing a file so that the requested name only ever holds a complete file: write under a temporary name in
 * the same folder, then rename (atomic on one file system). A failure removes the temporary file.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RepriseError } from '../shared/errors.js';

export const temporaryPathFor = (path: string): string =>
  join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.partial`);

/** Runs `write` against a temporary path and publishes it as `path` only if `write` succeeds. */
export const writeAtomically = async <T>(path: string, write: (temporaryPath: string) => Promise<T>): Promise<T> => {
  const temporaryPath = temporaryPathFor(path);
  try {
    const result = await write(temporaryPath);
    await rename(temporaryPath, path);
    return result;
  } catch (error) {
    await rm(temporaryPath, { force: true }).catch(() => undefined);
    throw error;
  }
};

/** A byte sink over a file handle: sequential writes, plus writes at an offset (for headers patched at the end). */
export type FileSink = {
  write(bytes: Uint8Array): Promise<void>;
  writeAt(offset: number, bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
};

export const openFileSink = async (path: string): Promise<FileSink> => {
  let handle: FileHandle;
  try {
    handle = await open(path, 'w');
  } catch (error) {
    throw new RepriseError('IO_WRITE', `cannot write ${path}: ${(error as Error).message}`, { details: { path }, cause: error });
  }
  // Small writes (a packet's worth of samples) are gathered into 256 KiB writes.
  const buffer = new Uint8Array(256 * 1024);
  let buffered = 0;
  let position = 0;
  const flush = async (): Promise<void> => {
    if (buffered > 0) {
      await handle.write(buffer, 0, buffered, position);
      position += buffered;
      buffered = 0;
    }
  };
  return {
    write: async (bytes) => {
      if (buffered + bytes.length > buffer.length) {
        await flush();
      }
      if (bytes.length >= buffer.length) {
        await handle.write(bytes, 0, bytes.length, position);
        position += bytes.length;
        return;
      }
      buffer.set(bytes, buffered);
      buffered += bytes.length;
    },
    writeAt: async (offset, bytes) => {
      await flush();
      await handle.write(bytes, 0, bytes.length, offset);
    },
    close: async () => {
      await flush();
      await handle.close();
    },
  };
};
