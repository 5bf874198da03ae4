/**
 * ffmpeg's `-progress <url>` output: blocks of `key=value` lines, each closed by `progress=continue` or, once,
 * `progress=end`. Pure: text in, values out.
 *
 * Witnessed in ffmpeg 5.1: `out_time_ms` holds microseconds, exactly like `out_time_us` (a long-standing
 * ffmpeg quirk), so it is read as µs; values are `N/A` when unknown (`bitrate`, `total_size`, `speed` at the
 * start; every `out_time*` key when no timestamp is known yet); `speed` and `bitrate` carry units and padding
 * (`speed=  14x`, `bitrate= 257.0kbits/s`); an audio-only output has no `frame` or `fps` keys; per-stream keys
 * such as `stream_0_0_q` come and go with the outputs.
 */

export type FfmpegProgress = {
  /** Video frames written so far (absent for audio-only outputs). */
  frame: number | null;
  fps: number | null;
  bitrateKbps: number | null;
  totalSizeBytes: number | null;
  /** Output position, µs (may be negative at the very start). */
  outTimeUs: number | null;
  /** The same position in ms. */
  outTimeMs: number | null;
  dupFrames: number | null;
  dropFrames: number | null;
  /** Encoding speed as a multiple of real time. */
  speed: number | null;
  /** `end` on the last block; null when the block was cut before its `progress=` line. */
  progress: 'continue' | 'end' | null;
  /** Every key as written, values trimmed (including per-stream keys such as `stream_0_0_q`). */
  fields: Record<string, string>;
};

const number = (value: string | undefined): number | null => {
  if (value === undefined || value === '' || value === 'N/A') {
    return null;
  }
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
};

/** `speed=  14x`, `speed=1.03e+03x`, `speed=N/A`. */
const numberWithUnit = (value: string | undefined, unit: string): number | null => {
  if (value === undefined) {
    return null;
  }
  const trimmed = value.endsWith(unit) ? value.slice(0, -unit.length).trim() : value;
  return number(trimmed);
};

/** `out_time=00:00:01.000000` or `-00:00:00.023220` → µs. */
const parseClockUs = (value: string | undefined): number | null => {
  const match = value === undefined ? null : /^(-?)(\d+):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(value);
  if (match === null) {
    return null;
  }
  const [, sign, hours, minutes, seconds, fraction = ''] = match;
  const fractionUs = Number((fraction + '000000').slice(0, 6));
  const us = ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1_000_000 + fractionUs;
  return sign === '-' ? -us : us;
};

/** Parses one block (its lines, in any order; unknown keys kept in `fields`, lines without `=` ignored). */
export const parseProgressBlock = (text: string): FfmpegProgress => {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const equals = line.indexOf('=');
    if (equals <= 0) {
      continue;
    }
    fields[line.slice(0, equals).trim()] = line.slice(equals + 1).trim();
  }
  // out_time_ms is µs in every ffmpeg that writes it (5.1 included): prefer out_time_us, fall back on both.
  const outTimeUs = number(fields['out_time_us']) ?? number(fields['out_time_ms']) ?? parseClockUs(fields['out_time']);
  const progress = fields['progress'];
  return {
    frame: number(fields['frame']),
    fps: number(fields['fps']),
    bitrateKbps: numberWithUnit(fields['bitrate'], 'kbits/s'),
    totalSizeBytes: number(fields['total_size']),
    outTimeUs,
    outTimeMs: outTimeUs === null ? null : outTimeUs / 1000,
    dupFrames: number(fields['dup_frames']),
    dropFrames: number(fields['drop_frames']),
    speed: numberWithUnit(fields['speed'], 'x'),
    progress: progress === 'continue' || progress === 'end' ? progress : null,
    fields,
  };
};

/** Longest line kept (a progress line is ~40 characters); longer ones are cut. */
const MAX_LINE_CHARS = 4096;
/** Most lines in one block (ffmpeg writes ~12 plus one per output stream). */
const MAX_BLOCK_LINES = 1024;

/**
 * Cuts the progress stream, in chunks of any size, into complete blocks (the text of each, `progress=` line
 * included). Memory stays bounded however the stream is damaged.
 */
export class ProgressBlockSplitter {
  private readonly decoder = new TextDecoder();
  private partialLine = '';
  private lines: string[] = [];

  /** Adds a chunk; returns the blocks it completed, in order. */
  push(chunk: Uint8Array | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    return this.consume(text);
  }

  /** End of the stream: an unfinished last block (no `progress=` line), if any. */
  end(): string[] {
    const blocks = this.consume(this.decoder.decode() + '\n');
    const rest = this.lines.filter((line) => line.length > 0);
    this.lines = [];
    this.partialLine = '';
    return rest.length === 0 ? blocks : [...blocks, rest.join('\n')];
  }

  private consume(text: string): string[] {
    const blocks: string[] = [];
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline === -1) {
        this.partialLine = (this.partialLine + text.slice(start)).slice(0, MAX_LINE_CHARS);
        return blocks;
      }
      const line = (this.partialLine + text.slice(start, newline)).replace(/\r$/, '').slice(0, MAX_LINE_CHARS);
      this.partialLine = '';
      start = newline + 1;
      if (this.lines.length < MAX_BLOCK_LINES) {
        this.lines.push(line);
      }
      if (line.startsWith('progress=')) {
        if (this.lines[this.lines.length - 1] !== line) {
          this.lines.push(line);
        }
        blocks.push(this.lines.join('\n'));
        this.lines = [];
      }
    }
  }
}
