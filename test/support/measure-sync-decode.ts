import { spawn } from 'node:child_process';
import { parseLumaLog, type AudioClip, type LumaSample } from './measure-sync-analysis.js';

/**
 * The ffmpeg side of measure-sync: decodes a media file into a per-frame luma series and mono PCM.
 * Every process gets an argument array (never a shell). `-copyts` keeps the file's own timestamps,
 * so times are reported on the stream clock, whatever the streams' start times are.
 */
export type Region = { x: number; y: number; width: number; height: number };

export type StreamPresence = { hasVideo: boolean; hasAudio: boolean };

export class MediaDecodeError extends Error {
  override readonly name = 'MediaDecodeError';
  readonly code: 'FFMPEG_MISSING' | 'FFMPEG_EXIT';

  constructor(code: 'FFMPEG_MISSING' | 'FFMPEG_EXIT', message: string) {
    super(message);
    this.code = code;
  }
}

type Output = { stdout: Buffer; stderr: string };

function runTool(command: string, args: readonly string[], timeoutMs = 120_000): Promise<Output> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new MediaDecodeError('FFMPEG_MISSING', `could not run ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const output = { stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8') };
      if (code === 0) {
        resolve(output);
      } else {
        const tail = output.stderr.trim().split('\n').slice(-5).join('\n');
        reject(new MediaDecodeError('FFMPEG_EXIT', `${command} exited with ${code ?? signal}: ${tail}`));
      }
    });
  });
}

export async function probeStreams(path: string): Promise<StreamPresence> {
  const { stdout } = await runTool('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'json', path]);
  const streams = (JSON.parse(stdout.toString('utf8')) as { streams?: { codec_type?: string }[] }).streams ?? [];
  return {
    hasVideo: streams.some((stream) => stream.codec_type === 'video'),
    hasAudio: streams.some((stream) => stream.codec_type === 'audio'),
  };
}

export const buildLumaArgs = (path: string, region?: Region): string[] => {
  const crop = region === undefined ? [] : [`crop=${region.width}:${region.height}:${region.x}:${region.y}`];
  const filters = [...crop, 'signalstats', 'metadata=print:key=lavfi.signalstats.YAVG:file=-'];
  return ['-hide_banner', '-nostdin', '-loglevel', 'error', '-copyts', '-i', path, '-map', '0:v:0', '-vf', filters.join(','), '-f', 'null', '-'];
};

/** Mean luma of every decoded frame (or of `region` in it), with the frame's pts. */
export async function readLumaSamples(path: string, region?: Region): Promise<LumaSample[]> {
  const { stdout } = await runTool('ffmpeg', buildLumaArgs(path, region));
  return parseLumaLog(stdout.toString('utf8'));
}

/**
 * Mono float PCM. `aresample` with async and a 1 ms hard-compensation limit fills any gap in the
 * timestamps with silence, so sample n is at firstFramePts + n / rate; `ashowinfo` (on stderr) gives
 * that first frame's pts, which is not the container's start_time when the codec trims priming
 * samples (Opus pre-skip).
 */
export const buildAudioArgs = (path: string, sampleRate: number): string[] => [
  '-hide_banner',
  '-nostdin',
  '-loglevel',
  'info',
  '-copyts',
  '-i',
  path,
  '-map',
  '0:a:0',
  '-af',
  `aresample=${sampleRate}:async=1:min_hard_comp=0.001,aformat=sample_fmts=flt:channel_layouts=mono,ashowinfo`,
  '-f',
  'f32le',
  'pipe:1',
];

export function parseFirstAudioFrameSec(stderr: string): number | null {
  const match = /\bn:0\s+pts:-?\d+\s+pts_time:(-?[\d.e+-]+)/.exec(stderr);
  return match === null ? null : Number(match[1]);
}

export async function readAudioClip(path: string, sampleRate = 48_000): Promise<AudioClip> {
  const { stdout, stderr } = await runTool('ffmpeg', buildAudioArgs(path, sampleRate));
  const startSec = parseFirstAudioFrameSec(stderr);
  if (startSec === null) {
    throw new MediaDecodeError('FFMPEG_EXIT', `no audio frame decoded from ${path}`);
  }
  const samples = new Float32Array(stdout.byteLength >> 2);
  for (let index = 0; index < samples.length; index += 1) {
    samples[index] = stdout.readFloatLE(index * 4);
  }
  return { samples, sampleRate, startSec };
}

type ProbeTags = { format?: { tags?: Record<string, string> }; streams?: { tags?: Record<string, string> }[] };

/**
 * janus-pp-rec stores the .mjr JSON header as the output's `comment` tag (format tag in WebM,
 * stream tag in Ogg). Its `u` is the wall-clock µs of the track's first packet: the anchor for
 * aligning separately converted tracks (docs/mjr-format.md §6.2).
 */
export function parseJanusFirstPacketUs(probe: ProbeTags): number | null {
  const tagSets = [probe.format?.tags, ...(probe.streams ?? []).map((stream) => stream.tags)];
  for (const tags of tagSets) {
    const comment = Object.entries(tags ?? {}).find(([key]) => key.toLowerCase() === 'comment')?.[1];
    if (comment === undefined) {
      continue;
    }
    try {
      const info = JSON.parse(comment) as { u?: unknown };
      if (typeof info.u === 'number') {
        return info.u;
      }
    } catch {
      // Not a Janus header: keep looking.
    }
  }
  return null;
}

export async function readJanusFirstPacketUs(path: string): Promise<number | null> {
  const { stdout } = await runTool('ffprobe', ['-v', 'error', '-show_entries', 'format_tags:stream_tags', '-of', 'json', path]);
  return parseJanusFirstPacketUs(JSON.parse(stdout.toString('utf8')) as ProbeTags);
}
