/**
 * Test helpers for src/hls: real fMP4 HLS output from ffmpeg (the segments the parser must read), ffprobe's
 * view of the same bytes (the oracle), and golden files under test/golden/ (rewritten only with
 * UPDATE_GOLDEN=1; a missing golden fails the run).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { ffmpegHas, hasFfmpeg, runFfmpeg } from './ffmpeg-video.js';

export const canEncodeHls = hasFfmpeg && ffmpegHas.libx264;

const GOLDEN_ROOT = join(import.meta.dirname, '..', 'golden');

/** Compares `actual` with test/golden/<name>; UPDATE_GOLDEN=1 writes it instead. A missing golden fails. */
export const expectGolden = (name: string, actual: string): void => {
  const path = join(GOLDEN_ROOT, name);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) {
    throw new Error(`golden file test/golden/${name} is missing: create it with UPDATE_GOLDEN=1 and review it`);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
};

export type HlsOutput = {
  dir: string;
  playlistText: string;
  init: Uint8Array;
  segments: Array<{ name: string; bytes: Uint8Array }>;
  remove: () => void;
};

export type EncodeHlsOptions = {
  width?: number;
  height?: number;
  frameRate?: number;
  seconds?: number;
  gopFrames?: number;
  segmentSec?: number;
  audio?: boolean;
  /** Extra output arguments (codec options, `-hls_flags single_file` …), placed before `-f hls`. */
  outputArgs?: string[];
  name?: string;
  /** One file holding the init section and every segment, addressed by byte ranges (`segments` = that file). */
  singleFile?: boolean;
  /** An existing directory to write into (default: a fresh temporary one, which `remove` deletes). */
  dir?: string;
};

/** Encodes a test clip to fMP4 HLS with ffmpeg's own segmenter, in a fresh temporary directory. */
export const encodeHls = (options: EncodeHlsOptions = {}): HlsOutput => {
  const { width = 320, height = 240, frameRate = 30, seconds = 8, gopFrames = 60, segmentSec = 2, audio = true, outputArgs = [], name = 'out' } = options;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'reprise-hls-'));
  const inputs = ['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${frameRate}`];
  if (audio) {
    inputs.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-ac', '2', '-c:a', 'aac', '-b:a', '64k');
  }
  runFfmpeg([
    '-v', 'error',
    ...inputs,
    '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', String(gopFrames), '-keyint_min', String(gopFrames), '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
    ...outputArgs,
    ...(options.singleFile === true ? ['-hls_flags', 'single_file'] : []),
    '-f', 'hls', '-hls_time', String(segmentSec), '-hls_segment_type', 'fmp4', '-hls_playlist_type', 'vod',
    '-hls_fmp4_init_filename', `${name}-init.mp4`, '-hls_segment_filename', join(dir, options.singleFile === true ? `${name}.m4s` : `${name}-%d.m4s`),
    join(dir, `${name}.m3u8`),
  ]);
  const segmentNames = readdirSync(dir)
    .filter((file) => (options.singleFile === true ? file === `${name}.m4s` : file.startsWith(`${name}-`) && file.endsWith('.m4s')))
    .sort((a, b) => Number(/(\d+)\.m4s$/.exec(a)?.[1]) - Number(/(\d+)\.m4s$/.exec(b)?.[1]));
  const initPath = join(dir, `${name}-init.mp4`);
  return {
    dir,
    playlistText: readFileSync(join(dir, `${name}.m3u8`), 'utf8'),
    init: existsSync(initPath) ? new Uint8Array(readFileSync(initPath)) : new Uint8Array(),
    segments: segmentNames.map((file) => ({ name: file, bytes: new Uint8Array(readFileSync(join(dir, file))) })),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
};

/** Encodes a plain fragmented MP4 (`-movflags …`), for layouts ffmpeg's HLS segmenter never writes. */
export const encodeFragmentedMp4 = (movflags: string, fragmentUs: number, seconds = 4): Uint8Array => {
  const dir = mkdtempSync(join(tmpdir(), 'reprise-fmp4-'));
  try {
    const path = join(dir, 'fragmented.mp4');
    runFfmpeg([
      '-v', 'error',
      '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
      '-t', String(seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-c:a', 'aac', '-ac', '2',
      '-movflags', movflags, '-frag_duration', String(fragmentUs), path,
    ]);
    return new Uint8Array(readFileSync(path));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** `#EXTINF` durations and `#EXT-X-BYTERANGE` values of a media playlist, in order. */
export const readPlaylistEntries = (text: string): Array<{ durationSec: number; byteRange: { length: number; offset: number } | null; uri: string }> => {
  const entries: Array<{ durationSec: number; byteRange: { length: number; offset: number } | null; uri: string }> = [];
  let durationSec = 0;
  let byteRange: { length: number; offset: number } | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('#EXTINF:')) {
      durationSec = Number(line.slice('#EXTINF:'.length).split(',')[0]);
    } else if (line.startsWith('#EXT-X-BYTERANGE:')) {
      const [length, offset] = line.slice('#EXT-X-BYTERANGE:'.length).split('@').map(Number);
      byteRange = { length: length!, offset: offset! };
    } else if (line !== '' && !line.startsWith('#')) {
      entries.push({ durationSec, byteRange, uri: line });
      byteRange = null;
    }
  }
  return entries;
};

export type ProbedPacket = { streamIndex: number; dts: number; duration: number; size: number; pos: number; keyframe: boolean };

export type ProbedStream = { index: number; codecType: string; timeBase: string; profile?: string; level?: number; width?: number; height?: number; sampleRate?: number; channels?: number; extradata: Uint8Array };

/**
 * ffprobe's streams (with extradata bytes) and packets (decode order) for a file, edit lists ignored so that
 * timestamps are the raw tfdt/trun values. A packet ffprobe gives no duration gets the dts step to the next.
 */
export const probeFile = (path: string): { streams: ProbedStream[]; packets: ProbedPacket[] } => {
  const args = ['-v', 'error', '-ignore_editlist', '1', '-show_streams', '-show_data', '-show_packets', '-of', 'json', path];
  const result = spawnSync('ffprobe', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`ffprobe ${path} failed: ${result.stderr}`);
  }
  type RawStream = { index: number; codec_type: string; time_base: string; profile?: string; level?: number; width?: number; height?: number; sample_rate?: string; channels?: number; extradata?: string };
  type RawPacket = { stream_index: number; dts: number; duration?: number; size: string; pos: string; flags: string };
  const json = JSON.parse(result.stdout) as { streams: RawStream[]; packets: RawPacket[] };
  const nextDts = (index: number): number | undefined => json.packets.slice(index + 1).find((other) => other.stream_index === json.packets[index]!.stream_index)?.dts;
  return {
    streams: json.streams.map((stream) => ({
      index: stream.index,
      codecType: stream.codec_type,
      timeBase: stream.time_base,
      profile: stream.profile,
      level: stream.level,
      width: stream.width,
      height: stream.height,
      sampleRate: stream.sample_rate === undefined ? undefined : Number(stream.sample_rate),
      channels: stream.channels,
      extradata: parseHexDump(stream.extradata ?? ''),
    })),
    packets: json.packets.map((packet, index) => ({
      streamIndex: packet.stream_index,
      dts: packet.dts,
      duration: packet.duration ?? (nextDts(index) ?? packet.dts) - packet.dts,
      size: Number(packet.size),
      pos: Number(packet.pos),
      keyframe: packet.flags.includes('K'),
    })),
  };
};

/** ffprobe's `-show_data` hex dump (`00000000: 0142 c00a ...  .B..`) back to bytes. */
const parseHexDump = (dump: string): Uint8Array => {
  const bytes: number[] = [];
  for (const line of dump.split('\n')) {
    const match = /^[0-9a-f]{8}: ((?:[0-9a-f]{2,4} ?)+)/.exec(line.trim());
    const hex = match?.[1]?.replace(/ /g, '') ?? '';
    for (let i = 0; i + 1 < hex.length; i += 2) {
      bytes.push(Number.parseInt(hex.slice(i, i + 2), 16));
    }
  }
  return new Uint8Array(bytes);
};

/** Writes `parts` to one temporary file, runs `use(path)`, and removes it. */
export const withTempFile = <T>(parts: readonly Uint8Array[], use: (path: string) => T): T => {
  const dir = mkdtempSync(join(tmpdir(), 'reprise-probe-'));
  try {
    const path = join(dir, 'probe.mp4');
    writeFileSync(path, Buffer.concat(parts));
    return use(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
