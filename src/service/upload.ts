/**
 * Uploads: `.mjr` files (and Record&Play `.nfo`), or one archive of a room's recordings, received into
 * `uploads/<id>/` with a SHA-256 per file, checked, grouped into sessions and moved to `recordings/<session>/`.
 * An upload never overwrites: a session that already exists refuses the whole upload (UPLOAD_EXISTS), and the
 * session folder is claimed with an exclusive mkdir, so two uploads of one room cannot both win.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readRecordingHeader } from '../api/inspect.js';
import { scanSessions, type SkippedRecording } from '../api/sessions.js';
import type { SessionManifest } from '../sessions/manifest.js';
import { isRepriseError, RepriseError } from '../shared/errors.js';
import { archiveKindOf, extractRecordings } from './archive.js';
import type { DataLayout } from './data-layout.js';

export type UploadLimits = { maxFileBytes: number; maxTotalBytes: number; maxFiles: number };
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { maxFileBytes: 4 * 1024 ** 3, maxTotalBytes: 16 * 1024 ** 3, maxFiles: 1000 };

export type ReceivedFile = { name: string; sizeBytes: number; sha256: string };
export type UploadResult = {
  uploadId: string;
  sessions: SessionManifest[];
  files: ReceivedFile[];
  rejected: SkippedRecording[];
  ignored: string[];
};

/** A file part of the request, as the HTTP layer hands it over. */
export type IncomingFile = { fileName: string; stream: Readable; truncated: () => boolean };

const SHA256_HEX = /^[0-9a-f]{64}$/;

export class UploadReceiver {
  readonly uploadId = randomUUID();
  readonly folder: string;
  private readonly received: ReceivedFile[] = [];
  private readonly ignored: string[] = [];
  private totalBytes = 0;

  constructor(
    private readonly layout: DataLayout,
    private readonly limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
    private readonly expectedSha256: ReadonlyMap<string, string> = new Map(),
  ) {
    this.folder = join(layout.uploadsDir, this.uploadId);
  }

  async open(): Promise<void> {
    await mkdir(this.folder, { recursive: true });
  }

  /** Receives one file part: a recording, a Record&Play .nfo, or an archive. */
  async receive(file: IncomingFile): Promise<void> {
    const name = basename(file.fileName.replace(/\\/g, '/'));
    const archive = archiveKindOf(name);
    if (archive === null && !/\.(mjr|nfo)$/i.test(name)) {
      file.stream.resume();
      this.ignored.push(name);
      return;
    }
    if (name.startsWith('.') || this.received.some((entry) => entry.name === name)) {
      file.stream.resume();
      throw new RepriseError('UPLOAD_REJECTED', `${JSON.stringify(name)}: ${name.startsWith('.') ? 'hidden file names are not accepted' : 'sent twice'}`);
    }
    if (this.received.length + 1 > this.limits.maxFiles) {
      file.stream.resume();
      throw new RepriseError('UPLOAD_TOO_LARGE', `more than ${this.limits.maxFiles} files in one upload`);
    }
    const target = join(this.folder, archive === null ? name : `.archive-${this.received.length}`);
    const hash = createHash('sha256');
    let sizeBytes = 0;
    file.stream.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      sizeBytes += chunk.length;
    });
    await pipeline(file.stream, createWriteStream(target, { flags: 'wx' }));
    this.totalBytes += sizeBytes;
    if (file.truncated() || sizeBytes > this.limits.maxFileBytes) {
      throw new RepriseError('UPLOAD_TOO_LARGE', `${name} is larger than the limit of ${this.limits.maxFileBytes} bytes`);
    }
    if (this.totalBytes > this.limits.maxTotalBytes) {
      throw new RepriseError('UPLOAD_TOO_LARGE', `the upload is larger than the limit of ${this.limits.maxTotalBytes} bytes`);
    }
    const sha256 = hash.digest('hex');
    const expected = this.expectedSha256.get(name)?.toLowerCase();
    if (expected !== undefined && expected !== sha256) {
      throw new RepriseError('UPLOAD_CHECKSUM', `${name}: SHA-256 ${sha256} received, ${expected} expected: the file was damaged on the way`, { details: { file: name, sha256, expected } });
    }
    this.received.push({ name, sizeBytes, sha256 });
    if (archive !== null) {
      const extracted = await extractRecordings(target, archive, this.folder, { maxTotalBytes: this.limits.maxTotalBytes, maxEntries: this.limits.maxFiles * 4 });
      await rm(target, { force: true });
      this.ignored.push(...extracted.ignored);
    }
  }

  /**
   * Checks and groups what was received, then claims each session's folder and moves its files there.
   * `exists` tells whether the catalog already holds a session: such an upload is refused as a whole.
   */
  async finish(exists: (sessionId: string) => Promise<boolean>): Promise<UploadResult & { folders: Map<string, string> }> {
    for (const [name] of this.expectedSha256) {
      if (!this.received.some((entry) => entry.name === name)) {
        throw new RepriseError('UPLOAD_CHECKSUM', `a checksum was given for ${name}, but no such file arrived`);
      }
    }
    const names = (await readdir(this.folder)).filter((name) => !name.startsWith('.'));
    const rejected: SkippedRecording[] = [];
    for (const name of names.filter((entry) => entry.toLowerCase().endsWith('.mjr'))) {
      const problem = await checkRecording(join(this.folder, name));
      if (problem !== null) {
        rejected.push({ file: name, ...problem });
        await rm(join(this.folder, name));
      }
    }
    const { sessions, skipped } = await scanSessions(this.folder);
    rejected.push(...skipped.filter((entry) => !rejected.some((known) => known.file === entry.file)));
    if (sessions.length === 0) {
      throw new RepriseError('UPLOAD_EMPTY', `no usable recording in the upload${rejected.length > 0 ? `: ${rejected.map((entry) => `${entry.file} (${entry.code})`).join(', ')}` : ''}`, {
        details: { rejected: rejected.length },
      });
    }
    for (const session of sessions) {
      if (await exists(session.id)) {
        throw new RepriseError('UPLOAD_EXISTS', `session ${session.id} already exists: delete it first to upload it again`, { details: { sessionId: session.id } });
      }
    }
    const folders = new Map<string, string>();
    await mkdir(this.layout.recordingsDir, { recursive: true });
    for (const session of sessions) {
      const folder = join(this.layout.recordingsDir, session.id);
      try {
        await mkdir(folder);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new RepriseError('UPLOAD_EXISTS', `session ${session.id} is being uploaded or already exists`, { details: { sessionId: session.id } });
        }
        throw error;
      }
      folders.set(session.id, folder);
      const files = new Set(session.participants.flatMap((participant) => participant.tracks.map((track) => track.file)));
      for (const file of files) {
        await rename(join(this.folder, file), join(folder, file));
      }
      for (const nfo of names.filter((name) => name.toLowerCase().endsWith('.nfo'))) {
        await rename(join(this.folder, nfo), join(folder, nfo)).catch(() => undefined);
      }
    }
    await rm(this.folder, { recursive: true, force: true });
    return { uploadId: this.uploadId, sessions, files: this.received, rejected, ignored: this.ignored, folders };
  }

  /** Removes everything this upload received (on any failure). */
  async discard(): Promise<void> {
    await rm(this.folder, { recursive: true, force: true });
  }
}

/** A recording's first bytes must hold a valid header; returns the problem, or null. */
const checkRecording = async (path: string): Promise<{ code: string; message: string } | null> => {
  try {
    return (await readRecordingHeader(path)) === null ? { code: 'MJR_NO_PACKETS', message: 'no header in the first 8 KiB' } : null;
  } catch (error) {
    return isRepriseError(error) ? { code: error.code, message: error.message } : { code: 'UPLOAD_REJECTED', message: String(error) };
  }
};

/** Parses the optional `checksums` form field: a JSON object of file name → SHA-256 (hex). */
export const parseChecksums = (value: string): Map<string, string> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new RepriseError('API_BAD_REQUEST', 'the checksums field must be a JSON object of file name → SHA-256 (hex)');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new RepriseError('API_BAD_REQUEST', 'the checksums field must be a JSON object of file name → SHA-256 (hex)');
  }
  const checksums = new Map<string, string>();
  for (const [name, sha256] of Object.entries(parsed)) {
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256.toLowerCase())) {
      throw new RepriseError('API_BAD_REQUEST', `checksum of ${name} is not a SHA-256 in hex`);
    }
    checksums.set(name, sha256.toLowerCase());
  }
  return checksums;
};
