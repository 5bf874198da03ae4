/**
 * Timeline preview thumbnails: a WebVTT file whose cues point into sprite sheets with a media fragment
 * (`sheet-000.jpg#xywh=x,y,w,h`, W3C Media Fragments URI §4.2.2), relative to the VTT's own URL. Pure.
 */
import { parseVtt } from '../shared/vtt';

export type ThumbnailCue = { startSec: number; endSec: number; imageUrl: string; x: number; y: number; width: number; height: number };

const XYWH = /#xywh=(?:pixel:)?(\d+),(\d+),(\d+),(\d+)$/;

/** `vttUrl` may be relative to `baseUrl` (the page); image URLs come back absolute. */
export const parseThumbnailVtt = (text: string, vttUrl: string, baseUrl: string): ThumbnailCue[] => {
  const resolvedVtt = new URL(vttUrl, baseUrl);
  return parseVtt(text).cues.flatMap((cue) => {
    const reference = cue.text.trim();
    const match = XYWH.exec(reference);
    if (match === null) {
      return [];
    }
    const [, x, y, width, height] = match.map(Number) as [number, number, number, number, number];
    const imageUrl = new URL(reference.slice(0, match.index), resolvedVtt).toString();
    return [{ startSec: cue.startSec, endSec: cue.endSec, imageUrl, x, y, width, height }];
  });
};

/** The cue shown at `timeSec` (cues sorted by start): the last one starting at or before it. */
export const thumbnailAt = (cues: readonly ThumbnailCue[], timeSec: number): ThumbnailCue | null => {
  let low = 0;
  let high = cues.length - 1;
  let found: ThumbnailCue | null = null;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const cue = cues[middle]!;
    if (cue.startSec <= timeSec) {
      found = cue;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
};
