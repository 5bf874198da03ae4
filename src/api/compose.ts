/**
 * Library entry for composition: a session (a folder of recordings, or its manifest) → one composed file and/or
 * an HLS ladder, in a chosen layout. The plan (layout timeline, filter graph, arguments) is pure; this module
 * prepares the inputs, runs ffmpeg once, and publishes outputs atomically.
 */
import { mkdtemp, mkdir, open, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { buildComposeCommand, type ComposeOutput } from '../compose/command.js';
import type { Canvas, LayoutSpec, LayoutTimeline } from '../compose/layout-types.js';
import { computeLayoutTimeline } from '../compose/layout.js';
import { runFfmpeg } from '../ffmpeg/run.js';
import type { SessionManifest } from '../sessions/manifest.js';
import { RepriseError } from '../shared/errors.js';
import { temporaryPathFor, writeAtomically } from '../store/atomic-file.js';
import { computeLadder, type Rendition } from '../hls/ladder.js';
import { HlsPublisher, MOSAIC_PLAYLIST, publishThumbnails } from './hls-publish.js';
import { planMosaic } from '../compose/mosaic.js';
import type { Interval, TileMap } from '../sessions/manifest.js';
import { mergeIntervals } from '../sessions/group.js';
import { outputDurationMs } from '../compose/filter-graph.js';
import type { PreparedMedia } from './compose-media.js';
import { prepareMedia } from './compose-media.js';
import { scanSessions } from './sessions.js';
import { detectSpeaking } from './speaking.js';

export const DEFAULT_CANVAS: Canvas = { width: 1280, height: 720, background: '#1e1e1e', padding: 8, labels: true };
export const DEFAULT_FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

export type ComposeOptions = {
  /** A folder of recordings, or a session manifest (JSON written by `reprise sessions`). */
  source: string;
  /** A session already read (the catalog's), with the folder its track paths are relative to: `source` is then only named in errors. */
  session?: { manifest: SessionManifest; folder: string };
  /** Which session, when the folder holds several (default: the longest). */
  sessionId?: string;
  layout: LayoutSpec;
  canvas?: Partial<Canvas>;
  frameRate?: number;
  /** A composed file: .mp4, .webm or .mkv. */
  output?: string;
  /** An HLS folder: ABR ladder, playlists, I-frame playlists, thumbnails, a progressive MP4 for download. */
  hlsDir?: string;
  /** HLS segment length (default 4 s). */
  segmentSec?: number;
  /** Cut the stretches where nobody is present. */
  trim?: boolean;
  /** With --hls: also the mosaic rendition (fixed tiles, one voice per audio channel) for the player. Default true. */
  mosaic?: boolean;
  /** Write the layout timeline as JSON here. */
  layoutOut?: string;
  fontFile?: string;
  preset?: string;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** Keep the working folder (converted tracks, filter graph) for inspection. */
  keepWorkDir?: boolean;
};

export type ComposeReport = {
  sessionId: string;
  durationMs: number;
  output: string | null;
  hls: { dir: string; renditions: Rendition[]; segments: number; mosaic: TileMap | null } | null;
  layout: LayoutTimeline;
  skippedTracks: Array<{ file: string; reason: string }>;
  ffmpegElapsedMs: number;
};

export const loadSession = async (source: string, sessionId?: string): Promise<{ manifest: SessionManifest; folder: string }> => {
  if (extname(source).toLowerCase() === '.json') {
    const parsed = JSON.parse(await readFile(source, 'utf8')) as { sessions?: SessionManifest[] } & Partial<SessionManifest>;
    const sessions = parsed.sessions ?? [parsed as SessionManifest];
    return { manifest: pickSession(sessions, sessionId), folder: dirname(resolve(source)) };
  }
  const { sessions } = await scanSessions(source);
  return { manifest: pickSession(sessions, sessionId), folder: resolve(source) };
};

const pickSession = (sessions: readonly SessionManifest[], sessionId?: string): SessionManifest => {
  if (sessions.length === 0) {
    throw new RepriseError('COMPOSE_NO_SESSION', 'no session found: no readable recording');
  }
  if (sessionId !== undefined) {
    const found = sessions.find((session) => session.id === sessionId);
    if (found === undefined) {
      throw new RepriseError('COMPOSE_NO_SESSION', `no session ${JSON.stringify(sessionId)}; there are: ${sessions.map((session) => session.id).join(', ')}`);
    }
    return found;
  }
  return [...sessions].sort((a, b) => b.durationMs - a.durationMs || b.participants.length - a.participants.length)[0]!;
};

/** What --trim keeps: the stretches where someone is present. Undefined when that is the whole session. */
export const keptStretches = (manifest: SessionManifest): Interval[] | undefined => {
  const present = mergeIntervals(manifest.participants.flatMap((participant) => participant.presence), 0)
    .map((interval) => ({ startMs: Math.max(0, interval.startMs), endMs: Math.min(manifest.durationMs, interval.endMs) }))
    .filter((interval) => interval.endMs > interval.startMs);
  const covered = present.reduce((sum, interval) => sum + interval.endMs - interval.startMs, 0);
  return covered >= manifest.durationMs ? undefined : present;
};

/** Output time → wall clock, across the cuts --trim made (EXT-X-PROGRAM-DATE-TIME stays true). */
export const wallClockOf = (originUs: number, keep: readonly Interval[] | undefined) => (outputSec: number): number => {
  if (keep === undefined) {
    return originUs + outputSec * 1e6;
  }
  let remainingMs = outputSec * 1000;
  for (const interval of keep) {
    const lengthMs = interval.endMs - interval.startMs;
    if (remainingMs < lengthMs) {
      return originUs + (interval.startMs + remainingMs) * 1000;
    }
    remainingMs -= lengthMs;
  }
  const last = keep.at(-1);
  return originUs + ((last?.endMs ?? 0) + remainingMs) * 1000;
};

const needsSpeech = (layout: LayoutSpec): boolean =>
  layout.type === 'speaker' || (layout.type === 'custom' && layout.regions.some((region) => region.sources.includes('speaker')));

/** Drops from the manifest the tracks that could not be prepared, so the layout shows name tiles instead. */
const withoutTracks = (manifest: SessionManifest, files: ReadonlySet<string>): SessionManifest => ({
  ...manifest,
  participants: manifest.participants.map((participant) => ({ ...participant, tracks: participant.tracks.filter((track) => !files.has(track.file)) })),
});

export const composeSession = async (options: ComposeOptions): Promise<ComposeReport> => {
  if (options.output === undefined && options.hlsDir === undefined) {
    throw new RepriseError('COMPOSE_NO_OUTPUT', 'compose needs an output: a file (-o) or an HLS folder (--hls)');
  }
  const container = options.output === undefined ? null : extname(options.output).slice(1).toLowerCase();
  if (container !== null && container !== 'mp4' && container !== 'webm' && container !== 'mkv') {
    throw new RepriseError('CONVERT_FORMAT', `a composition is written as .mp4, .webm or .mkv, not ${JSON.stringify(extname(options.output!))}`);
  }
  const loaded = options.session ?? (await loadSession(options.source, options.sessionId));
  const { folder } = loaded;
  const scanned = needsSpeech(options.layout) && loaded.manifest.participants.every((participant) => participant.speakingSource === null)
    ? await detectSpeaking(loaded.manifest, folder, options.signal)
    : loaded.manifest;
  const workDir = await mkdtemp(join(tmpdir(), 'reprise-compose-'));
  const mosaicAbort = new AbortController();
  let mosaicSettled: Promise<{ ok: true; tileMap: TileMap } | { ok: false; error: unknown }> | undefined;
  try {
    const media = await prepareMedia(scanned, folder, workDir, options.signal);
    const manifest = withoutTracks(scanned, new Set(media.skipped.map((entry) => entry.file)));
    const canvas: Canvas = { ...DEFAULT_CANVAS, ...options.canvas };
    const layout = computeLayoutTimeline(manifest, canvas, options.layout);
    if (options.layoutOut !== undefined) {
      await writeFile(options.layoutOut, `${JSON.stringify(layout, null, 2)}\n`);
    }
    const labelFiles = new Map<string, string>();
    await mkdir(join(workDir, 'labels'));
    for (const [index, participant] of manifest.participants.entries()) {
      const path = join(workDir, 'labels', `${index}.txt`);
      await writeFile(path, participant.displayName ?? participant.id);
      labelFiles.set(participant.id, path);
    }
    const frameRate = options.frameRate ?? 30;
    const segmentSec = options.segmentSec ?? 4;
    const keep = options.trim === true ? keptStretches(manifest) : undefined;
    const durationMs = outputDurationMs({ durationMs: manifest.durationMs, keep });
    const renditions = options.hlsDir === undefined ? [] : computeLadder({ width: canvas.width, height: canvas.height, frameRate });
    const temporaryFile = options.output === undefined ? null : temporaryPathFor(options.output);
    const outputs: ComposeOutput[] = [];
    if (temporaryFile !== null) {
      outputs.push({ type: 'file', path: temporaryFile, container: container as 'mp4' | 'webm' | 'mkv' });
    }
    const thumbnails = { intervalSec: 5, tileWidth: 160, tileHeight: Math.round((160 * canvas.height) / canvas.width / 2) * 2, columns: 10, rows: 10 };
    if (options.hlsDir !== undefined) {
      await mkdir(join(options.hlsDir, 'thumbs'), { recursive: true });
      for (const rendition of renditions) {
        await mkdir(join(options.hlsDir, rendition.name), { recursive: true });
      }
      outputs.push({ type: 'hls', dir: options.hlsDir, renditions, segmentSec });
      outputs.push({ type: 'thumbnails', pattern: join(options.hlsDir, 'thumbs', 'sheet-%03d.jpg'), ...thumbnails });
    }
    const command = buildComposeCommand({
      timeline: layout,
      sources: media.sources,
      inputs: media.inputs,
      durationMs: manifest.durationMs,
      ...(keep === undefined ? {} : { keep }),
      frameRate,
      fontFile: options.fontFile ?? DEFAULT_FONT_FILE,
      labelFiles,
      audio: { type: 'mix' },
      graphFile: join(workDir, 'graph.txt'),
      outputs,
      ...(options.preset === undefined ? {} : { preset: options.preset }),
    });
    await writeFile(join(workDir, 'graph.txt'), command.graph);
    const args = [...command.args];
    if (temporaryFile !== null) {
      // The temporary name has no media extension: tell ffmpeg the container.
      args.splice(args.indexOf(temporaryFile), 0, '-f', container === 'mkv' ? 'matroska' : container!);
    }
    const wallClockUs = wallClockOf(manifest.originUs, keep);
    // The mosaic rendition is a second, independent ffmpeg over the same prepared inputs: run it beside the
    // ladder (each is bound by its own filter thread, so together they use both cores), cancelled with it.
    const forwardAbort = (): void => mosaicAbort.abort();
    options.signal?.addEventListener('abort', forwardAbort, { once: true });
    const mosaicRun =
      options.hlsDir !== undefined && options.mosaic !== false
        ? composeMosaic({ manifest, canvas, media, labelFiles, frameRate, segmentSec, hlsDir: options.hlsDir, workDir, options, keep, wallClockUs, signal: mosaicAbort.signal })
        : null;
    // Its failure is reported after the ladder's own outcome; never left unhandled meanwhile.
    mosaicSettled = mosaicRun?.then(
      (tileMap): { ok: true; tileMap: TileMap } => ({ ok: true, tileMap }),
      (error: unknown): { ok: false; error: unknown } => ({ ok: false, error }),
    );
    const publisher = options.hlsDir === undefined ? null : new HlsPublisher({ dir: options.hlsDir, renditions, originUs: manifest.originUs, segmentSec, wallClockUs });
    let publishing = Promise.resolve();
    const timer = publisher === null ? null : setInterval(() => {
      publishing = publishing.then(() => publisher.publish(false).then(() => undefined)).catch(() => undefined);
    }, 2000);
    let result: { elapsedMs: number };
    try {
      result = await runFfmpeg(args, {
        durationMs,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(options.onProgress === undefined ? {} : { onProgress: (progress: { fraction?: number }) => options.onProgress!(progress.fraction ?? 0) }),
      });
      if (temporaryFile !== null) {
        await rename(temporaryFile, options.output!);
      }
    } catch (error) {
      if (temporaryFile !== null) {
        await rm(temporaryFile, { force: true });
      }
      throw error;
    } finally {
      if (timer !== null) {
        clearInterval(timer);
      }
      options.signal?.removeEventListener('abort', forwardAbort);
      await publishing;
    }
    let segments = 0;
    let tileMap: TileMap | null = null;
    if (publisher !== null && options.hlsDir !== undefined) {
      segments = await publisher.publish(true);
      await publishThumbnails(join(options.hlsDir, 'thumbs'), { durationSec: durationMs / 1000, ...thumbnails });
      await writeDownloadMp4(options.hlsDir, renditions[0]!.name, workDir, options.signal);
      const mosaic = await mosaicSettled;
      if (mosaic !== undefined) {
        if (!mosaic.ok) {
          throw mosaic.error;
        }
        tileMap = mosaic.tileMap;
      }
      await writeAtomically(join(options.hlsDir, 'session.json'), (temporary) => writeFile(temporary, `${JSON.stringify({ ...manifest, tileMap }, null, 2)}\n`));
    }
    return {
      sessionId: manifest.id,
      durationMs,
      output: options.output ?? null,
      hls: options.hlsDir === undefined ? null : { dir: options.hlsDir, renditions, segments, mosaic: tileMap },
      layout,
      skippedTracks: media.skipped,
      ffmpegElapsedMs: result.elapsedMs,
    };
  } finally {
    // On any failure the mosaic's ffmpeg is stopped before its inputs are removed (a no-op once it finished).
    mosaicAbort.abort();
    await mosaicSettled;
    if (options.keepWorkDir !== true) {
      await rm(workDir, { recursive: true, force: true });
    }
  }
};

/**
 * A progressive MP4 (index at the front) of the top rendition for download: its fMP4 init and segments,
 * joined and remuxed by ffmpeg without re-encoding.
 */
const writeDownloadMp4 = async (hlsDir: string, renditionName: string, workDir: string, signal?: AbortSignal): Promise<void> => {
  const folder = join(hlsDir, renditionName);
  const segments = (await readdir(folder)).filter((name) => /^seg-\d+\.m4s$/.test(name)).sort();
  const joined = join(workDir, 'joined.mp4');
  const handle = await open(joined, 'w');
  try {
    for (const name of ['init.mp4', ...segments]) {
      await handle.write(await readFile(join(folder, name)));
    }
  } finally {
    await handle.close();
  }
  const target = join(hlsDir, 'download.mp4');
  const temporary = temporaryPathFor(target);
  try {
    await runFfmpeg(['-y', '-i', joined, '-map', '0', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', temporary], signal === undefined ? {} : { signal });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
};

/** The mosaic: one more ffmpeg run over the same prepared inputs, published as `mosaic.m3u8` + `mosaic/`. */
const composeMosaic = async (context: {
  manifest: SessionManifest;
  canvas: Canvas;
  media: PreparedMedia;
  labelFiles: ReadonlyMap<string, string>;
  frameRate: number;
  segmentSec: number;
  hlsDir: string;
  workDir: string;
  options: ComposeOptions;
  keep: Interval[] | undefined;
  wallClockUs: (outputSec: number) => number;
  signal: AbortSignal;
}): Promise<TileMap> => {
  const { manifest, canvas, media, frameRate, segmentSec, hlsDir, workDir, options, keep } = context;
  // No names burnt into video tiles: the player draws its own (name tiles of absent cameras stay).
  const { layout, tileMap } = planMosaic(manifest, { ...canvas, labels: false });
  const perChannel = tileMap.audio === 'per-participant-channels';
  const [top] = computeLadder({ width: canvas.width, height: canvas.height, frameRate });
  const rendition = { ...top!, name: 'mosaic' };
  await mkdir(join(hlsDir, 'mosaic'), { recursive: true });
  const command = buildComposeCommand({
    timeline: layout,
    sources: media.sources,
    inputs: media.inputs,
    durationMs: manifest.durationMs,
    ...(keep === undefined ? {} : { keep }),
    frameRate,
    fontFile: options.fontFile ?? DEFAULT_FONT_FILE,
    labelFiles: context.labelFiles,
    audio: perChannel ? { type: 'channels', participantOrder: manifest.participants.map((participant) => participant.id) } : { type: 'mix' },
    graphFile: join(workDir, 'mosaic-graph.txt'),
    // A keyframe every second: the player seeks on the mosaic, and a seek decodes from the keyframe before it.
    outputs: [{ type: 'hls', dir: hlsDir, renditions: [rendition], segmentSec, keyframeIntervalSec: 1, ...(perChannel ? { audioChannels: manifest.participants.length } : {}) }],
    ...(options.preset === undefined ? {} : { preset: options.preset }),
  });
  await writeFile(join(workDir, 'mosaic-graph.txt'), command.graph);
  await runFfmpeg(command.args, { durationMs: outputDurationMs({ durationMs: manifest.durationMs, keep }), signal: context.signal });
  await new HlsPublisher({ dir: hlsDir, renditions: [rendition], originUs: manifest.originUs, segmentSec, masterName: MOSAIC_PLAYLIST, wallClockUs: context.wallClockUs }).publish(true);
  return tileMap;
};
