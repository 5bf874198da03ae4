/**
 * Scrub thumbnails as sprite sheets plus a WebVTT index (the convention hls.js-based players, Vidstack,
 * video.js plugins and Media Chrome read): each cue's text is `sheet.jpg#xywh=x,y,w,h`, a Media Fragments
 * URI (W3C Media Fragments 1.0 §4.2.2, spatial dimension in pixels).
 *
 * Tile k covers [k·interval, min((k+1)·interval, duration)); sheets fill row by row, `columns × rows`
 * tiles each, and the last sheet may be partly empty. Times are planned in whole milliseconds (WebVTT's
 * resolution), so the cues tile the timeline with no gaps and the last one ends exactly at the duration.
 * Which frame each tile shows is the encoder's business (e.g. ffmpeg `fps=1/interval,scale,tile=CxR`
 * takes the frame at the start of each interval).
 */
import { assert } from '../shared/errors.js';

export type ThumbnailPlanInput = {
  durationSec: number;
  intervalSec: number;
  tileWidth: number;
  tileHeight: number;
  columns: number;
  rows: number;
};

export type ThumbnailTile = { startMs: number; endMs: number; x: number; y: number };

export type ThumbnailSheet = { index: number; tiles: ThumbnailTile[] };

export type ThumbnailPlan = {
  durationMs: number;
  intervalMs: number;
  tileWidth: number;
  tileHeight: number;
  columns: number;
  rows: number;
  /** Every sheet image has this size, even the last, partly filled one. */
  sheetWidth: number;
  sheetHeight: number;
  tileCount: number;
  sheets: ThumbnailSheet[];
};

const isPositiveInteger = (value: number): boolean => Number.isSafeInteger(value) && value > 0;

export const planThumbnails = (input: ThumbnailPlanInput): ThumbnailPlan => {
  const { tileWidth, tileHeight, columns, rows } = input;
  assert(Number.isFinite(input.durationSec) && input.durationSec >= 0, `bad duration ${input.durationSec}`);
  assert(Number.isFinite(input.intervalSec) && input.intervalSec >= 0.001, `bad thumbnail interval ${input.intervalSec}`);
  assert([tileWidth, tileHeight, columns, rows].every(isPositiveInteger), 'tile size, columns and rows must be positive integers');
  const durationMs = Math.round(input.durationSec * 1000);
  const intervalMs = Math.round(input.intervalSec * 1000);
  const tileCount = Math.ceil(durationMs / intervalMs);
  const tilesPerSheet = columns * rows;
  const sheets: ThumbnailSheet[] = [];
  for (let tile = 0; tile < tileCount; tile++) {
    const indexInSheet = tile % tilesPerSheet;
    if (indexInSheet === 0) {
      sheets.push({ index: sheets.length, tiles: [] });
    }
    sheets[sheets.length - 1]!.tiles.push({
      startMs: tile * intervalMs,
      endMs: Math.min((tile + 1) * intervalMs, durationMs),
      x: (indexInSheet % columns) * tileWidth,
      y: Math.floor(indexInSheet / columns) * tileHeight,
    });
  }
  return { durationMs, intervalMs, tileWidth, tileHeight, columns, rows, sheetWidth: columns * tileWidth, sheetHeight: rows * tileHeight, tileCount, sheets };
};

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** WebVTT timestamp `hh:mm:ss.ttt` (hours always written; WebVTT allows more than two digits). */
export const formatVttTimestamp = (ms: number): string => {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor(ms / 60_000) % 60;
  const seconds = Math.floor(ms / 1000) % 60;
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(ms % 1000, 3)}`;
};

/** The WebVTT index: one cue per tile, LF line ends, a blank line after every cue. */
export const renderThumbnailVtt = (plan: ThumbnailPlan, sheetUri: (index: number) => string): string => {
  const blocks = ['WEBVTT\n'];
  for (const sheet of plan.sheets) {
    const uri = sheetUri(sheet.index);
    // A cue's text may not hold a line break, and "-->" would end it (WebVTT §4.1).
    assert(!/[\r\n]/.test(uri) && !uri.includes('-->') && !uri.includes('#'), `bad sheet URI ${JSON.stringify(uri)}`);
    for (const tile of sheet.tiles) {
      blocks.push(`${formatVttTimestamp(tile.startMs)} --> ${formatVttTimestamp(tile.endMs)}\n${uri}#xywh=${tile.x},${tile.y},${plan.tileWidth},${plan.tileHeight}\n`);
    }
  }
  return blocks.join('\n');
};
