/**
 * Where the origin gets a file's bytes: small hot files from memory, everything else from a descriptor.
 *
 * Why a memory cache: a Node server cannot sendfile(2). Each response is read into user-space buffers and
 * copied again into the socket, every fs call is a thread-pool round trip, and megabytes of short-lived
 * buffers per request keep the garbage collector busy. HLS segments, init sections and thumbnails are small
 * (≤ a few MiB), written once, and fetched by every viewer of a replay, so keeping the recently used ones in
 * memory removes the open/read/close round trips and the allocations from the hot path.
 *
 * Why it is safe: an entry is used only when a stat of the path matches its (dev, inode, size, mtime). Files
 * are published by rename, so a new version has a new inode; the same inode with the same size and mtime is
 * the same bytes (the assumption the strong ETag makes), and the validators we send always come from the
 * entry whose bytes we send. Entries are loaded through MediaFileOpener, so a cached file passed the symlink
 * containment check for that path and inode.
 *
 * When to stat: on every request, except for files the caller says are immutable (segments, init sections,
 * MP4s, images: written once under their final name, and sent with `immutable, max-age=31536000`). Those are
 * re-checked at most every `immutableRecheckMs`: each stat is a thread-pool round trip, about a third of the
 * cost of a small range response. If such a file is replaced all the same, clients see the new version within
 * that window, a far shorter promise than the year they were told they may cache it. Playlists and everything
 * else are checked on every request.
 *
 * Bounded by `maxBytes` (least recently used out first); files above `maxFileBytes` are never cached and are
 * streamed from a descriptor. `maxBytes: 0` turns the cache off (open, fstat and read on every request).
 */
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { closeQuietly, isMissing, readExactly, statAsync, type MediaFileOpener, type OpenFailure } from './media-files.js';

export type FileFacts = { sizeBytes: number; mtimeMs: number; inode: number; dev: number };

/** A servable file: its bytes in memory (shared, read-only), or an open descriptor the caller must close. */
export type ResolvedFile = { kind: 'memory'; facts: FileFacts; content: Buffer } | { kind: 'descriptor'; facts: FileFacts; fd: number };

export type MemoryCacheOptions = { maxBytes: number; maxFileBytes: number; immutableRecheckMs?: number };

export const DEFAULT_MEMORY_CACHE: MemoryCacheOptions = { maxBytes: 64 * 1024 * 1024, maxFileBytes: 4 * 1024 * 1024, immutableRecheckMs: 1_000 };

/** What to resolve: `path` is `join(root, ...segments)`, computed once by the caller. */
export type FileTarget = { root: string; segments: readonly string[]; path: string; immutable: boolean };

type MemoryFile = Extract<ResolvedFile, { kind: 'memory' }>;
type Entry = { file: MemoryFile; checkedAtMs: number };

const factsOf = (stats: Stats): FileFacts => ({ sizeBytes: stats.size, mtimeMs: stats.mtimeMs, inode: stats.ino, dev: stats.dev });

const isSameFile = (facts: FileFacts, stats: Stats): boolean =>
  facts.inode === stats.ino && facts.dev === stats.dev && facts.sizeBytes === stats.size && facts.mtimeMs === stats.mtimeMs;

export const fileTarget = (root: string, segments: readonly string[], immutable: boolean): FileTarget => ({ root, segments, path: join(root, ...segments), immutable });

export class MediaFileSource {
  /** path → entry, least recently used first (Map keeps insertion order). */
  private readonly entries = new Map<string, Entry>();
  private cachedBytes = 0;
  /** Loads in flight, so that a burst of requests for one cold file reads it once. */
  private readonly loading = new Map<string, Promise<Entry | OpenFailure | 'too-large'>>();

  constructor(
    private readonly opener: MediaFileOpener,
    private readonly cache: MemoryCacheOptions,
    private readonly nowMs: () => number,
  ) {}

  /**
   * An immutable file checked less than `immutableRecheckMs` ago, without any I/O; undefined otherwise
   * (then call `resolve`). Synchronous, so the hot path does not even wait a microtask.
   */
  peekFresh(target: FileTarget): ResolvedFile | undefined {
    if (!target.immutable) {
      return undefined;
    }
    const entry = this.entries.get(target.path);
    if (entry === undefined || this.nowMs() - entry.checkedAtMs >= (this.cache.immutableRecheckMs ?? 0)) {
      return undefined;
    }
    this.touch(target.path, entry);
    return entry.file;
  }

  /** The file at `target`, or why it cannot be served. */
  async resolve(target: FileTarget): Promise<ResolvedFile | OpenFailure> {
    const { root, segments, path } = target;
    if (this.cache.maxBytes <= 0) {
      return this.openDescriptor(root, segments);
    }
    const fresh = this.peekFresh(target);
    if (fresh !== undefined) {
      return fresh;
    }
    let stats: Stats;
    try {
      stats = await statAsync(path);
    } catch (error) {
      if (isMissing(error)) {
        return 'not-found';
      }
      throw error;
    }
    if (!stats.isFile()) {
      return 'not-found';
    }
    const entry = this.entries.get(path);
    if (entry !== undefined && isSameFile(entry.file.facts, stats)) {
      entry.checkedAtMs = this.nowMs();
      this.touch(path, entry);
      return entry.file;
    }
    if (stats.size > this.cache.maxFileBytes) {
      return this.openDescriptor(root, segments);
    }
    let pending = this.loading.get(path);
    if (pending === undefined) {
      pending = this.load(root, segments, path).finally(() => this.loading.delete(path));
      this.loading.set(path, pending);
    }
    const loaded = await pending;
    if (loaded === 'too-large') {
      return this.openDescriptor(root, segments);
    }
    return typeof loaded === 'string' ? loaded : loaded.file;
  }

  /** Marks an entry as the most recently used. */
  private touch(path: string, entry: Entry): void {
    this.entries.delete(path);
    this.entries.set(path, entry);
  }

  /** Bytes held, for tests and metrics. */
  get sizeBytes(): number {
    return this.cachedBytes;
  }

  private async openDescriptor(root: string, segments: readonly string[]): Promise<ResolvedFile | OpenFailure> {
    const opened = await this.opener.open(root, segments);
    return typeof opened === 'string' ? opened : { kind: 'descriptor', facts: factsOf(opened.stats), fd: opened.fd };
  }

  private async load(root: string, segments: readonly string[], path: string): Promise<Entry | OpenFailure | 'too-large'> {
    const opened = await this.opener.open(root, segments);
    if (typeof opened === 'string') {
      return opened;
    }
    try {
      // It may have been replaced by a bigger file since the stat; fstat on the descriptor is what counts.
      if (opened.stats.size > this.cache.maxFileBytes) {
        return 'too-large';
      }
      const checkedAtMs = this.nowMs();
      const content = await readExactly(opened.fd, 0, opened.stats.size);
      const entry: Entry = { file: { kind: 'memory', facts: factsOf(opened.stats), content }, checkedAtMs };
      this.insert(path, entry);
      return entry;
    } finally {
      closeQuietly(opened.fd);
    }
  }

  private insert(path: string, entry: Entry): void {
    const previous = this.entries.get(path);
    if (previous !== undefined) {
      this.entries.delete(path);
      this.cachedBytes -= previous.file.content.length;
    }
    if (entry.file.content.length > this.cache.maxBytes) {
      return;
    }
    this.entries.set(path, entry);
    this.cachedBytes += entry.file.content.length;
    for (const [oldestPath, oldest] of this.entries) {
      if (this.cachedBytes <= this.cache.maxBytes) {
        break;
      }
      this.entries.delete(oldestPath);
      this.cachedBytes -= oldest.file.content.length;
    }
  }
}
