/**
 * `--watch <dir>`: a Janus `rec_dir` that fills while rooms are live. The folder is polled (fs.watch is not
 * reliable on network and container file systems, and a poll also sees files written before we started);
 * recordings are described once per change, grouped into sessions, and a session is handed on when all of its
 * files have stopped growing — again whenever it changes later (a participant who joined late extends it).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { readRecordingHeader } from '../api/inspect.js';
import { describeRecording } from '../api/sessions.js';
import { parseNfo, parseRecordingName } from '../sessions/file-names.js';
import { groupRecordings, type RecordingInfo } from '../sessions/group.js';
import type { SessionManifest } from '../sessions/manifest.js';
import { isRepriseError } from '../shared/errors.js';
import { groupFingerprint, readyGroups, StabilityTracker, type FileObservation } from './file-stability.js';

export type WatchedSession = { manifest: SessionManifest; folder: string; files: FileObservation[] };
export type RejectedRecording = { path: string; code: string; message: string };

export type FolderWatcherOptions = {
  folder: string;
  /** How long a file must stay unchanged to count as finished (default 10 s). */
  quietMs?: number;
  /** Poll period (default 2 s). */
  intervalMs?: number;
  onSession: (session: WatchedSession) => Promise<void>;
  onRejected?: (recording: RejectedRecording) => Promise<void> | void;
  onError?: (error: unknown) => void;
  now?: () => number;
};

type Described = { sizeBytes: number; mtimeMs: number; info: RecordingInfo | null };

export class FolderWatcher {
  private readonly tracker: StabilityTracker;
  private readonly described = new Map<string, Described>();
  private readonly handed = new Map<string, string>();
  private readonly rejected = new Set<string>();
  private readonly lastError = new Map<string, { code: string; message: string }>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: FolderWatcherOptions) {
    this.tracker = new StabilityTracker(options.quietMs ?? 10_000);
  }

  start(): void {
    const tick = (): void => {
      this.running = this.scanOnce()
        .then(() => undefined)
        .catch((error) => this.options.onError?.(error))
        .finally(() => {
          if (!this.stopped) {
            this.timer = setTimeout(tick, this.options.intervalMs ?? 2000);
          }
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) {
      clearTimeout(this.timer);
    }
    await this.running;
  }

  /** One poll: returns the sessions handed on. */
  async scanOnce(): Promise<WatchedSession[]> {
    const { folder } = this.options;
    const observations = await listRecordings(folder);
    const nowMs = (this.options.now ?? Date.now)();
    const { stable } = this.tracker.observe(observations, nowMs);
    const stableSet = new Set(stable);
    const names = await readDisplayNames(observations.filter((file) => file.path.endsWith('.nfo')).map((file) => file.path));
    const infos: RecordingInfo[] = [];
    for (const file of observations.filter((entry) => entry.path.endsWith('.mjr'))) {
      // Read whole only once finished: a growing file is placed by its header and modification time.
      const info = stableSet.has(file.path) ? await this.describe(file, names) : await describeGrowing(file, folder, names);
      if (info !== null) {
        infos.push(info);
      } else if (stableSet.has(file.path) && !this.rejected.has(file.path)) {
        this.rejected.add(file.path);
        await this.options.onRejected?.({ path: file.path, code: this.lastError.get(file.path)?.code ?? 'MJR_EMPTY', message: this.lastError.get(file.path)?.message ?? 'no media' });
      }
    }
    const byPath = new Map(observations.map((file) => [file.path, file]));
    for (const path of [...this.described.keys()]) {
      if (!byPath.has(path)) {
        this.described.delete(path);
        this.lastError.delete(path);
      }
    }
    const handed: WatchedSession[] = [];
    const groups = groupRecordings(infos).map((manifest) => ({ manifest, files: manifest.participants.flatMap((participant) => participant.tracks.map((track) => join(folder, track.file))) }));
    for (const group of readyGroups(groups, stableSet)) {
      // Stable files are observed ones.
      const files = group.files.map((path) => byPath.get(path)!);
      const { manifest } = group;
      const fingerprint = groupFingerprint(files);
      if (this.handed.get(manifest.id) === fingerprint) {
        continue;
      }
      const session = { manifest, folder, files };
      await this.options.onSession(session);
      this.handed.set(manifest.id, fingerprint);
      handed.push(session);
    }
    return handed;
  }

  private async describe(file: FileObservation, names: ReadonlyMap<string, string>): Promise<RecordingInfo | null> {
    const known = this.described.get(file.path);
    if (known !== undefined && known.sizeBytes === file.sizeBytes && known.mtimeMs === file.mtimeMs) {
      return known.info;
    }
    let info: RecordingInfo | null = null;
    try {
      info = await describeRecording(file.path, this.options.folder, names);
      this.lastError.delete(file.path);
    } catch (error) {
      if (!isRepriseError(error)) {
        throw error;
      }
      this.lastError.set(file.path, { code: error.code, message: error.message });
    }
    this.described.set(file.path, { sizeBytes: file.sizeBytes, mtimeMs: file.mtimeMs, info });
    return info;
  }
}

const listRecordings = async (folder: string): Promise<FileObservation[]> => {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files: FileObservation[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || !/\.(mjr|nfo)$/i.test(entry.name)) {
      continue;
    }
    const path = join(entry.parentPath ?? entry.path, entry.name);
    try {
      const info = await stat(path);
      files.push({ path, sizeBytes: info.size, mtimeMs: info.mtimeMs });
    } catch {
      // Gone between readdir and stat: seen on the next poll, or never.
    }
  }
  return files;
};

const readDisplayNames = async (nfoPaths: readonly string[]): Promise<Map<string, string>> => {
  const names = new Map<string, string>();
  for (const path of nfoPaths) {
    const nfo = parseNfo(await readFile(path, 'utf8').catch(() => ''));
    for (const recording of Object.values(nfo?.files ?? {})) {
      if (nfo?.name) {
        names.set(basename(recording), nfo.name);
      }
    }
  }
  return names;
};

/** A file still being written, from its header alone: enough to group it, never to process it. */
const describeGrowing = async (file: FileObservation, folder: string, names: ReadonlyMap<string, string>): Promise<RecordingInfo | null> => {
  const header = await readRecordingHeader(file.path).catch(() => null);
  if (header === null) {
    return null;
  }
  return {
    file: relative(folder, file.path),
    name: parseRecordingName(basename(file.path)),
    kind: header.kind,
    codec: header.codec,
    description: header.description,
    startUs: header.firstPacketUs > 0 ? header.firstPacketUs : header.createdUs,
    endUs: Math.max(header.firstPacketUs, Math.round(file.mtimeMs * 1000)),
    width: null,
    height: null,
    hasAudioLevel: false,
    displayName: names.get(basename(file.path)) ?? null,
  };
};
