/**
 * Library entry: a folder of recordings → session manifests. Reads every `.mjr` (streaming), its header and
 * arrival span, Record&Play `.nfo` names, and groups them. Files that cannot be read (8-byte files Janus leaves
 * when no media arrived, damaged headers, encrypted media) are listed with their reason, never fatal.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { AUDIO_LEVEL_URI } from '../rtp/extensions.js';
import { parseNfo, parseRecordingName } from '../sessions/file-names.js';
import { groupRecordings, type GroupOptions, type RecordingInfo } from '../sessions/group.js';
import type { SessionManifest } from '../sessions/manifest.js';
import { isRepriseError, RepriseError } from '../shared/errors.js';
import { inspectFile } from './inspect.js';
import { detectSpeaking } from './speaking.js';

export type SkippedRecording = { file: string; code: string; message: string };
export type ScanResult = { sessions: SessionManifest[]; skipped: SkippedRecording[] };

const listFiles = async (folder: string): Promise<string[]> => {
  try {
    const entries = await readdir(folder, { recursive: true, withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath ?? entry.path, entry.name));
  } catch (error) {
    throw new RepriseError((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'IO_NOT_FOUND' : 'IO_READ', `cannot list ${folder}: ${(error as Error).message}`, { cause: error });
  }
};

/** Reads one recording's facts for grouping. */
export const describeRecording = async (path: string, manifestFolder: string, displayNames: ReadonlyMap<string, string> = new Map()): Promise<RecordingInfo> => {
  const report = await inspectFile(path);
  const name = parseRecordingName(basename(path));
  const first = report.resolutions?.[0];
  return {
    file: relative(manifestFolder, path),
    name,
    kind: report.kind,
    codec: report.codec,
    description: report.description,
    startUs: report.firstArrivalUs ?? report.firstPacketUs,
    endUs: report.lastArrivalUs ?? report.firstPacketUs + report.durationMs * 1000,
    width: first?.width ?? null,
    height: first?.height ?? null,
    hasAudioLevel: Object.values(report.extmap).includes(AUDIO_LEVEL_URI),
    displayName: displayNames.get(basename(path)) ?? null,
  };
};

export type ScanOptions = Partial<GroupOptions> & {
  /** Detect who speaks when (audio-level extension, else decoded energy). */
  speaking?: boolean;
  signal?: AbortSignal;
};

export const scanSessions = async (folder: string, options: ScanOptions = {}): Promise<ScanResult> => {
  const files = await listFiles(folder);
  const displayNames = new Map<string, string>();
  for (const file of files.filter((path) => path.endsWith('.nfo'))) {
    const nfo = parseNfo(await readFile(file, 'utf8'));
    for (const recording of Object.values(nfo?.files ?? {})) {
      if (nfo?.name) {
        displayNames.set(basename(recording), nfo.name);
      }
    }
  }
  const recordings: RecordingInfo[] = [];
  const skipped: SkippedRecording[] = [];
  for (const file of files.filter((path) => path.endsWith('.mjr')).sort()) {
    try {
      recordings.push(await describeRecording(file, folder, displayNames));
    } catch (error) {
      if (!isRepriseError(error)) {
        throw error;
      }
      skipped.push({ file: relative(folder, file), code: error.code, message: error.message });
    }
  }
  const sessions = groupRecordings(recordings, options);
  if (options.speaking !== true) {
    return { sessions, skipped };
  }
  const withSpeech: SessionManifest[] = [];
  for (const session of sessions) {
    withSpeech.push(await detectSpeaking(session, folder, options.signal));
  }
  return { sessions: withSpeech, skipped };
};
