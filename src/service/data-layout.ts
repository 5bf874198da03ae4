/**
 * Where `reprise serve` keeps things under its data folder (`--data`, default ./reprise-data):
 *   catalog/                 the embedded database (PGlite), when no --database is given
 *   recordings/<session>/    uploaded recordings (a watched Janus folder stays where it is)
 *   uploads/<upload>/        uploads being received (moved into recordings/ once accepted)
 *   media/<session>/<output>/ everything a player fetches: hls/ (ladder, mosaic, thumbnails, download.mp4),
 *                            participants/ (one file per participant), poster.jpg
 *   work/                    scratch space of running jobs
 * Paths are pure string functions here: only the steps create or remove them.
 */
import { join, resolve } from 'node:path';

export type DataLayout = {
  root: string;
  catalogDir: string;
  recordingsDir: string;
  uploadsDir: string;
  mediaDir: string;
  workDir: string;
};

export const dataLayout = (root: string): DataLayout => {
  const absolute = resolve(root);
  return {
    root: absolute,
    catalogDir: join(absolute, 'catalog'),
    recordingsDir: join(absolute, 'recordings'),
    uploadsDir: join(absolute, 'uploads'),
    mediaDir: join(absolute, 'media'),
    workDir: join(absolute, 'work'),
  };
};

/** A session id or output id as a single safe path segment (ids come from file names and UUIDs). */
export const isSafeSegment = (value: string): boolean => /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(value) && !value.includes('..');

export const sessionMediaDir = (layout: DataLayout, sessionId: string): string => join(layout.mediaDir, sessionId);

/** Relative to the media root: the form stored in the catalog's outputs. */
export const outputPath = (sessionId: string, outputId: string): string => `${sessionId}/${outputId}`;
