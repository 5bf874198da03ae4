/**
 * Chat captions: each participant's data channel converted to WebVTT by the server. The cue times count from
 * the data recording's own start; its `NOTE Wall-clock time of 00:00:00.000: <ISO>` line says when that was,
 * so the cues are moved onto the session timeline with it. Pure.
 */
import { parseVtt, vttTextToPlain } from '../shared/vtt';

export type CaptionCue = { participantId: string; startSec: number; endSec: number; text: string };

const WALL_CLOCK_NOTE = /Wall-clock time of 00:00:00\.000:\s*(\S+?)\.?(?:\s|$)/;

/** ISO 8601 with any number of fraction digits (ours has microseconds; Date.parse promises only milliseconds). */
export const parseIsoMs = (iso: string): number => Date.parse(iso.replace(/(\.\d{3})\d+/, '$1'));

/** Seconds between the session start and the VTT's zero; 0 when the file does not say. */
export const captionOffsetSec = (notes: readonly string[], sessionStartMs: number): number => {
  for (const note of notes) {
    const match = WALL_CLOCK_NOTE.exec(note);
    const zeroMs = match === null ? Number.NaN : parseIsoMs(match[1]!);
    if (Number.isFinite(zeroMs)) {
      return (zeroMs - sessionStartMs) / 1000;
    }
  }
  return 0;
};

export const parseCaptionVtt = (text: string, participantId: string, sessionStartMs: number): CaptionCue[] => {
  const file = parseVtt(text);
  const offsetSec = captionOffsetSec(file.notes, sessionStartMs);
  return file.cues.map((cue) => ({
    participantId,
    startSec: Math.max(0, cue.startSec + offsetSec),
    endSec: Math.max(0, cue.endSec + offsetSec),
    text: vttTextToPlain(cue.text),
  }));
};
