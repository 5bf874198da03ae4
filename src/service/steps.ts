/**
 * The four processing steps of a session, each one job kind: convert → compose → package → thumbnails.
 * Every step writes into the output's own folder (media/<session>/<output>/), under temporary names published
 * by rename; a step that runs again (a retry after a crash) first clears what an earlier attempt left of its
 * own files, so nothing is done twice and no half-written file ever carries a served name.
 */
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { composeSession, type ComposeReport } from '../api/compose.js';
import { convertFiles } from '../api/convert.js';
import { MASTER_PLAYLIST, MEDIA_PLAYLIST, MOSAIC_PLAYLIST } from '../api/hls-publish.js';
import { runFfmpeg } from '../ffmpeg/run.js';
import type { SessionManifest } from '../sessions/manifest.js';
import { JOB_KINDS, type JobKind } from '../catalog/schema.js';
import { RepriseError } from '../shared/errors.js';
import { writeAtomically } from '../store/atomic-file.js';

// The catalog's job kinds, listed in pipeline order.
export { JOB_KINDS, type JobKind };

/** The payload every step's job carries (typed; stored as JSON by the queue). */
export type StepPayload = { sessionId: string; jobId: string; outputId: string };

export type StepInput = {
  manifest: SessionManifest;
  /** The folder the manifest's track paths are relative to. */
  sourceDir: string;
  /** media/<session>/<output>/ */
  outputDir: string;
  signal: AbortSignal;
  onProgress: (fraction: number) => void;
};

export type OutputFile = { path: string; sizeBytes: number };
export type StepResult = { files: OutputFile[]; summary: Record<string, string | number | boolean | null> };

/** The next step after `kind`, or null at the end of the pipeline. */
export const nextStep = (kind: JobKind): JobKind | null => JOB_KINDS[JOB_KINDS.indexOf(kind) + 1] ?? null;

const sizeOf = async (path: string): Promise<number> => (await stat(path)).size;

/** Each participant's recordings as downloadable files: audio + video merged (WebM), data channels as WebVTT. */
export const convertStep = async (input: StepInput): Promise<StepResult> => {
  const folder = join(input.outputDir, 'participants');
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  const files: OutputFile[] = [];
  const jobs: Array<{ inputs: string[]; output: string }> = [];
  for (const participant of input.manifest.participants) {
    const media = participant.tracks.filter((track) => track.kind !== 'data');
    const audio = media.filter((track) => track.kind === 'audio');
    const video = media.filter((track) => track.kind === 'video');
    const base = participant.id.replace(/[^A-Za-z0-9._-]+/g, '_');
    if (audio.length <= 1 && video.length <= 1 && media.length > 0) {
      jobs.push({ inputs: media.map((track) => resolve(input.sourceDir, track.file)), output: join(folder, `${base}.webm`) });
    } else {
      // Several stretches (left and came back): one file per recording, numbered in time order.
      [...media].sort((a, b) => a.startMs - b.startMs).forEach((track, index) => {
        jobs.push({ inputs: [resolve(input.sourceDir, track.file)], output: join(folder, `${base}-${index + 1}-${track.kind}.${track.kind === 'audio' ? 'ogg' : 'webm'}`) });
      });
    }
    participant.tracks.filter((track) => track.kind === 'data').forEach((track, index) => {
      jobs.push({ inputs: [resolve(input.sourceDir, track.file)], output: join(folder, `${base}-chat${index === 0 ? '' : `-${index + 1}`}.vtt`) });
    });
  }
  for (const [index, job] of jobs.entries()) {
    try {
      await convertFiles({ inputs: job.inputs, output: job.output, signal: input.signal, onProgress: (fraction) => input.onProgress((index + fraction) / jobs.length) });
    } catch (error) {
      if (input.signal.aborted || (error instanceof RepriseError && error.code === 'CONVERT_CANCELLED')) {
        throw error;
      }
      // A participant whose recordings hold no usable media is left out of the downloads, not fatal.
      if (error instanceof RepriseError && (error.code === 'CONVERT_NO_MEDIA' || error.code === 'MJR_NO_PACKETS' || error.code === 'MJR_EMPTY')) {
        continue;
      }
      throw error;
    }
    files.push({ path: job.output, sizeBytes: await sizeOf(job.output) });
  }
  return { files, summary: { participants: input.manifest.participants.length, files: files.length } };
};

/** The composed ladder, the mosaic rendition, thumbnails and the download MP4 (one decode of the inputs). */
export const composeStep = async (input: StepInput, options: { preset?: string } = {}): Promise<StepResult & { report: ComposeReport }> => {
  const hlsDir = join(input.outputDir, 'hls');
  await rm(hlsDir, { recursive: true, force: true });
  await mkdir(hlsDir, { recursive: true });
  const report = await composeSession({
    source: input.sourceDir,
    session: { manifest: input.manifest, folder: input.sourceDir },
    layout: { type: 'grid' },
    hlsDir,
    mosaic: true,
    signal: input.signal,
    onProgress: input.onProgress,
    ...(options.preset === undefined ? {} : { preset: options.preset }),
  });
  return {
    report,
    files: [{ path: join(hlsDir, MASTER_PLAYLIST), sizeBytes: await sizeOf(join(hlsDir, MASTER_PLAYLIST)) }],
    summary: { durationMs: report.durationMs, segments: report.hls?.segments ?? 0, renditions: report.hls?.renditions.length ?? 0 },
  };
};

/** Lists the segment URIs a media playlist names (and its EXT-X-MAP), and whether it ended. */
export const readMediaPlaylist = (text: string): { uris: string[]; ended: boolean } => {
  const uris: string[] = [];
  for (const line of text.split('\n').map((entry) => entry.trim())) {
    const map = /^#EXT-X-MAP:URI="([^"]+)"/.exec(line);
    if (map !== null) {
      uris.push(map[1]!);
    } else if (line !== '' && !line.startsWith('#')) {
      uris.push(line);
    }
  }
  return { uris: [...new Set(uris)], ended: text.includes('#EXT-X-ENDLIST') };
};

/**
 * Checks the composed output before it is published: every multivariant playlist names media playlists that
 * ended, and every segment they name exists and is not empty. Then writes `outputs.json` (every file, size).
 */
export const packageStep = async (input: StepInput): Promise<StepResult> => {
  const hlsDir = join(input.outputDir, 'hls');
  const files: OutputFile[] = [];
  for (const master of [MASTER_PLAYLIST, MOSAIC_PLAYLIST]) {
    const text = await readFile(join(hlsDir, master), 'utf8').catch(() => null);
    if (text === null) {
      if (master === MOSAIC_PLAYLIST) {
        continue;
      }
      throw new RepriseError('JOB_FAILED', `the composition has no ${master}: compose did not finish`);
    }
    const variants = text.split('\n').map((line) => line.trim()).filter((line) => line.endsWith(`/${MEDIA_PLAYLIST}`));
    if (variants.length === 0) {
      throw new RepriseError('JOB_FAILED', `${master} names no media playlist`);
    }
    for (const variant of variants) {
      const playlist = await readFile(join(hlsDir, variant), 'utf8');
      const { uris, ended } = readMediaPlaylist(playlist);
      if (!ended) {
        throw new RepriseError('JOB_FAILED', `${variant} has no EXT-X-ENDLIST: the composition did not end`);
      }
      const folder = join(hlsDir, variant, '..');
      for (const uri of uris) {
        const sizeBytes = await sizeOf(join(folder, uri)).catch(() => 0);
        if (sizeBytes === 0) {
          throw new RepriseError('JOB_FAILED', `${variant} names ${uri}, which is missing or empty`);
        }
        files.push({ path: join(folder, uri), sizeBytes });
      }
    }
  }
  const listing = await listFiles(input.outputDir);
  const index = { sessionId: input.manifest.id, files: listing.map((file) => ({ path: file.path.slice(input.outputDir.length + 1), sizeBytes: file.sizeBytes })) };
  await writeAtomically(join(input.outputDir, 'outputs.json'), (temporary) => writeFile(temporary, `${JSON.stringify(index, null, 2)}\n`));
  input.onProgress(1);
  return { files, summary: { files: listing.length, bytes: listing.reduce((sum, file) => sum + file.sizeBytes, 0) } };
};

const listFiles = async (folder: string): Promise<OutputFile[]> => {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files: OutputFile[] = [];
  for (const entry of entries) {
    if (entry.isFile() && !entry.name.startsWith('.') && !entry.name.endsWith('.tmp')) {
      const path = join(entry.parentPath ?? entry.path, entry.name);
      files.push({ path, sizeBytes: await sizeOf(path) });
    }
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
};

/** The library's poster: one frame of the download MP4, a tenth of the way in (at most 5 s), 640 px wide. */
export const thumbnailsStep = async (input: StepInput): Promise<StepResult> => {
  const source = join(input.outputDir, 'hls', 'download.mp4');
  const target = join(input.outputDir, 'poster.jpg');
  const atSec = Math.min(5, input.manifest.durationMs / 10_000);
  await writeAtomically(target, (temporary) =>
    runFfmpeg(['-y', '-ss', atSec.toFixed(3), '-i', source, '-frames:v', '1', '-vf', 'scale=640:-2', '-q:v', '4', '-f', 'image2', '-c:v', 'mjpeg', temporary], { signal: input.signal }),
  );
  input.onProgress(1);
  return { files: [{ path: target, sizeBytes: await sizeOf(target) }], summary: { atSec } };
};

export const runStep = (kind: JobKind, input: StepInput): Promise<StepResult> => {
  switch (kind) {
    case 'convert':
      return convertStep(input);
    case 'compose':
      return composeStep(input);
    case 'package':
      return packageStep(input);
    case 'thumbnails':
      return thumbnailsStep(input);
  }
};
