/**
 * When is a recording finished? Janus appends to a `.mjr` for as long as the participant publishes, then closes
 * it. No marker says "closed", so a file is taken once its size and modification time have not changed for a
 * quiet period. Pure: observations in, decisions out (the watcher supplies the clock and the stat calls).
 */
export type FileObservation = { path: string; sizeBytes: number; mtimeMs: number };

type Seen = { sizeBytes: number; mtimeMs: number; unchangedSinceMs: number };

export class StabilityTracker {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly quietMs: number) {}

  /**
   * Records one scan of the folder at `nowMs`; returns the paths that are stable now (unchanged for the quiet
   * period), and forgets files that disappeared.
   */
  observe(files: readonly FileObservation[], nowMs: number): { stable: string[]; growing: string[] } {
    const present = new Set<string>();
    const stable: string[] = [];
    const growing: string[] = [];
    for (const file of files) {
      present.add(file.path);
      const before = this.seen.get(file.path);
      if (before === undefined || before.sizeBytes !== file.sizeBytes || before.mtimeMs !== file.mtimeMs) {
        this.seen.set(file.path, { sizeBytes: file.sizeBytes, mtimeMs: file.mtimeMs, unchangedSinceMs: nowMs });
        growing.push(file.path);
        continue;
      }
      // A file whose mtime lies well in the past was finished before we looked (a folder of old recordings).
      const quietSinceMs = Math.min(before.unchangedSinceMs, file.mtimeMs);
      if (nowMs - quietSinceMs >= this.quietMs) {
        stable.push(file.path);
      } else {
        growing.push(file.path);
      }
    }
    for (const path of [...this.seen.keys()]) {
      if (!present.has(path)) {
        this.seen.delete(path);
      }
    }
    return { stable, growing };
  }
}

/**
 * A group of recordings (one session) is ready when every one of its files is stable: a session is processed
 * as a whole, never while one of its participants is still being written.
 */
export const readyGroups = <T extends { files: readonly string[] }>(groups: readonly T[], stable: ReadonlySet<string>): T[] =>
  groups.filter((group) => group.files.length > 0 && group.files.every((file) => stable.has(file)));

/** A cheap fingerprint of a group's files, to tell when a session changed (a participant joined later). */
export const groupFingerprint = (files: readonly FileObservation[]): string =>
  [...files]
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((file) => `${file.path}:${file.sizeBytes}:${Math.round(file.mtimeMs)}`)
    .join('|');
