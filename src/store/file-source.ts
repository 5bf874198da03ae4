/** Files as byte sources for the pure readers: chunked reads, never the whole file in memory. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { RepriseError } from '../shared/errors.js';

export const DEFAULT_CHUNK_BYTES = 256 * 1024;

/** Throws IO_NOT_FOUND / IO_READ as coded errors instead of raw Node errors. */
export const statFile = async (path: string): Promise<{ sizeBytes: number; modifiedMs: number }> => {
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      throw new RepriseError('IO_READ', `${path} is not a regular file`, { details: { path } });
    }
    return { sizeBytes: info.size, modifiedMs: info.mtimeMs };
  } catch (error) {
    throw toIoError(error, path);
  }
};

export async function* readFileChunks(path: string, chunkBytes = DEFAULT_CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: chunkBytes });
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      yield new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    }
  } catch (error) {
    throw toIoError(error, path);
  } finally {
    stream.destroy();
  }
}

const toIoError = (error: unknown, path: string): unknown => {
  if (error instanceof RepriseError) {
    return error;
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new RepriseError('IO_NOT_FOUND', `${path}: no such file`, { details: { path }, cause: error });
  }
  return new RepriseError('IO_READ', `${path}: ${(error as Error).message}`, { details: { path }, cause: error });
};
