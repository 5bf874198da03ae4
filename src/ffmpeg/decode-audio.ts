/**
 * Signal level over time of a media file's first audio stream: ffprobe gives the stream's start time, ffmpeg
 * decodes it to mono 16 kHz s16le on stdout, and `RmsLevelMeter` turns the stream into one level per window as
 * it arrives (only the levels are kept: ~180 000 of them for an hour at 20 ms).
 *
 * Timing: ffmpeg subtracts the file's start time from every timestamp, then `aresample=async=1` fills holes in
 * the stream's timestamps (DTX, loss) with silence and trims overlaps, and its `first_pts` pins the first output
 * sample to the stream's own start. So output sample n is at `stream start_time + n / 16 kHz` on the file's
 * timeline, even when the audio starts after the video or has gaps.
 */
import { RepriseError } from '../shared/errors.js';
import { RmsLevelMeter, type EnergyLevel } from '../sessions/levels.js';
import { runFfmpeg, runFfprobeJson } from './run.js';

export const DECODE_SAMPLE_RATE = 16_000;
/** A desync larger than this (s) is corrected by inserting silence or dropping samples. */
const MIN_HARD_COMPENSATION_SEC = 0.02;

export type DecodeAudioLevelsOptions = {
  signal?: AbortSignal;
  /** RMS window, ms. Default 20. */
  windowMs?: number;
  ffmpegPath?: string;
  ffprobePath?: string;
  /** ffmpeg's progress (`fraction` of the stream's duration when ffprobe knows it). */
  onProgress?: (fraction: number) => void;
};

export type AudioStreamTiming = {
  codec: string | null;
  /** The stream's start on the file's timeline, ms. */
  startMs: number;
  /** The file's start (the earliest stream), ms: the zero ffmpeg moves every timestamp to. */
  fileStartMs: number;
  durationMs: number | null;
  sampleRate: number | null;
};

/** `file:` so that a name such as `concat:x` or `http:…` is never read as a protocol. */
export const ffmpegInputUrl = (path: string): string => (path.startsWith('file:') ? path : `file:${path}`);

const FFPROBE_ARGS = ['-select_streams', 'a:0', '-show_entries', 'stream=index,codec_name,sample_rate,start_time,duration:format=start_time,duration'];

const seconds = (value: unknown): number | null => {
  const parsed = typeof value === 'string' || typeof value === 'number' ? Number(value) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : null;
};

const objectOrEmpty = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** Reads `ffprobe -show_entries stream=…:format=…` JSON for the first audio stream. Pure. */
export const parseAudioStreamTiming = (probe: unknown, file: string): AudioStreamTiming => {
  const root = objectOrEmpty(probe);
  const streams = Array.isArray(root['streams']) ? root['streams'] : [];
  const stream = streams.length > 0 ? objectOrEmpty(streams[0]) : null;
  if (stream === null) {
    throw new RepriseError('FFMPEG_NO_AUDIO', `${file} has no audio stream`, { details: { file } });
  }
  const format = objectOrEmpty(root['format']);
  const fileStartSec = seconds(format['start_time']);
  const streamStartSec = seconds(stream['start_time']) ?? fileStartSec ?? 0;
  const durationSec = seconds(stream['duration']) ?? seconds(format['duration']);
  return {
    codec: typeof stream['codec_name'] === 'string' ? stream['codec_name'] : null,
    startMs: streamStartSec * 1000,
    fileStartMs: (fileStartSec ?? streamStartSec) * 1000,
    durationMs: durationSec === null ? null : durationSec * 1000,
    sampleRate: seconds(stream['sample_rate']),
  };
};

/** The ffmpeg arguments that decode the first audio stream to mono s16le on stdout (pure). */
export const buildDecodeAudioArgs = (file: string, timing: Pick<AudioStreamTiming, 'startMs' | 'fileStartMs'>): string[] => {
  const firstPts = Math.round(((timing.startMs - timing.fileStartMs) * DECODE_SAMPLE_RATE) / 1000);
  // first_pts counts samples at the filter's *input* rate: resample first, then fix the timing at 16 kHz.
  const resample = `aresample=${DECODE_SAMPLE_RATE},aresample=async=1:min_hard_comp=${MIN_HARD_COMPENSATION_SEC}:first_pts=${firstPts}`;
  return ['-i', ffmpegInputUrl(file), '-map', '0:a:0', '-af', resample, '-ac', '1', '-c:a', 'pcm_s16le', '-f', 's16le', 'pipe:1'];
};

/** RMS level per window of the file's first audio stream, `timeMs` on the file's timeline (the stream's start included). */
export const decodeAudioLevels = async (file: string, options: DecodeAudioLevelsOptions = {}): Promise<EnergyLevel[]> => {
  const { signal, windowMs = 20, onProgress } = options;
  const probe = await runFfprobeJson([...FFPROBE_ARGS, ffmpegInputUrl(file)], { signal, ffprobePath: options.ffprobePath });
  const timing = parseAudioStreamTiming(probe, file);
  const meter = new RmsLevelMeter({ sampleRate: DECODE_SAMPLE_RATE, windowMs, startMs: timing.startMs });
  const levels: EnergyLevel[] = [];
  const keep = (batch: EnergyLevel[]): void => {
    for (const level of batch) {
      levels.push(level);
    }
  };
  await runFfmpeg(buildDecodeAudioArgs(file, timing), {
    signal,
    ffmpegPath: options.ffmpegPath,
    durationMs: timing.durationMs ?? undefined,
    onStdout: (chunk) => keep(meter.pushPcm16le(chunk)),
    onProgress: onProgress === undefined ? undefined : (progress) => onProgress(progress.fraction ?? 0),
  });
  keep(meter.finish());
  return levels;
};
