/**
 * A small WebVTT reader (W3C "WebVTT: The Web Video Text Tracks Format" §4): cue timings, payload and the
 * optional identifier. Regions, styles and cue settings are skipped. Pure.
 */
export type VttCue = { id: string | null; startSec: number; endSec: number; text: string };
export type VttFile = { cues: VttCue[]; notes: string[] };

const TIMESTAMP = /^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})$/;

/** "01:02.500" or "1:01:02.500" → seconds; null when malformed. */
export const parseVttTimestamp = (text: string): number | null => {
  const match = TIMESTAMP.exec(text.trim());
  if (match === null) {
    return null;
  }
  const [, hours, minutes, seconds, millis] = match;
  return Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds) + Number(millis) / 1000;
};

export const parseVtt = (text: string): VttFile => {
  const blocks = text.replace(/\r\n?/g, '\n').trim().split(/\n{2,}/);
  const cues: VttCue[] = [];
  const notes: string[] = [];
  for (const block of blocks) {
    const lines = block.split('\n').filter((line, index) => index > 0 || line.trim() !== '');
    const first = lines[0];
    if (first === undefined || first.startsWith('WEBVTT')) {
      continue;
    }
    if (first.startsWith('NOTE')) {
      notes.push(lines.join('\n').replace(/^NOTE\s?/, ''));
      continue;
    }
    const timingIndex = lines.findIndex((line) => line.includes('-->'));
    if (timingIndex < 0 || timingIndex > 1) {
      continue;
    }
    const [startText = '', rest = ''] = lines[timingIndex]!.split('-->');
    const startSec = parseVttTimestamp(startText);
    const endSec = parseVttTimestamp(rest.trim().split(/\s+/)[0] ?? '');
    if (startSec === null || endSec === null) {
      continue;
    }
    cues.push({ id: timingIndex === 1 ? first.trim() : null, startSec, endSec, text: lines.slice(timingIndex + 1).join('\n') });
  }
  return { cues, notes };
};

/** Cue payload as plain text: tags dropped, the three character references our server writes decoded. */
export const vttTextToPlain = (payload: string): string =>
  payload
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
