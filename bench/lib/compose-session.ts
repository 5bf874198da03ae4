/**
 * The compose bench's sessions and its copy of `composeSession` (src/api/compose.ts), step by step so that each
 * step can be timed and the one ffmpeg command run alone with changes:
 *   1. sessions: the real meeting (videoroom-1234-*, 3 participants, 22 s) copied as it is, or each of its files
 *      repeated to N minutes by `writeLongRecording` (headers kept, so the participants keep their offsets);
 *   2. preparation, as `prepareMedia` does it: scan, each track converted (`convertFiles`), each voice's loudness
 *      measured (ffmpeg ebur128), name label files;
 *   3. the compose command, as `composeSession` builds it (`buildComposeCommand`), with a variant's changes
 *      (preset, frame rate, outputs, scaling flags, threads) or cut down to decoding or filtering alone;
 *   4. the mosaic command (`composeMosaic`: fixed grid, one voice per audio channel, one 720p rendition), which
 *      compose --hls runs as a second ffmpeg after the first;
 *   5. the steps after ffmpeg: playlists (`HlsPublisher`), thumbnail index, download MP4 (join + remux);
 *   6. quality of the 720p rendition against a reference (ffmpeg psnr and ssim, frame by frame).
 * Keep it in step with src/api/compose.ts and src/api/compose-media.ts.
 */
import { copyFile, mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertFiles } from '../../src/api/convert.js';
import { DEFAULT_CANVAS, DEFAULT_FONT_FILE, loadSession } from '../../src/api/compose.js';
import { HlsPublisher, publishThumbnails } from '../../src/api/hls-publish.js';
import { buildComposeCommand, type ComposeOutput } from '../../src/compose/command.js';
import { buildFilterGraph, type ComposeSource } from '../../src/compose/filter-graph.js';
import { computeLayoutTimeline } from '../../src/compose/layout.js';
import { planMosaic } from '../../src/compose/mosaic.js';
import type { LayoutTimeline } from '../../src/compose/layout-types.js';
import { buildLoudnessArgs, gainForLoudness, parseIntegratedLoudness } from '../../src/compose/loudness.js';
import { computeLadder, type Rendition } from '../../src/hls/ladder.js';
import type { SessionManifest } from '../../src/sessions/manifest.js';
import { readRecordingHeader } from './find-sources.js';
import { writeLongRecording } from './long-recording.js';
import { describeFailure, runMeasured, type ProcessMeasurement } from './measure-process.js';
import { sampleProcessTree, type ProcessCpu } from './thread-cpu.js';

/** The real meeting: every file of room 1234 (audio, video, data), not the codec subfolders. */
export const MEETING_FILE = /^videoroom-1234-user-\d+-\d+-(audio|video|data)-\d+\.mjr$/;

/** What `runFfmpeg` puts first, without `-progress pipe:3` (the bench's child has no fd 3). */
export const FFMPEG_ARGS = ['-hide_banner', '-nostdin', '-nostats'];

const EXTENSION_BY_CODEC: Record<string, string> = { vp8: 'webm', vp9: 'webm', av1: 'webm', h264: 'mkv', h265: 'mkv', opus: 'ogg' };

const THUMBNAILS = { intervalSec: 5, tileWidth: 160, columns: 10, rows: 10 };

const SEGMENT_SEC = 4;

export type StageTiming = { stage: string; wallMs: number; cpuMs: number; detail: string };

export type PreparedSession = {
  label: string;
  dir: string;
  workDir: string;
  manifest: SessionManifest;
  inputs: string[];
  sources: ComposeSource[];
  labelFiles: Map<string, string>;
  stages: StageTiming[];
};

export const listMeetingFiles = async (folder: string): Promise<string[]> => (await readdir(folder)).filter((name) => MEETING_FILE.test(name)).sort();

/** Copies the meeting's files into `target` (created). */
export const copyMeeting = async (fixtures: string, target: string): Promise<string[]> => {
  const names = await listMeetingFiles(fixtures);
  if (names.length === 0) {
    throw new Error(`no videoroom-1234-* recordings in ${fixtures}`);
  }
  await mkdir(target, { recursive: true });
  for (const name of names) {
    await copyFile(join(fixtures, name), join(target, name));
  }
  return names;
};

/**
 * Each of the meeting's files repeated to `minutes` into `target`, under its own name. Checks that every built
 * file kept its source's header (first-packet time `u`), which is what keeps the participants' offsets.
 */
export const buildLoopedMeeting = async (fixtures: string, target: string, minutes: number, log: (line: string) => void): Promise<void> => {
  const names = await listMeetingFiles(fixtures);
  await mkdir(target, { recursive: true });
  const startMs = performance.now();
  let bytes = 0;
  for (const name of names) {
    const built = await writeLongRecording({ sourcePath: join(fixtures, name), targetPath: join(target, name), durationMs: minutes * 60_000 });
    const [source, long] = [await readRecordingHeader(join(fixtures, name)), await readRecordingHeader(join(target, name))];
    if (source === null || long === null || source.header.firstPacketUs !== long.header.firstPacketUs) {
      throw new Error(`${name}: the ${minutes}-minute file does not keep its source's header`);
    }
    bytes += built.sizeBytes;
    log(`    ${name}: ${built.repetitions}× every ${(built.periodMs / 1000).toFixed(3)} s, ${built.packets} ${source.header.kind === 'data' ? 'messages' : 'packets'}`);
  }
  log(`    ${names.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB, built in ${((performance.now() - startMs) / 1000).toFixed(1)} s`);
};

/** Runs `work` in this process and times it: wall, and this process's cpu (user + system, all threads). */
const timeInProcess = async <T>(work: () => Promise<T>): Promise<{ value: T; wallMs: number; cpuMs: number }> => {
  const cpu = process.cpuUsage();
  const startMs = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, wallMs: performance.now() - startMs, cpuMs: (used.user + used.system) / 1000 };
};

/** ffmpeg under GNU time; throws with its stderr tail when it fails. */
const runFfmpegMeasured = async (args: readonly string[], what: string): Promise<ProcessMeasurement> => {
  const run = await runMeasured('ffmpeg', [...FFMPEG_ARGS, ...args]);
  const failure = describeFailure(run);
  if (failure !== null) {
    throw new Error(`${what}: ffmpeg ${failure}\n${run.stderr.trim().split('\n').slice(-8).join('\n')}`);
  }
  return run;
};

/** Scan, convert each track, measure each voice's loudness, write label files: `prepareMedia` and the start of `composeSession`. */
export const prepareSession = async (label: string, dir: string, workDir: string): Promise<PreparedSession> => {
  await mkdir(join(workDir, 'labels'), { recursive: true });
  const stages: StageTiming[] = [];
  const scan = await timeInProcess(() => loadSession(dir));
  const { manifest, folder } = scan.value;
  stages.push({ stage: 'scan (inspect every .mjr, group)', wallMs: scan.wallMs, cpuMs: scan.cpuMs, detail: `${manifest.participants.length} participants` });
  const inputs: string[] = [];
  const sources: ComposeSource[] = [];
  let counter = 0;
  for (const participant of manifest.participants) {
    for (const track of participant.tracks) {
      if (track.kind === 'data') {
        continue;
      }
      const output = join(workDir, `track-${counter++}.${EXTENSION_BY_CODEC[track.codec] ?? (track.kind === 'audio' ? 'wav' : 'mkv')}`);
      const converted = await timeInProcess(() => convertFiles({ inputs: [join(folder, track.file)], output }));
      stages.push({ stage: `convert ${participant.id} ${track.kind}`, wallMs: converted.wallMs, cpuMs: converted.cpuMs, detail: `${track.codec} → ${output.split('.').pop()}` });
      const source: ComposeSource = {
        index: inputs.length,
        participantId: participant.id,
        kind: track.kind,
        offsetMs: (converted.value.startUs - manifest.originUs) / 1000,
        trackFile: track.file,
      };
      inputs.push(output);
      if (track.kind === 'audio') {
        const run = await runFfmpegMeasured(buildLoudnessArgs(output), `loudness of ${output}`);
        const integrated = parseIntegratedLoudness(run.stderr);
        source.gainDb = gainForLoudness(integrated);
        stages.push({ stage: `loudness ${participant.id} (ffmpeg ebur128)`, wallMs: run.wallMs, cpuMs: run.cpuMs, detail: `${integrated ?? '?'} LUFS → ${source.gainDb.toFixed(1)} dB` });
      }
      sources.push(source);
    }
  }
  const labelFiles = new Map<string, string>();
  for (const [index, participant] of manifest.participants.entries()) {
    const path = join(workDir, 'labels', `${index}.txt`);
    await writeFile(path, participant.displayName ?? participant.id);
    labelFiles.set(participant.id, path);
  }
  return { label, dir, workDir, manifest, inputs, sources, labelFiles, stages };
};

/**
 * A change to the compose command. `encode` is the command itself (outputs chosen by `file`/`hls`), `mosaic` the
 * mosaic command, `combined` both in one ffmpeg (two filter graphs over the same decoded inputs). The other
 * modes keep the inputs and filter graph and drop the encoders:
 *   - `decode`: demux and decode every input, nothing else;
 *   - `graph` / `mosaic-graph`: the composition graph (tiles, overlays, labels, audio) to a null output;
 *   - `scale`: the whole graph of the HLS command (ladder scaling, thumbnail sheets) to null outputs;
 *   - `lossless`: the composition as lossless H.264 (x264 qp 0), a quality reference.
 */
export type VariantSpec = {
  id: string;
  label: string;
  mode: 'encode' | 'mosaic' | 'combined' | 'decode' | 'graph' | 'mosaic-graph' | 'scale' | 'lossless';
  /** The variant whose top rendition this one's is compared with (default: none). */
  reference?: string;
  /** x264 preset of every encode (default veryfast), or one per x264 output in command order. */
  preset?: string | readonly string[];
  frameRate?: number;
  /** The `-o out.mp4` output (a 4th x264 encode, 720p CRF 23). Default false. */
  file?: boolean;
  /** The HLS ladder and thumbnails. Default true. */
  hls?: boolean;
  /** Replaces the scalers' flags: tiles (bilinear) and ladder (bicubic), or only the ladder's. */
  scaleFlags?: { tiles?: string; ladder?: string };
  /** `-threads N` for each x264 encoder (default: x264's own, 1.5 × cores frame threads). */
  x264Threads?: number;
  /** `-filter_complex_threads N` (default: one per core). */
  filterThreads?: number;
};

export type VariantCommand = {
  args: string[];
  graph: string;
  graphFile: string;
  hlsDir: string | null;
  filePath: string | null;
  /** The renditions in `hlsDir`, top first (the mosaic's is named `mosaic`). */
  renditions: Rendition[];
  frameRate: number;
};

const inputArgs = (session: PreparedSession): string[] => session.inputs.flatMap((input) => ['-i', input]);

export const computeSessionLayout = (session: PreparedSession): LayoutTimeline => computeLayoutTimeline(session.manifest, DEFAULT_CANVAS, { type: 'grid' });

/** The command of `spec`, its folders created (and emptied first). */
export const buildVariantCommand = async (session: PreparedSession, spec: VariantSpec, outDir: string): Promise<VariantCommand> => {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const frameRate = spec.frameRate ?? 30;
  const canvas = DEFAULT_CANVAS;
  const timeline = computeSessionLayout(session);
  const graphFile = join(outDir, 'graph.txt');
  const durationMs = session.manifest.durationMs;
  const duration = (durationMs / 1000).toFixed(3);
  const graphOptions = {
    timeline,
    sources: session.sources,
    durationMs,
    frameRate,
    fontFile: DEFAULT_FONT_FILE,
    labelFiles: session.labelFiles,
    audio: { type: 'mix' } as const,
  };
  if (spec.mode === 'decode') {
    const maps = session.sources.flatMap((source) => ['-map', `${source.index}:${source.kind === 'video' ? 'v' : 'a'}`]);
    return { args: [...inputArgs(session), ...maps, '-f', 'null', '-'], graph: '', graphFile, hlsDir: null, filePath: null, renditions: [], frameRate };
  }
  if (spec.mode === 'mosaic' || spec.mode === 'mosaic-graph') {
    const mosaic = await buildMosaicCommand(session, spec, outDir);
    if (spec.mode === 'mosaic') {
      return mosaic;
    }
    const graph = mosaic.graph.slice(0, mosaic.graph.indexOf(';\n[vmain]scale='));
    await writeFile(graphFile, graph);
    return {
      args: [...inputArgs(session), '-filter_complex_script', graphFile, '-map', '[vmain]', '-t', duration, '-f', 'null', '-', '-map', '[amain]', '-t', duration, '-f', 'null', '-'],
      graph,
      graphFile,
      hlsDir: null,
      filePath: null,
      renditions: [],
      frameRate,
    };
  }
  if (spec.mode === 'graph' || spec.mode === 'lossless') {
    const graph = applyScaleFlags(buildFilterGraph({ ...graphOptions, videoOut: 'vmain', audioOut: 'amain' }), spec);
    await writeFile(graphFile, graph);
    const filePath = join(outDir, 'lossless.mkv');
    const video = spec.mode === 'graph' ? ['-map', '[vmain]', '-t', duration, '-f', 'null', '-'] : ['-map', '[vmain]', '-t', duration, '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', filePath];
    return {
      args: [...inputArgs(session), '-filter_complex_script', graphFile, ...video, '-map', '[amain]', '-t', duration, '-f', 'null', '-'],
      graph,
      graphFile,
      hlsDir: null,
      filePath: spec.mode === 'lossless' ? filePath : null,
      renditions: [],
      frameRate,
    };
  }
  const hls = spec.hls ?? true;
  const renditions = hls ? computeLadder({ width: canvas.width, height: canvas.height, frameRate }) : [];
  const hlsDir = hls ? join(outDir, 'hls') : null;
  const filePath = spec.file === true ? join(outDir, 'out.mp4') : null;
  const outputs: ComposeOutput[] = [];
  if (filePath !== null) {
    outputs.push({ type: 'file', path: filePath, container: 'mp4' });
  }
  if (hlsDir !== null) {
    await mkdir(join(hlsDir, 'thumbs'), { recursive: true });
    for (const rendition of renditions) {
      await mkdir(join(hlsDir, rendition.name), { recursive: true });
    }
    outputs.push({ type: 'hls', dir: hlsDir, renditions, segmentSec: SEGMENT_SEC });
    outputs.push({ type: 'thumbnails', pattern: join(hlsDir, 'thumbs', 'sheet-%03d.jpg'), ...thumbnailTiles(canvas) });
  }
  const command = buildComposeCommand({ ...graphOptions, inputs: session.inputs, graphFile, outputs, ...(typeof spec.preset === 'string' ? { preset: spec.preset } : {}) });
  const graph = applyScaleFlags(command.graph, spec);
  await writeFile(graphFile, graph);
  let args = command.args;
  if (Array.isArray(spec.preset)) {
    let n = 0;
    args = args.map((arg, index) => (args[index - 1] === '-preset' ? (spec.preset as readonly string[])[n++] ?? arg : arg));
  }
  if (spec.x264Threads !== undefined) {
    args = args.flatMap((arg) => (arg === 'libx264' ? [arg, '-threads', String(spec.x264Threads)] : [arg]));
  }
  if (filePath !== null) {
    // composeSession writes the file under a temporary name and names the container (as here, for the replica check).
    args = args.flatMap((arg) => (arg === filePath ? ['-f', 'mp4', arg] : [arg]));
  }
  if (spec.filterThreads !== undefined) {
    args = ['-filter_complex_threads', String(spec.filterThreads), ...args];
  }
  if (spec.mode === 'scale') {
    // Same graph, every mapped pad to a null output: everything but the encoders and muxers.
    const mapped = args.filter((_, index) => args[index - 1] === '-map');
    args = [...inputArgs(session), '-filter_complex_script', graphFile, ...mapped.flatMap((pad) => ['-map', pad, '-t', duration, '-f', 'null', '-'])];
    return { args, graph, graphFile, hlsDir: null, filePath: null, renditions, frameRate };
  }
  if (spec.mode === 'combined' && hlsDir !== null) {
    // The mosaic as a second filter graph of the same ffmpeg: its outputs renamed so that no -map is ambiguous.
    const mosaic = await buildMosaicCommand(session, spec, outDir);
    const rename = (text: string): string => text.replaceAll('[vmainh]', '[mosaic_v]').replaceAll('[amain]', '[mosaic_a]');
    const mosaicGraph = rename(mosaic.graph).replace(/\[amain\]/g, '[mosaic_a]');
    const mosaicGraphFile = join(outDir, 'mosaic-graph.txt');
    await writeFile(mosaicGraphFile, mosaicGraph);
    const outputsOf = (list: readonly string[]): string[] => list.slice(list.indexOf('-filter_complex_script') + 2);
    args = [
      ...args.slice(0, args.indexOf('-filter_complex_script')),
      '-filter_complex_script',
      graphFile,
      '-filter_complex_script',
      mosaicGraphFile,
      ...outputsOf(args),
      ...outputsOf(mosaic.args).map((arg) => (arg === '[vmainh]' ? '[mosaic_v]' : arg === '[amain]' ? '[mosaic_a]' : arg)),
    ];
    return { args, graph: `${graph};\n${mosaicGraph}`, graphFile, hlsDir, filePath, renditions: [...renditions, ...mosaic.renditions], frameRate };
  }
  return { args, graph, graphFile, hlsDir, filePath, renditions, frameRate };
};

/** The mosaic command as `composeMosaic` builds it: fixed grid, everyone present throughout, one rendition `mosaic`. */
const buildMosaicCommand = async (session: PreparedSession, spec: VariantSpec, outDir: string): Promise<VariantCommand> => {
  const frameRate = spec.frameRate ?? 30;
  const { manifest } = session;
  const canvas = DEFAULT_CANVAS;
  const { layout, tileMap } = planMosaic(manifest, { ...canvas, labels: true });
  const perChannel = tileMap.audio === 'per-participant-channels';
  const [top] = computeLadder({ width: canvas.width, height: canvas.height, frameRate });
  const rendition = { ...top!, name: 'mosaic' };
  const hlsDir = join(outDir, 'hls');
  await mkdir(join(hlsDir, 'mosaic'), { recursive: true });
  const graphFile = join(outDir, spec.mode === 'combined' ? 'mosaic-graph.txt' : 'graph.txt');
  const preset = Array.isArray(spec.preset) ? spec.preset.at(-1) : spec.preset;
  const command = buildComposeCommand({
    timeline: layout,
    sources: session.sources,
    inputs: session.inputs,
    durationMs: manifest.durationMs,
    frameRate,
    fontFile: DEFAULT_FONT_FILE,
    labelFiles: session.labelFiles,
    audio: perChannel ? { type: 'channels', participantOrder: manifest.participants.map((participant) => participant.id) } : { type: 'mix' },
    graphFile,
    outputs: [{ type: 'hls', dir: hlsDir, renditions: [rendition], segmentSec: SEGMENT_SEC, ...(perChannel ? { audioChannels: manifest.participants.length } : {}) }],
    ...(typeof preset === 'string' ? { preset } : {}),
  });
  const graph = applyScaleFlags(command.graph, spec);
  await writeFile(graphFile, graph);
  let args = command.args;
  if (spec.x264Threads !== undefined) {
    args = args.flatMap((arg) => (arg === 'libx264' ? [arg, '-threads', String(spec.x264Threads)] : [arg]));
  }
  return { args, graph, graphFile, hlsDir, filePath: null, renditions: [rendition], frameRate };
};

const thumbnailTiles = (canvas: { width: number; height: number }) => ({
  ...THUMBNAILS,
  tileHeight: Math.round((THUMBNAILS.tileWidth * canvas.height) / canvas.width / 2) * 2,
});

const applyScaleFlags = (graph: string, spec: VariantSpec): string => {
  let result = graph;
  if (spec.scaleFlags?.tiles !== undefined) {
    result = result.replaceAll('flags=bilinear', `flags=${spec.scaleFlags.tiles}`);
  }
  if (spec.scaleFlags?.ladder !== undefined) {
    result = result.replaceAll('flags=bicubic', `flags=${spec.scaleFlags.ladder}`);
  }
  return result;
};

export type SampledRun = ProcessMeasurement & {
  /** Every process seen under the run, busiest first. */
  processes: ProcessCpu[];
  /** The busiest ffmpeg under the run, as sampled; null if none was seen. */
  ffmpeg: ProcessCpu | null;
  failure: string | null;
};

/** Runs `command args` under GNU time, sampling the cpu of every process and thread under it. */
export const runSampled = async (command: string, args: readonly string[]): Promise<SampledRun> => {
  let sampler: { stop: () => ProcessCpu[] } | null = null;
  const run = await runMeasured(command, args, {
    onSpawn: (pid) => {
      sampler = sampleProcessTree(pid);
    },
  });
  const processes = (sampler as { stop: () => ProcessCpu[] } | null)?.stop() ?? [];
  return { ...run, processes, ffmpeg: processes.find((entry) => entry.name === 'ffmpeg') ?? null, failure: describeFailure(run) };
};

/** The variant's ffmpeg command alone. */
export const runVariantCommand = (command: VariantCommand): Promise<SampledRun> => runSampled('ffmpeg', [...FFMPEG_ARGS, '-loglevel', 'error', ...command.args]);

/** The steps after ffmpeg, on an HLS folder ffmpeg wrote: playlists from scratch and again (cache warm), thumbnail index, download MP4. */
export const measureAfterSteps = async (hlsDir: string, renditions: readonly Rendition[], session: PreparedSession, workDir: string): Promise<StageTiming[]> => {
  const stages: StageTiming[] = [];
  const publisher = new HlsPublisher({ dir: hlsDir, renditions, originUs: session.manifest.originUs, segmentSec: SEGMENT_SEC });
  const cold = await timeInProcess(() => publisher.publish(true));
  stages.push({ stage: 'playlists: parse every segment, write (final publish)', wallMs: cold.wallMs, cpuMs: cold.cpuMs, detail: `${cold.value} segments per rendition` });
  const warm = await timeInProcess(() => publisher.publish(true));
  stages.push({ stage: 'playlists again, segments cached (each 2 s publish)', wallMs: warm.wallMs, cpuMs: warm.cpuMs, detail: 'the cost of one periodic publish near the end' });
  const thumbs = await timeInProcess(() => publishThumbnails(join(hlsDir, 'thumbs'), { durationSec: session.manifest.durationMs / 1000, ...thumbnailTiles(DEFAULT_CANVAS) }));
  stages.push({ stage: 'thumbnail index (thumbnails.vtt)', wallMs: thumbs.wallMs, cpuMs: thumbs.cpuMs, detail: '' });
  const joined = join(workDir, 'joined.mp4');
  const join720 = await timeInProcess(() => joinRendition(hlsDir, renditions[0]!.name, joined));
  stages.push({ stage: `download MP4: join ${renditions[0]!.name} init + segments`, wallMs: join720.wallMs, cpuMs: join720.cpuMs, detail: `${(join720.value / 1024 / 1024).toFixed(1)} MiB` });
  const target = join(workDir, 'download.mp4');
  const remux = await runFfmpegMeasured(['-y', '-i', joined, '-map', '0', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', target], 'download remux');
  stages.push({ stage: 'download MP4: ffmpeg remux -c copy +faststart', wallMs: remux.wallMs, cpuMs: remux.cpuMs, detail: `peak RSS ${(remux.peakRssKiB / 1024).toFixed(1)} MiB` });
  await rm(joined, { force: true });
  await rm(target, { force: true });
  return stages;
};

/** A rendition's init segment and media segments in one file (what `writeDownloadMp4` feeds to ffmpeg); returns its size. */
export const joinRendition = async (hlsDir: string, name: string, target: string): Promise<number> => {
  const folder = join(hlsDir, name);
  const segments = (await readdir(folder)).filter((entry) => /^seg-\d+\.m4s$/.test(entry)).sort();
  const handle = await open(target, 'w');
  let size = 0;
  try {
    for (const entry of ['init.mp4', ...segments]) {
      const bytes = await readFile(join(folder, entry));
      await handle.write(bytes);
      size += bytes.length;
    }
  } finally {
    await handle.close();
  }
  return size;
};

export type Quality = { psnr: number; ssim: number };

/**
 * PSNR (average over Y, U, V) and SSIM (All) of `distorted` against `reference`, frame n against frame n (both
 * restamped n / rate: a container's rounded timestamps, 33 and 67 ms in Matroska, would otherwise pair a frame
 * with its neighbour). Both must have the same frame rate.
 */
export const measureQuality = async (distorted: string, reference: string, frameRate: number): Promise<Quality | string> => {
  const restamp = `setpts=N/(${frameRate}*TB)`;
  const graph = `[0:v]${restamp},split[d1][d2];[1:v]${restamp},split[r1][r2];[d1][r1]psnr;[d2][r2]ssim`;
  const run = await runMeasured('ffmpeg', [...FFMPEG_ARGS, '-i', distorted, '-i', reference, '-lavfi', graph, '-f', 'null', '-']);
  const psnr = /PSNR y:[\d.]+ u:[\d.]+ v:[\d.]+ average:([\d.]+|inf)/.exec(run.stderr);
  const ssim = /SSIM Y:[\d.]+ \([^)]*\) U:[\d.]+ \([^)]*\) V:[\d.]+ \([^)]*\) All:([\d.]+)/.exec(run.stderr);
  if (describeFailure(run) !== null || psnr === null || ssim === null) {
    return `quality not measured: ${describeFailure(run) ?? 'no psnr/ssim in ffmpeg output'}`;
  }
  return { psnr: psnr[1] === 'inf' ? Infinity : Number(psnr[1]), ssim: Number(ssim[1]) };
};

/**
 * The same session with camera-like video: each video input re-encoded with temporal noise (ffmpeg `noise`,
 * strength `strength`) as VP8 at `bitrate`, frame times kept. The real meeting's cameras show flat colours, a
 * square and text, which x264 compresses almost for free; sensor noise makes its motion search and rate control
 * work as they do on real webcams, so presets differ in speed and quality as they would there.
 */
export const withNoisyCameras = async (session: PreparedSession, label: string, strength = 12, bitrate = '600k'): Promise<PreparedSession> => {
  const workDir = join(session.workDir, 'noisy');
  await mkdir(workDir, { recursive: true });
  const inputs = [...session.inputs];
  for (const source of session.sources.filter((each) => each.kind === 'video')) {
    const output = join(workDir, `track-${source.index}.webm`);
    await runFfmpegMeasured(
      ['-y', '-i', session.inputs[source.index]!, '-map', '0:v', '-vf', `noise=alls=${strength}:allf=t`, '-c:v', 'libvpx', '-b:v', bitrate, '-deadline', 'realtime', '-cpu-used', '8', '-fps_mode', 'passthrough', output],
      `noisy copy of ${session.inputs[source.index]}`,
    );
    inputs[source.index] = output;
  }
  return { ...session, label, workDir, inputs, stages: [] };
};

/**
 * Where the arguments of a command composeSession ran (read from /proc while it ran) differ from the bench's
 * copy, paths aside (temporary folders differ): null when they are the same. Keeps the variants honest.
 */
export const compareWithCli = (cliArgs: readonly string[], bench: readonly string[]): string | null => {
  const normalize = (list: readonly string[]): string[] => list.map((arg) => (arg.includes('/') ? '<path>' : arg));
  // The CLI's ffmpeg: ffmpeg, runFfmpeg's common arguments (with -progress pipe:3), then the command's.
  const start = cliArgs.indexOf('-y');
  const cli = normalize(cliArgs.slice(start));
  const ours = normalize(bench);
  const index = cli.findIndex((arg, position) => arg !== ours[position]);
  if (index === -1 && cli.length === ours.length) {
    return null;
  }
  const at = index === -1 ? Math.min(cli.length, ours.length) : index;
  return `differ at argument ${at}: compose has ${JSON.stringify(cli.slice(at, at + 4))}, the bench ${JSON.stringify(ours.slice(at, at + 4))}`;
};
