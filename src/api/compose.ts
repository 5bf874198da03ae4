/**
 * Library entry for composition: a session (a folder of recordings, or its manifest) → one composed file and/or
 * an HLS ladder, in a chosen layout. The plan (layout timeline, filter graph, arguments) is pure; this module
 * prepares the inputs, runs ffmpeg once, and publishes outputs atomically.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { buildComposeCommand, type ComposeOutput } from '../compose/command.js';
import type { Canvas, LayoutSpec, LayoutTimeline } from '../compose/layout-types.js';
import { computeLayoutTimeline } from '../compose/layout.js';
import { runFfmpeg } from '../ffmpeg/run.js';
import type { SessionManifest } from '../sessions/manifest.js';
import { RepriseError } from '../shared/errors.js';
import { writeAtomically } from '../store/atomic-file.js';
import { prepareMedia } from './compose-media.js';
import { scanSessions } from './sessions.js';
import { detectSpeaking } from './speaking.js';

export const DEFAULT_CANVAS: Canvas = { width: 1280, height: 720, background: '#1e1e1e', padding: 8, labels: true };
export const DEFAULT_FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

export type ComposeOptions = {
  /** A folder of recordings, or a session manifest (JSON written by `reprise sessions`). */
  source: string;
  /** Which session, when the folder holds several (default: the longest). */
  sessionId?: string;
  layout: LayoutSpec;
  canvas?: Partial<Canvas>;
  frameRate?: number;
  /** A composed file: .mp4, .webm or .mkv. */
  output?: string;
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

const needsSpeech = (layout: LayoutSpec): boolean =>
  layout.type === 'speaker' || (layout.type === 'custom' && layout.regions.some((region) => region.sources.includes('speaker')));

/** Drops from the manifest the tracks that could not be prepared, so the layout shows name tiles instead. */
const withoutTracks = (manifest: SessionManifest, files: ReadonlySet<string>): SessionManifest => ({
  ...manifest,
  participants: manifest.participants.map((participant) => ({ ...participant, tracks: participant.tracks.filter((track) => !files.has(track.file)) })),
});

export const composeSession = async (options: ComposeOptions): Promise<ComposeReport> => {
  if (options.output === undefined) {
    throw new RepriseError('COMPOSE_NO_OUTPUT', 'compose needs an output: a file (-o) or an HLS folder (--hls)');
  }
  const container = extname(options.output).slice(1).toLowerCase();
  if (container !== 'mp4' && container !== 'webm' && container !== 'mkv') {
    throw new RepriseError('CONVERT_FORMAT', `a composition is written as .mp4, .webm or .mkv, not ${JSON.stringify(extname(options.output))}`);
  }
  const loaded = await loadSession(options.source, options.sessionId);
  const { folder } = loaded;
  const scanned = needsSpeech(options.layout) && loaded.manifest.participants.every((participant) => participant.speakingSource === null)
    ? await detectSpeaking(loaded.manifest, folder, options.signal)
    : loaded.manifest;
  const workDir = await mkdtemp(join(tmpdir(), 'reprise-compose-'));
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
    const result = await writeAtomically(options.output, async (temporaryPath) => {
      const outputs: ComposeOutput[] = [{ type: 'file', path: temporaryPath, container }];
      const command = buildComposeCommand({
        timeline: layout,
        sources: media.sources,
        inputs: media.inputs,
        durationMs: manifest.durationMs,
        frameRate,
        fontFile: options.fontFile ?? DEFAULT_FONT_FILE,
        labelFiles,
        audio: { type: 'mix' },
        graphFile: join(workDir, 'graph.txt'),
        outputs,
        ...(options.preset === undefined ? {} : { preset: options.preset }),
      });
      await writeFile(join(workDir, 'graph.txt'), command.graph);
      // The temporary name has no media extension: tell ffmpeg the container.
      const args = [...command.args];
      args.splice(args.length - 1, 0, '-f', container === 'mkv' ? 'matroska' : container);
      return runFfmpeg(args, {
        durationMs: manifest.durationMs,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(options.onProgress === undefined ? {} : { onProgress: (progress: { fraction?: number }) => options.onProgress!(progress.fraction ?? 0) }),
      });
    });
    return { sessionId: manifest.id, durationMs: manifest.durationMs, output: options.output, layout, skippedTracks: media.skipped, ffmpegElapsedMs: result.elapsedMs };
  } finally {
    if (options.keepWorkDir !== true) {
      await rm(workDir, { recursive: true, force: true });
    }
  }
};
