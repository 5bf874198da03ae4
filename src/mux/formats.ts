/**
 * Output formats by file extension, and which codecs each can hold (what `reprise convert` may write without
 * re-encoding). Pure.
 */
import { extname } from 'node:path/posix';
import { RepriseError } from '../shared/errors.js';

export type OutputFormat = 'webm' | 'mkv' | 'mka' | 'mp4' | 'ogg' | 'wav' | 'webvtt' | 'srt' | 'raw';
export type OutputVideoCodec = 'vp8' | 'vp9' | 'h264' | 'h265' | 'av1';
export type OutputAudioCodec = 'opus' | 'pcm';

const BY_EXTENSION: Record<string, OutputFormat> = {
  webm: 'webm',
  mkv: 'mkv',
  mka: 'mka',
  mp4: 'mp4',
  m4a: 'mp4',
  ogg: 'ogg',
  opus: 'ogg',
  oga: 'ogg',
  wav: 'wav',
  vtt: 'webvtt',
  webvtt: 'webvtt',
  srt: 'srt',
  bin: 'raw',
  raw: 'raw',
};

export const FORMAT_CODECS: Record<OutputFormat, { video: readonly OutputVideoCodec[]; audio: readonly OutputAudioCodec[]; text: boolean }> = {
  webm: { video: ['vp8', 'vp9', 'av1'], audio: ['opus'], text: false },
  mkv: { video: ['vp8', 'vp9', 'av1', 'h264', 'h265'], audio: ['opus', 'pcm'], text: false },
  mka: { video: [], audio: ['opus', 'pcm'], text: false },
  mp4: { video: ['h264', 'h265', 'av1', 'vp9'], audio: ['opus'], text: false },
  ogg: { video: [], audio: ['opus'], text: false },
  wav: { video: [], audio: ['pcm'], text: false },
  webvtt: { video: [], audio: [], text: true },
  srt: { video: [], audio: [], text: true },
  raw: { video: [], audio: [], text: false },
};

/** The format a path asks for, or the `--format` override (an extension name or a format name). */
export const formatOf = (path: string, override?: string): OutputFormat => {
  const name = (override ?? extname(path).slice(1)).toLowerCase();
  const format = BY_EXTENSION[name] ?? (Object.keys(FORMAT_CODECS).includes(name) ? (name as OutputFormat) : undefined);
  if (format === undefined) {
    throw new RepriseError('CONVERT_FORMAT', override === undefined
      ? `cannot tell the output format from ${JSON.stringify(path)}: use one of .webm .mkv .mka .mp4 .ogg .opus .wav .vtt .srt .bin, or --format`
      : `unknown format ${JSON.stringify(override)}`, { details: { path } });
  }
  return format;
};

/** Refuses, with a coded error, a codec the container cannot carry. */
export const checkCodecFits = (format: OutputFormat, track: { kind: 'video'; codec: OutputVideoCodec } | { kind: 'audio'; codec: OutputAudioCodec }): void => {
  const allowed: readonly string[] = FORMAT_CODECS[format][track.kind];
  if (!allowed.includes(track.codec)) {
    const fits = (Object.keys(FORMAT_CODECS) as OutputFormat[]).filter((candidate) => (FORMAT_CODECS[candidate][track.kind] as readonly string[]).includes(track.codec));
    throw new RepriseError('CONVERT_CODEC_CONTAINER', `${track.codec} ${track.kind} cannot go into ${format} without re-encoding; it fits: ${fits.join(', ') || 'none'}`, {
      details: { format, codec: track.codec },
    });
  }
};
