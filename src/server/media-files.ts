/**
 * The file-system side of the media origin: open a published file below a session folder without ever
 * leaving it, and stream byte ranges of it. Callback fs under small promises (numeric fds are cheaper than
 * FileHandle objects on the hot path); no synchronous fs calls. media-cache.ts keeps small hot files in memory
 * on top of this.
 *
 * Containment. path.join on checked segments (src/http/safe-path.ts) cannot climb out, but a symlink can.
 * After open, the path the descriptor really refers to must lie under the root's realpath. On Linux that path
 * is `readlink /proc/self/fd/<fd>`: it names the file we opened, so swapping a folder for a symlink between
 * the check and the read changes nothing. Elsewhere we fall back to realpath(path) (with that race).
 * Results are cached briefly, keyed by path and checked against the opened file's (dev, inode): a file
 * replaced by rename has a new inode and is checked again, and the same inode is the same bytes, so a hit can
 * only serve a file that was verified to be inside the root.
 */
import { close, constants, fstat, open, read, readlink, realpath, stat, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { ByteRange, MultipartPlan } from '../http/range.js';

export type OpenedFile = { fd: number; stats: Stats; path: string };

export type OpenFailure = 'not-found' | 'outside-root';

const CHECK_TTL_MS = 2_000;
const MAX_CACHE_ENTRIES = 10_000;

const openAsync = (path: string): Promise<number> =>
  new Promise((resolve, reject) => open(path, constants.O_RDONLY | constants.O_NONBLOCK, (error, fd) => (error ? reject(error) : resolve(fd))));

export const statAsync = (path: string): Promise<Stats> => new Promise((resolve, reject) => stat(path, (error, stats) => (error ? reject(error) : resolve(stats))));

const fstatAsync = (fd: number): Promise<Stats> => new Promise((resolve, reject) => fstat(fd, (error, stats) => (error ? reject(error) : resolve(stats))));

const readlinkAsync = (path: string): Promise<string> => new Promise((resolve, reject) => readlink(path, (error, target) => (error ? reject(error) : resolve(target))));

const realpathAsync = (path: string): Promise<string> => new Promise((resolve, reject) => realpath(path, (error, resolved) => (error ? reject(error) : resolve(resolved))));

/** Closes a descriptor we own; errors are ignored (there is nothing useful to do with them). */
export const closeQuietly = (fd: number): void => close(fd, () => undefined);

/** Reads exactly `lengthBytes` at `position` into a new buffer (a short read means the file shrank: an error). */
export const readExactly = (fd: number, position: number, lengthBytes: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const buffer = Buffer.allocUnsafe(lengthBytes);
    const step = (offset: number): void => {
      if (offset === lengthBytes) {
        resolve(buffer);
        return;
      }
      read(fd, buffer, offset, lengthBytes - offset, position + offset, (error, bytesRead) => {
        if (error) {
          reject(error);
        } else if (bytesRead === 0) {
          reject(new Error(`file ended ${lengthBytes - offset} bytes early`));
        } else {
          step(offset + bytesRead);
        }
      });
    };
    step(0);
  });

/** Errors that mean "there is no servable file there" (a 404), as opposed to a server fault. */
export const isMissing = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ELOOP' || code === 'ENAMETOOLONG' || code === 'EACCES';
};

type CheckedFile = { dev: number; ino: number; checkedAtMs: number };

/** Opens files under session roots; one per server, holding the short-lived caches. */
export class MediaFileOpener {
  private readonly rootRealpaths = new Map<string, { realPath: string; checkedAtMs: number }>();
  private readonly checkedFiles = new Map<string, CheckedFile>();
  private readonly useProcFd = process.platform === 'linux';

  constructor(private readonly nowMs: () => number) {}

  /** Opens `segments` below `root`: a regular file inside the root's realpath, or why not. */
  async open(root: string, segments: readonly string[]): Promise<OpenedFile | OpenFailure> {
    const path = join(root, ...segments);
    let fd: number;
    try {
      fd = await openAsync(path);
    } catch (error) {
      if (isMissing(error)) {
        return 'not-found';
      }
      throw error;
    }
    try {
      const stats = await fstatAsync(fd);
      if (!stats.isFile()) {
        closeQuietly(fd);
        return 'not-found';
      }
      if (!(await this.isInsideRoot(root, path, fd, stats))) {
        closeQuietly(fd);
        return 'outside-root';
      }
      return { fd, stats, path };
    } catch (error) {
      closeQuietly(fd);
      if (isMissing(error)) {
        return 'not-found';
      }
      throw error;
    }
  }

  private async isInsideRoot(root: string, path: string, fd: number, stats: Stats): Promise<boolean> {
    const nowMs = this.nowMs();
    const cached = this.checkedFiles.get(path);
    if (cached !== undefined && cached.dev === stats.dev && cached.ino === stats.ino && nowMs - cached.checkedAtMs < CHECK_TTL_MS) {
      return true;
    }
    const rootReal = await this.realRoot(root, nowMs);
    let fileReal = this.useProcFd ? await readlinkAsync(`/proc/self/fd/${fd}`) : await realpathAsync(path);
    // An unlinked file (renamed over since we opened it) reads as "<path> (deleted)"; its bytes are still the
    // ones we checked, so judge the path part.
    if (fileReal.endsWith(' (deleted)')) {
      fileReal = fileReal.slice(0, -' (deleted)'.length);
    }
    const inside = fileReal.startsWith(rootReal.endsWith(sep) ? rootReal : rootReal + sep);
    if (inside) {
      if (this.checkedFiles.size >= MAX_CACHE_ENTRIES) {
        this.checkedFiles.clear();
      }
      this.checkedFiles.set(path, { dev: stats.dev, ino: stats.ino, checkedAtMs: nowMs });
    }
    return inside;
  }

  private async realRoot(root: string, nowMs: number): Promise<string> {
    const cached = this.rootRealpaths.get(root);
    if (cached !== undefined && nowMs - cached.checkedAtMs < CHECK_TTL_MS) {
      return cached.realPath;
    }
    const realPath = await realpathAsync(root);
    if (this.rootRealpaths.size >= MAX_CACHE_ENTRIES) {
      this.rootRealpaths.clear();
    }
    this.rootRealpaths.set(root, { realPath, checkedAtMs: nowMs });
    return realPath;
  }
}

/** Read size for streamed bodies: few thread-pool round trips per segment, and bounded memory per client. */
export const STREAM_CHUNK_BYTES = 512 * 1024;

/** A body is a sequence of literal bytes (multipart headers) and byte ranges of the file. */
export type BodyPiece = Buffer | ByteRange;

/** The pieces of a multipart/byteranges body, in order (src/http/range.ts lays it out). */
export const multipartPieces = (plan: MultipartPlan): BodyPiece[] => [
  ...plan.parts.flatMap((part) => [Buffer.from(part.header, 'latin1'), part.range]),
  Buffer.from(plan.trailer, 'latin1'),
];

/**
 * A readable body over an open descriptor, which it owns: the fd is closed once, when the stream ends,
 * fails or is destroyed (fastify destroys the payload when the client goes away). A read in flight is
 * waited for before closing, so the fd number cannot be reused under it.
 */
export class FileBodyStream extends Readable {
  private pieceIndex = 0;
  private nextByte = -1;
  private reading = false;
  private afterRead: (() => void) | null = null;

  constructor(
    private readonly fd: number,
    private readonly pieces: readonly BodyPiece[],
  ) {
    super({ highWaterMark: STREAM_CHUNK_BYTES });
  }

  override _read(): void {
    const piece = this.pieces[this.pieceIndex];
    if (piece === undefined) {
      this.push(null);
      return;
    }
    if (Buffer.isBuffer(piece)) {
      this.pieceIndex += 1;
      this.push(piece);
      return;
    }
    const position = this.nextByte < 0 ? piece.firstByte : this.nextByte;
    const lengthBytes = Math.min(STREAM_CHUNK_BYTES, piece.lastByte - position + 1);
    this.reading = true;
    read(this.fd, Buffer.allocUnsafe(lengthBytes), 0, lengthBytes, position, (error, bytesRead, buffer) => {
      this.reading = false;
      if (this.afterRead !== null) {
        this.afterRead();
        return;
      }
      if (error) {
        this.destroy(error);
        return;
      }
      if (bytesRead === 0) {
        this.destroy(new Error(`file ended at byte ${position}, before byte ${piece.lastByte}`));
        return;
      }
      this.nextByte = position + bytesRead;
      if (this.nextByte > piece.lastByte) {
        this.pieceIndex += 1;
        this.nextByte = -1;
      }
      this.push(bytesRead === lengthBytes ? buffer : buffer.subarray(0, bytesRead));
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const finish = (): void => close(this.fd, () => callback(error));
    if (this.reading) {
      this.afterRead = finish;
    } else {
      finish();
    }
  }
}
