/**
 * Data-channel text messages → subtitles: WebVTT (W3C "WebVTT: The Web Video Text Tracks Format", file syntax:
 * header, NOTE blocks, cues with optional identifiers) and SubRip (.srt, the de-facto format: sequence number, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, text,
 * blank line).
 *
 * Timing: cue n starts at (message time − startUs), truncated to the millisecond, and ends where cue n + 1
 * starts (cues may touch); the last cue lasts `lastCueMs`. Messages are sorted by time (stably, so equal
 * times keep arrival order). A cue is never negative or empty: messages before startUs start at 0, and a
 * cue whose successor starts at the same millisecond lasts 1 ms. A message with no text left after
 * removing blank lines gets no cue, but still ends the cue before it.
 *
 * janus-pp-rec (mjr-format.md §3.8) ends cues 1 ms early and writes SRT times with a dot before the
 * milliseconds; SRT needs a comma. Lines end with LF in both formats (WebVTT allows CR, LF or CRLF; every
 * SRT reader we know accepts LF).
 */

import { assert } from '../shared/errors.js';

export type DataChannelMessage = {
  /** Wall-clock arrival time, µs since the Unix epoch (the 8-byte prefix of a Janus data record). */
  timeUs: number;
  text: string;
};

export type SubtitleOptions = {
  /** Wall-clock time (µs since the epoch) that is t = 0 of the output. */
  startUs: number;
  /** Duration of the last cue; 5000 ms by default, as janus-pp-rec. */
  lastCueMs?: number;
};

export type SubtitleCue = {
  startMs: number;
  endMs: number;
  /** Wall-clock time of the message, µs since the epoch. */
  timeUs: number;
  /** The message's non-blank lines. */
  lines: string[];
};

export const DEFAULT_LAST_CUE_MS = 5000;

/** Splits on CR, LF and CRLF and drops blank lines (an empty line would end the cue early in both formats). */
const splitNonBlankLines = (text: string): string[] => text.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '');

/** The cues of a message list, in time order, with the timing rules above. */
export const buildSubtitleCues = (messages: readonly DataChannelMessage[], options: SubtitleOptions): SubtitleCue[] => {
  assert(Number.isFinite(options.startUs) && messages.every((message) => Number.isFinite(message.timeUs)), 'subtitle times must be finite');
  const lastCueMs = Math.max(1, Math.round(options.lastCueMs ?? DEFAULT_LAST_CUE_MS));
  const sorted = messages
    .map((message, index) => ({ message, index }))
    .sort((a, b) => a.message.timeUs - b.message.timeUs || a.index - b.index)
    .map(({ message }) => message);
  const startsMs = sorted.map((message) => Math.max(0, Math.floor((message.timeUs - options.startUs) / 1000)));
  const cues: SubtitleCue[] = [];
  sorted.forEach((message, index) => {
    const lines = splitNonBlankLines(message.text);
    if (lines.length === 0) {
      return;
    }
    const startMs = startsMs[index]!;
    const nextMs = startsMs[index + 1];
    const endMs = nextMs === undefined ? startMs + lastCueMs : Math.max(nextMs, startMs + 1);
    cues.push({ startMs, endMs, timeUs: message.timeUs, lines });
  });
  return cues;
};

/** `HH:MM:SS<separator>mmm`; hours grow past two digits when they must. */
const formatCueTime = (ms: number, separator: '.' | ','): string => {
  const pad = (value: number, width: number): string => String(value).padStart(width, '0');
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor(ms / 60_000) % 60;
  const seconds = Math.floor(ms / 1000) % 60;
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}${separator}${pad(ms % 1000, 3)}`;
};

/** ISO 8601 UTC with microseconds (`2024-05-01T10:00:00.123456Z`), or null outside the Date range. */
export const formatWallClockUs = (wallClockUs: number): string | null => {
  const timeUs = Math.round(wallClockUs);
  const ms = Math.floor(timeUs / 1000);
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) {
    return null;
  }
  const micros = String(timeUs - ms * 1000).padStart(3, '0');
  return date.toISOString().replace(/Z$/, `${micros}Z`);
};

/** WebVTT cue text: `&`, `<` and `>` as character references; this also breaks up any `-->`. */
const escapeWebVttText = (line: string): string => line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Unique cue identifiers: the wall-clock time, with ` #2`, ` #3`... on repeats of the same time. */
const buildCueIds = (cues: readonly SubtitleCue[]): Array<string | null> => {
  const seen = new Map<string, number>();
  return cues.map((cue) => {
    const iso = formatWallClockUs(cue.timeUs);
    if (iso === null) {
      return null;
    }
    const count = (seen.get(iso) ?? 0) + 1;
    seen.set(iso, count);
    return count === 1 ? iso : `${iso} #${count}`;
  });
};

export const renderWebVtt = (messages: readonly DataChannelMessage[], options: SubtitleOptions): string => {
  const cues = buildSubtitleCues(messages, options);
  const ids = buildCueIds(cues);
  const start = formatWallClockUs(options.startUs) ?? `${options.startUs} µs since the Unix epoch`;
  const blocks = [`WEBVTT`, `NOTE Wall-clock time of 00:00:00.000: ${start}. Cue identifiers are message arrival times.`];
  cues.forEach((cue, index) => {
    const timing = `${formatCueTime(cue.startMs, '.')} --> ${formatCueTime(cue.endMs, '.')}`;
    const id = ids[index];
    blocks.push([...(id ? [id] : []), timing, ...cue.lines.map(escapeWebVttText)].join('\n'));
  });
  return `${blocks.join('\n\n')}\n`;
};

/**
 * SRT has no escaping; a text line holding `-->` could pass for a timing line in lenient readers, so a
 * zero-width space (U+200B) goes between `--` and `>`. Markup-like text (`<i>`) is left as is.
 */
const guardSrtText = (line: string): string => line.replace(/-->/g, '--\u200b>');

export const renderSrt = (messages: readonly DataChannelMessage[], options: SubtitleOptions): string => {
  const cues = buildSubtitleCues(messages, options);
  const blocks = cues.map((cue, index) =>
    [String(index + 1), `${formatCueTime(cue.startMs, ',')} --> ${formatCueTime(cue.endMs, ',')}`, ...cue.lines.map(guardSrtText)].join('\n'),
  );
  return blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`;
};

export type TextDecodeStats = {
  /** Messages that were not valid UTF-8; their bad sequences became U+FFFD. */
  invalidUtf8: number;
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** A text data-channel message's bytes → string; invalid UTF-8 becomes U+FFFD and is counted in `stats`. */
export const decodeMessageText = (bytes: Uint8Array, stats?: TextDecodeStats): string => {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    if (stats !== undefined) {
      stats.invalidUtf8++;
    }
    return lenientUtf8.decode(bytes);
  }
};
