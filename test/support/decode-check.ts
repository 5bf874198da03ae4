/** ffmpeg as the judge of converted files: decode warnings, per-frame digests, decoded PCM. */
import { spawnSync } from 'node:child_process';

const ffmpeg = (args: readonly string[]): { status: number | null; stdout: Buffer; stderr: string } => {
  const result = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', ...args], { maxBuffer: 512 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
};

/** Everything ffmpeg says at warning level while decoding the whole file: decode errors, non-monotonic timestamps. */
export const decodeWarnings = (file: string): string => {
  const result = ffmpeg(['-v', 'warning', '-i', file, '-map', '0', '-f', 'null', '-']);
  // A plain mono/stereo WAV has no channel mask; ffmpeg says it guessed the layout. That is no defect.
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('Guessed Channel Layout'));
  return `${lines.join('\n')}${result.status === 0 ? '' : `exit ${result.status}`}`.trim();
};

/** MD5 of every decoded frame of the first stream of a kind (ffmpeg -f framemd5), in order. */
export const frameDigests = (file: string, kind: 'v' | 'a', extra: readonly string[] = []): string[] => {
  const result = ffmpeg(['-v', 'error', '-i', file, '-map', `0:${kind}:0`, ...extra, '-f', 'framemd5', '-']);
  if (result.status !== 0) {
    throw new Error(`ffmpeg framemd5 failed on ${file}: ${result.stderr}`);
  }
  return result.stdout
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(',').at(-1)!.trim());
};

/** The first audio stream decoded to mono 16-bit PCM at 48 kHz. */
export const decodeMonoPcm = (file: string): Int16Array => {
  const result = ffmpeg(['-v', 'error', '-i', file, '-map', '0:a:0', '-ac', '1', '-ar', '48000', '-f', 's16le', '-']);
  if (result.status !== 0) {
    throw new Error(`ffmpeg could not decode the audio of ${file}: ${result.stderr}`);
  }
  return new Int16Array(result.stdout.buffer, result.stdout.byteOffset, Math.floor(result.stdout.length / 2));
};

export type ProbedStream = { codec_type: string; codec_name: string; start_time?: string; duration?: string; width?: number; height?: number; channels?: number; sample_rate?: string };

export const probe = (file: string): { streams: ProbedStream[]; format: { duration?: string; tags?: Record<string, string> } } => {
  const result = spawnSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`ffprobe failed on ${file}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as ReturnType<typeof probe>;
};
