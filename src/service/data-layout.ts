/**
 * Where `reprise serve` keeps things under its data folder (`--data`, default ./reprise-data):
 *   catalog/                 the embedded database (PGlite), when no --database is given
 *   recordings/<session>/    uploaded recordings (a watched Janus folder stays where it is)
 *   uploads/<upload>/        uploads being received (moved into recordings/ once accepted)
 *   media/<session>/<output>/ everything a player fetches: hls/ (ladder, mosaic, thumbnails, download.mp4),
 *                            participants/ (one file per participant), poster.jpg
 * Paths are pure string functions here: only the steps create or remove them.
 */
import { join, resolve } from 'node:path';

export type DataLayout = {
  root: string;
  catalogDir: string;
  recordingsDir: string;
  uploadsDir: string;
  mediaDir: string;
};

export const dataLayout = (root: string): DataLayout => {
  const absolute = resolve(root);
  return {
    root: absolute,
    catalogDir: join(absolute, 'catalog'),
    recordingsDir: join(absolute, 'recordings'),
    uploadsDir: join(absolute, 'uploads'),
    mediaDir: join(absolute, 'media'),
  };
};
