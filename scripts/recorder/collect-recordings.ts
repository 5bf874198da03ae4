import { copyFile, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RecorderError } from './recorder-error.js';

/** Copies the .mjr files Janus wrote (names unchanged) and writes session.json next to them. */
export type RecordedFile = { name: string; bytes: number; publisherId: number | null; kind: string | null };

const VIDEOROOM_NAME = /^videoroom-(?<room>.+)-user-(?<user>.+)-(?<createdUs>\d{13,})-(?<kind>audio|video|data)(?:-(?<mindex>\d+))?\.mjr$/;

export function parseVideoRoomFileName(name: string): { publisherId: number | null; kind: string | null } {
  const groups = VIDEOROOM_NAME.exec(name)?.groups;
  const publisherId = Number(groups?.['user']);
  return { publisherId: Number.isSafeInteger(publisherId) ? publisherId : null, kind: groups?.['kind'] ?? null };
}

/** Removes what an earlier run left in `folder` (only .mjr files and session.json). */
async function clearOldFixtures(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (const name of await readdir(folder)) {
    if (name.endsWith('.mjr') || name === 'session.json') {
      await rm(join(folder, name));
    }
  }
}

export async function collectRecordings(recordingsDir: string, outputDir: string): Promise<RecordedFile[]> {
  const names = (await readdir(recordingsDir)).filter((name) => name.endsWith('.mjr')).sort();
  if (names.length === 0) {
    throw new RecorderError('REC_NO_RECORDINGS', `Janus wrote no .mjr file into ${recordingsDir}`);
  }
  await clearOldFixtures(outputDir);
  const files: RecordedFile[] = [];
  for (const name of names) {
    await copyFile(join(recordingsDir, name), join(outputDir, name));
    files.push({ name, bytes: (await stat(join(outputDir, name))).size, ...parseVideoRoomFileName(name) });
  }
  return files;
}

export async function writeSessionJson(outputDir: string, session: unknown): Promise<void> {
  await writeFile(join(outputDir, 'session.json'), `${JSON.stringify(session, null, 2)}\n`);
}
