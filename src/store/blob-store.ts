/**
 * Where published media lives, as a port. Keys are `/`-separated paths (`<session>/<output>/hls/master.m3u8`);
 * the operations are the ones an object store (S3 and the like) also has — whole-object atomic puts, ranged
 * reads, listing and deleting by prefix, no renames, no directories — so an S3 adapter can stand in for the
 * file-system one. `localFolder` is the one file-system capability, asked for, not assumed: ffmpeg writes its
 * outputs into a folder, and the origin streams local files without a copy; a store without it answers null.
 */
import type { Readable } from 'node:stream';
import { RepriseError } from '../shared/errors.js';

export type BlobInfo = { key: string; sizeBytes: number; mtimeMs: number };
export type ByteSpan = { firstByte: number; lastByte: number };

export type BlobStore = {
  /** A short name for logs: `file:/var/lib/reprise/media`, `s3://bucket/prefix`. */
  readonly description: string;
  /** The object's size and modification time, or null when there is none. */
  stat(key: string): Promise<BlobInfo | null>;
  /** The object's bytes (a span of them, inclusive); IO_NOT_FOUND when there is none. */
  read(key: string, span?: ByteSpan): Promise<Readable>;
  /** The whole object as text, or null when there is none (for small JSON and playlists). */
  readText(key: string): Promise<string | null>;
  /** Stores bytes under the key: readers see the old object or the whole new one, never a part. */
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** Every key under the prefix (a prefix ends with `/`), sorted. */
  list(prefix: string): Promise<string[]>;
  /** Deletes every object under the prefix. */
  removePrefix(prefix: string): Promise<void>;
  /** A local folder holding the objects under this prefix, for writers and readers that need files; null if none. */
  localFolder(prefix: string): string | null;
};

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** Keys are relative, `/`-separated, with no empty, dot or hidden segments; a prefix may end with `/`. */
export const checkKey = (key: string, kind: 'key' | 'prefix' = 'key'): string[] => {
  const body = kind === 'prefix' && key.endsWith('/') ? key.slice(0, -1) : key;
  const segments = body.split('/');
  if (body === '' || segments.some((segment) => !SEGMENT.test(segment) || segment.includes('..'))) {
    throw new RepriseError('MEDIA_FORBIDDEN', `not a storage ${kind}: ${JSON.stringify(key)}`);
  }
  return segments;
};
