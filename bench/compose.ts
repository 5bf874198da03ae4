/**
 * `npx tsx bench/compose.ts [--minutes 60] [--variant-minutes 10] [--runs 3] [--variants all|id,…] [--sections product,variants] [--build] [--keep]`
 *
 * How fast `reprise compose --layout grid` turns a meeting into its replay, against a target of 4× real time:
 *   1. Sessions: the real meeting (test/fixtures/real/videoroom-1234-*: 3 participants, VP8 + Opus, 22 s), copied;
 *      and each of its 7 files (audio, video, data) repeated to --variant-minutes and to --minutes with
 *      `writeLongRecording` (headers kept: the participants keep their offsets).
 *   2. Product (section `product`): `node bin/reprise.js compose <dir> --layout grid -o out.mp4 --hls <dir>` and the
 *      same with `--hls` alone, under GNU time: wall, cpu, peak RSS, real-time factor (session / wall), and the
 *      compose ffmpeg's own cpu and main-thread cpu, sampled from /proc. Then the steps around ffmpeg, in this
 *      process: scan, track conversion, loudness, playlists, thumbnail index, download MP4.
 *   3. Variants (section `variants`): the compose ffmpeg command alone, rebuilt here with `buildComposeCommand` from
 *      the same inputs (lib/compose-session.ts), with one change at a time: preset, frame rate, the `-o` output,
 *      scaling flags, threads; and cut down to decoding, filtering, filtering + ladder scaling. The 720p rendition
 *      of each is compared with the veryfast one (and, on the 22 s meeting, with a lossless render): PSNR, SSIM.
 * Wall times depend on what else runs on the machine; each row also gives an estimate for an idle machine,
 * wall ≥ max(cpu / cores, main-thread cpu) (see lib/thread-cpu.ts). Exit code 1 only when a command fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  buildLoopedMeeting,
  buildVariantCommand,
  copyMeeting,
  joinRendition,
  measureAfterSteps,
  measureQuality,
  prepareSession,
  runSampled,
  runVariantCommand,
  type PreparedSession,
  type Quality,
  type SampledRun,
  type StageTiming,
  type VariantSpec,
} from './lib/compose-session.js';
import { computeLadder } from '../src/hls/ladder.js';
import { ensureDist } from './lib/ensure-dist.js';
import { checkGnuTime, computeMedian } from './lib/measure-process.js';
import { renderTable } from './lib/table.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const REAL_FIXTURES = join(REPO_ROOT, 'test/fixtures/real');
const TARGET_RTF = 4;
const CORES = cpus().length;

const USAGE = `Usage: npx tsx bench/compose.ts [--minutes 60] [--variant-minutes 10] [--runs 3] [--variants all|id,…] [--sections product,variants] [--build] [--keep]

  --minutes N          length of the long session for the product runs (default 60; 0 = none)
  --variant-minutes N  length of the looped session the variants also run on (default 10; 0 = the 22 s meeting only)
  --runs N             runs of each command on the 22 s meeting (median reported); longer sessions run once (default 3)
  --variants LIST      variant ids to run (default all): ${'{ids}'}
  --sections LIST      product, variants or both (default product,variants)
  --build              rebuild dist/ first (it is rebuilt anyway when missing or older than src/)
  --keep               keep the temporary folder (sessions, converted tracks, outputs)
`;

/** Every variant but `product` and `hls` changes one thing of `hls` (the command of `compose --hls`). */
const VARIANTS: VariantSpec[] = [
  { id: 'product', label: 'compose -o out.mp4 --hls: 4 x264 encodes, veryfast, 30 fps', mode: 'encode', file: true },
  { id: 'hls', label: 'compose --hls: 3 x264 encodes (ladder), veryfast, 30 fps', mode: 'encode' },
  { id: 'superfast', label: 'hls, preset superfast', mode: 'encode', preset: 'superfast' },
  { id: 'ultrafast', label: 'hls, preset ultrafast', mode: 'encode', preset: 'ultrafast' },
  { id: 'fps25', label: 'hls, 25 fps', mode: 'encode', frameRate: 25 },
  { id: 'fps15', label: 'hls, 15 fps', mode: 'encode', frameRate: 15 },
  { id: 'fast-bilinear', label: 'hls, every scaler fast_bilinear', mode: 'encode', scaleFlags: { tiles: 'fast_bilinear', ladder: 'fast_bilinear' } },
  { id: 'ladder-bilinear', label: 'hls, ladder scaler bilinear (not bicubic)', mode: 'encode', scaleFlags: { ladder: 'bilinear' } },
  { id: 'x264-threads1', label: 'hls, -threads 1 per x264 encoder', mode: 'encode', x264Threads: 1 },
  { id: 'x264-threads2', label: 'hls, -threads 2 per x264 encoder', mode: 'encode', x264Threads: 2 },
  { id: 'filter-threads1', label: 'hls, -filter_complex_threads 1', mode: 'encode', filterThreads: 1 },
  { id: 'product-superfast', label: 'product, preset superfast', mode: 'encode', file: true, preset: 'superfast' },
  { id: 'product-ultrafast', label: 'product, preset ultrafast', mode: 'encode', file: true, preset: 'ultrafast' },
  { id: 'mixed', label: 'hls, 720p veryfast, 480p/240p ultrafast', mode: 'encode', preset: ['veryfast', 'ultrafast', 'ultrafast'] },
  { id: 'superfast-fps25', label: 'hls, superfast, 25 fps', mode: 'encode', preset: 'superfast', frameRate: 25 },
  { id: 'ultrafast-fps25', label: 'hls, ultrafast, 25 fps', mode: 'encode', preset: 'ultrafast', frameRate: 25 },
  { id: 'superfast-ultra-fps25', label: 'hls, 720p superfast, 480p/240p ultrafast, 25 fps', mode: 'encode', preset: ['superfast', 'ultrafast', 'ultrafast'], frameRate: 25 },
  { id: 'decode', label: 'decode the inputs only (-f null)', mode: 'decode' },
  { id: 'graph', label: 'decode + composition graph (-f null)', mode: 'graph' },
  { id: 'scale', label: 'decode + graph + ladder scaling + thumbnails (-f null)', mode: 'scale' },
];
const REFERENCE_VARIANT = 'hls';

type Section = 'product' | 'variants';

type BenchOptions = { minutes: number; variantMinutes: number; runs: number; variants: VariantSpec[]; sections: Set<Section>; build: boolean; keep: boolean };

const parseOptions = (argv: string[]): BenchOptions => {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string', default: '60' },
      'variant-minutes': { type: 'string', default: '10' },
      runs: { type: 'string', default: '3' },
      variants: { type: 'string', default: 'all' },
      sections: { type: 'string', default: 'product,variants' },
      build: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const minutes = Number(values.minutes);
  const variantMinutes = Number(values['variant-minutes']);
  const runs = Number(values.runs);
  if (!(minutes >= 0) || !(variantMinutes >= 0) || !Number.isInteger(runs) || runs < 1) {
    throw new Error('--minutes and --variant-minutes must be numbers ≥ 0 and --runs a positive integer');
  }
  const ids = values.variants === 'all' ? VARIANTS.map((variant) => variant.id) : values.variants.split(',');
  const unknown = ids.filter((id) => !VARIANTS.some((variant) => variant.id === id));
  if (unknown.length > 0) {
    throw new Error(`unknown variant ${unknown.join(', ')}`);
  }
  // The reference comes first: the others are compared with it.
  const chosen = VARIANTS.filter((variant) => ids.includes(variant.id) || variant.id === REFERENCE_VARIANT).sort(
    (a, b) => Number(b.id === REFERENCE_VARIANT) - Number(a.id === REFERENCE_VARIANT),
  );
  const sections = new Set(values.sections.split(','));
  if ([...sections].some((section) => section !== 'product' && section !== 'variants')) {
    throw new Error('--sections takes product, variants or both');
  }
  return { minutes, variantMinutes, runs, variants: chosen, sections: sections as Set<Section>, build: values.build, keep: values.keep };
};

type Session = { label: string; dir: string; runs: number; prepared: PreparedSession };

const formatSeconds = (ms: number): string => (ms / 1000).toFixed(2);
const formatFactor = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '-');
const formatLoad = (): string => loadavg()[0]!.toFixed(1);
const median = (values: readonly number[]): number => (values.length === 0 ? Number.NaN : computeMedian(values));
const indent = (text: string): string => text.replace(/^/gm, '    ');

/** Idle-machine wall estimate of one ffmpeg: it cannot beat its cpu spread over the cores, nor its main thread. */
const idleFfmpegMs = (cpuMs: number, mainMs: number): number => Math.max(cpuMs / CORES, mainMs);

// ---------------------------------------------------------------------------------------------------------------
// Product: the CLI.

type ProductCommand = { id: 'full' | 'hls'; label: string };

const PRODUCT_COMMANDS: ProductCommand[] = [
  { id: 'full', label: '-o out.mp4 --hls' },
  { id: 'hls', label: '--hls' },
];

type ProductRow = { session: Session; command: ProductCommand; runs: Array<SampledRun & { load: string }> };

const runProduct = async (session: Session, command: ProductCommand, folder: string): Promise<ProductRow> => {
  const row: ProductRow = { session, command, runs: [] };
  const out = join(folder, 'cli', session.label.replace(/\W+/g, '-'), command.id);
  for (let index = 0; index < session.runs; index++) {
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    const hls = join(out, 'hls');
    const args = [join(REPO_ROOT, 'bin/reprise.js'), 'compose', session.dir, '--layout', 'grid', ...(command.id === 'full' ? ['-o', join(out, 'out.mp4')] : []), '--hls', hls];
    const run = await runSampled(process.execPath, args);
    row.runs.push({ ...run, load: formatLoad() });
    console.log(
      `  ${session.label} compose ${command.label} run ${index + 1}/${session.runs}: wall ${formatSeconds(run.wallMs)} s, cpu ${formatSeconds(run.cpuMs)} s, ` +
        `${(run.peakRssKiB / 1024).toFixed(0)} MiB, ffmpeg cpu ${formatSeconds(run.ffmpeg?.totalMs ?? Number.NaN)} s (main thread ${formatSeconds(run.ffmpeg?.mainMs ?? Number.NaN)} s), load ${formatLoad()}` +
        (run.failure === null ? '' : `  FAILED: ${run.failure}`),
    );
    if (run.failure !== null) {
      console.log(indent(`${run.stderr}${run.stdout}`.trim().split('\n').slice(-10).join('\n')));
      break;
    }
  }
  return row;
};

const renderProductTable = (rows: readonly ProductRow[]): string => {
  const lines = rows.flatMap((row) => {
    const runs = row.runs.filter((run) => run.failure === null);
    if (runs.length === 0) {
      return [[row.session.label, row.command.label, '', 'FAILED', '', '', '', '', '', '', '', '']];
    }
    const durationMs = row.session.prepared.manifest.durationMs;
    const wallMs = median(runs.map((run) => run.wallMs));
    const cpuMs = median(runs.map((run) => run.cpuMs));
    const ffmpegCpuMs = median(runs.map((run) => run.ffmpeg?.totalMs ?? Number.NaN));
    const ffmpegMainMs = median(runs.map((run) => run.ffmpeg?.mainMs ?? Number.NaN));
    // Everything but the compose ffmpeg (node, the loudness and remux ffmpegs) counted as serial.
    const idleMs = cpuMs - ffmpegCpuMs + idleFfmpegMs(ffmpegCpuMs, ffmpegMainMs);
    return [
      [
        row.session.label,
        row.command.label,
        formatSeconds(durationMs),
        formatSeconds(wallMs),
        formatSeconds(cpuMs),
        (median(runs.map((run) => run.peakRssKiB)) / 1024).toFixed(0),
        formatFactor(durationMs / wallMs),
        formatSeconds(ffmpegCpuMs),
        formatSeconds(ffmpegMainMs),
        formatFactor(durationMs / idleMs),
        runs.map((run) => formatSeconds(run.wallMs)).join(' '),
        runs.map((run) => run.load).join(' '),
      ],
    ];
  });
  return renderTable(
    [
      { title: 'session' },
      { title: 'compose' },
      { title: 'media s', align: 'right' },
      { title: 'wall s', align: 'right' },
      { title: 'cpu s', align: 'right' },
      { title: 'RSS MiB', align: 'right' },
      { title: 'RTF', align: 'right' },
      { title: 'ffmpeg cpu s', align: 'right' },
      { title: 'main thr s', align: 'right' },
      { title: 'RTF idle est', align: 'right' },
      { title: 'wall per run (s)' },
      { title: 'load' },
    ],
    lines,
  );
};

const renderVerdict = (rows: readonly ProductRow[]): string => {
  const lines = rows.map((row) => {
    const runs = row.runs.filter((run) => run.failure === null);
    const head = `  ${row.session.label}, compose ${row.command.label}`.padEnd(40);
    if (runs.length === 0) {
      return `${head} not measured (failed)`;
    }
    const rtf = row.session.prepared.manifest.durationMs / median(runs.map((run) => run.wallMs));
    return `${head} ${formatFactor(rtf)} real time  ${rtf >= TARGET_RTF ? 'met' : 'MISSED'}`;
  });
  return `target: ≥ ${TARGET_RTF}× real time (session duration / wall), ${CORES} cores:\n${lines.join('\n')}\n`;
};

const renderStages = (session: Session, after: StageTiming[], compose: ProductRow | undefined): string => {
  const rows: string[][] = [...session.prepared.stages, ...after].map((stage) => [stage.stage, formatSeconds(stage.wallMs), formatSeconds(stage.cpuMs), stage.detail]);
  const runs = compose?.runs.filter((run) => run.failure === null) ?? [];
  if (runs.length > 0 && runs[0]!.ffmpeg !== null) {
    const ffmpeg = runs.at(-1)!.ffmpeg!;
    rows.push(['compose ffmpeg (in the last `compose --hls` run)', formatSeconds(ffmpeg.lastSeenMs - ffmpeg.firstSeenMs), formatSeconds(ffmpeg.totalMs), `main thread ${formatSeconds(ffmpeg.mainMs)} s, ${ffmpeg.threads} threads`]);
  }
  const outside = [...session.prepared.stages, ...after].filter((stage) => !stage.stage.startsWith('playlists again'));
  rows.push(['all steps outside the compose ffmpeg', formatSeconds(outside.reduce((sum, stage) => sum + stage.wallMs, 0)), formatSeconds(outside.reduce((sum, stage) => sum + stage.cpuMs, 0)), '']);
  return `${session.label}: steps (in this process, as composeSession runs them; ffmpeg steps under GNU time)\n\n${renderTable(
    [{ title: 'step' }, { title: 'wall s', align: 'right' }, { title: 'cpu s', align: 'right' }, { title: 'detail' }],
    rows,
  )}`;
};

// ---------------------------------------------------------------------------------------------------------------
// Variants: the compose ffmpeg alone.

type VariantResult = {
  spec: VariantSpec;
  runs: Array<SampledRun & { load: string }>;
  /** The 720p rendition of the last run, joined into one file, or null. */
  top: string | null;
  frameRate: number;
  vsReference: Quality | string | null;
  vsLossless: Quality | string | null;
};

const runVariants = async (session: Session, variants: readonly VariantSpec[], folder: string): Promise<VariantResult[]> => {
  const results: VariantResult[] = [];
  const base = join(folder, 'variants', session.label.replace(/\W+/g, '-'));
  let lossless: string | null = null;
  if (session.prepared.manifest.durationMs < 120_000) {
    const command = await buildVariantCommand(session.prepared, { id: 'lossless', label: 'lossless', mode: 'lossless' }, join(base, 'lossless'));
    const run = await runVariantCommand(command);
    console.log(`  ${session.label} lossless reference (x264 qp 0): wall ${formatSeconds(run.wallMs)} s${run.failure === null ? '' : `  FAILED: ${run.failure}`}`);
    lossless = run.failure === null ? command.filePath : null;
  }
  for (const spec of variants) {
    const result: VariantResult = { spec, runs: [], top: null, frameRate: spec.frameRate ?? 30, vsReference: null, vsLossless: null };
    results.push(result);
    const out = join(base, spec.id);
    let command = await buildVariantCommand(session.prepared, spec, out);
    for (let index = 0; index < session.runs; index++) {
      if (index > 0) {
        command = await buildVariantCommand(session.prepared, spec, out);
      }
      const run = await runVariantCommand(command);
      result.runs.push({ ...run, load: formatLoad() });
      console.log(
        `  ${session.label} ${spec.id.padEnd(22)} run ${index + 1}/${session.runs}: wall ${formatSeconds(run.wallMs)} s, cpu ${formatSeconds(run.cpuMs)} s, ` +
          `main thread ${formatSeconds(run.ffmpeg?.mainMs ?? Number.NaN)} s, ${(run.peakRssKiB / 1024).toFixed(0)} MiB, load ${formatLoad()}` +
          (run.failure === null ? '' : `  FAILED: ${run.failure}`),
      );
      if (run.failure !== null) {
        console.log(indent(run.stderr.trim().split('\n').slice(-10).join('\n')));
        break;
      }
    }
    if (command.hlsDir !== null && result.runs.every((run) => run.failure === null)) {
      result.top = join(out, `${command.renditions[0]!.name}.mp4`);
      await joinRendition(command.hlsDir, command.renditions[0]!.name, result.top);
    }
  }
  const reference = results.find((result) => result.spec.id === REFERENCE_VARIANT)?.top ?? null;
  for (const result of results) {
    if (result.top === null) {
      continue;
    }
    const resample = result.frameRate === 30 ? null : result.frameRate;
    if (reference !== null && result.spec.id !== REFERENCE_VARIANT) {
      result.vsReference = await measureQuality(result.top, reference, resample);
    }
    if (lossless !== null) {
      result.vsLossless = await measureQuality(result.top, lossless, resample);
    }
  }
  return results;
};

const formatQuality = (quality: Quality | string | null): [string, string] => {
  if (quality === null) {
    return ['', ''];
  }
  if (typeof quality === 'string') {
    return ['?', '?'];
  }
  return [Number.isFinite(quality.psnr) ? quality.psnr.toFixed(2) : 'inf', quality.ssim.toFixed(4)];
};

const renderVariantTable = (session: Session, results: readonly VariantResult[]): string => {
  const durationMs = session.prepared.manifest.durationMs;
  const reference = results.find((result) => result.spec.id === REFERENCE_VARIANT);
  const referenceWall = reference === undefined ? Number.NaN : median(reference.runs.filter((run) => run.failure === null).map((run) => run.wallMs));
  const rows = results.map((result) => {
    const runs = result.runs.filter((run) => run.failure === null);
    if (runs.length === 0) {
      return [result.spec.id, 'FAILED', '', '', '', '', '', '', '', '', '', '', ''];
    }
    const wallMs = median(runs.map((run) => run.wallMs));
    const cpuMs = median(runs.map((run) => run.cpuMs));
    const mainMs = median(runs.map((run) => run.ffmpeg?.mainMs ?? Number.NaN));
    return [
      result.spec.id,
      formatSeconds(wallMs),
      formatSeconds(cpuMs),
      formatSeconds(mainMs),
      (median(runs.map((run) => run.peakRssKiB)) / 1024).toFixed(0),
      formatFactor(durationMs / wallMs),
      formatFactor(durationMs / idleFfmpegMs(cpuMs, mainMs)),
      formatFactor(wallMs / referenceWall),
      ...formatQuality(result.vsReference),
      ...formatQuality(result.vsLossless),
      runs.map((run) => run.load).join(' '),
    ];
  });
  const legend = results.map((result) => `  ${result.spec.id.padEnd(22)} ${result.spec.label}`).join('\n');
  return (
    `${session.label} (${formatSeconds(durationMs)} s): the compose ffmpeg alone, median of ${session.runs} run(s)\n\n` +
    renderTable(
      [
        { title: 'variant' },
        { title: 'wall s', align: 'right' },
        { title: 'cpu s', align: 'right' },
        { title: 'main thr s', align: 'right' },
        { title: 'RSS MiB', align: 'right' },
        { title: 'RTF', align: 'right' },
        { title: 'RTF idle est', align: 'right' },
        { title: `wall/${REFERENCE_VARIANT}`, align: 'right' },
        { title: 'PSNR vs vf', align: 'right' },
        { title: 'SSIM vs vf', align: 'right' },
        { title: 'PSNR vs lossless', align: 'right' },
        { title: 'SSIM vs lossless', align: 'right' },
        { title: 'load' },
      ],
      rows,
    ) +
    `\n${legend}\n`
  );
};

// ---------------------------------------------------------------------------------------------------------------

const describeMachine = (): string => {
  const ffmpeg = /ffmpeg version (\S+)/.exec(spawnSync('ffmpeg', ['-version'], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? '?';
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout?.trim() || '?';
  const edited = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  return (
    `node ${process.version}, ffmpeg ${ffmpeg}, ${CORES} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((load) => load.toFixed(2)).join(' ')}; ` +
    `tree ${commit}${edited === '' ? '' : ' + uncommitted changes in src/'}`
  );
};

const main = async (argv: string[]): Promise<number> => {
  let options: BenchOptions;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`bench/compose: ${(error as Error).message}\n\n${USAGE.replace('{ids}', VARIANTS.map((variant) => variant.id).join(', '))}`);
    return 2;
  }
  checkGnuTime();
  if (spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).error !== undefined) {
    throw new Error('ffmpeg not found (apt-get install ffmpeg)');
  }
  const distWarning = ensureDist(REPO_ROOT, { forceBuild: options.build, rebuildWhenStale: true });
  if (distWarning !== null) {
    console.log(`warning: ${distWarning}`);
  }
  console.log(describeMachine());
  const folder = await mkdtemp(join(tmpdir(), 'reprise-bench-compose-'));
  let failed = false;
  try {
    const sessions: Session[] = [];
    const addSession = async (label: string, dir: string, runs: number): Promise<Session> => {
      const prepared = await prepareSession(label, dir, join(folder, 'work', label.replace(/\W+/g, '-')));
      const session = { label, dir, runs, prepared };
      sessions.push(session);
      console.log(`  ${label}: session ${prepared.manifest.id}, ${formatSeconds(prepared.manifest.durationMs)} s, ${prepared.manifest.participants.length} participants, prepared in ${formatSeconds(prepared.stages.reduce((sum, stage) => sum + stage.wallMs, 0))} s`);
      return session;
    };
    console.log('sessions:');
    const meetingDir = join(folder, 'sessions', 'meeting');
    const names = await copyMeeting(REAL_FIXTURES, meetingDir);
    console.log(`  meeting: ${names.length} files copied from test/fixtures/real/`);
    const meeting = await addSession('meeting 22 s', meetingDir, options.runs);
    const loop = options.variantMinutes > 0 ? `loop ${options.variantMinutes} min` : null;
    const long = options.minutes > 0 && options.sections.has('product') && options.minutes !== options.variantMinutes ? `loop ${options.minutes} min` : null;
    for (const [label, minutes] of [
      [loop, options.variantMinutes],
      [long, options.minutes],
    ] as const) {
      if (label !== null) {
        const dir = join(folder, 'sessions', `loop-${minutes}min`);
        console.log(`  ${label}: each file repeated with writeLongRecording`);
        await buildLoopedMeeting(REAL_FIXTURES, dir, minutes, (line) => console.log(line));
        await addSession(label, dir, 1);
      }
    }

    const productRows: ProductRow[] = [];
    const afterSteps = new Map<Session, StageTiming[]>();
    if (options.sections.has('product')) {
      console.log('\nproduct: node bin/reprise.js compose <dir> --layout grid …');
      for (const session of sessions) {
        for (const command of PRODUCT_COMMANDS) {
          const row = await runProduct(session, command, folder);
          productRows.push(row);
          failed ||= row.runs.some((run) => run.failure !== null);
        }
        const hlsRow = productRows.find((row) => row.session === session && row.command.id === 'hls');
        if (hlsRow !== undefined && hlsRow.runs.every((run) => run.failure === null)) {
          const hlsDir = join(folder, 'cli', session.label.replace(/\W+/g, '-'), 'hls', 'hls');
          afterSteps.set(session, await measureAfterSteps(hlsDir, computeLadder({ width: 1280, height: 720, frameRate: 30 }), session.prepared, session.prepared.workDir));
        }
      }
    }

    const variantResults = new Map<Session, VariantResult[]>();
    if (options.sections.has('variants')) {
      console.log('\nvariants: the compose ffmpeg command alone');
      for (const session of [meeting, ...sessions.filter((each) => each.label === loop)]) {
        const results = await runVariants(session, options.variants, folder);
        variantResults.set(session, results);
        failed ||= results.some((result) => result.runs.some((run) => run.failure !== null));
      }
    }

    console.log(`\n${describeMachine()}`);
    if (productRows.length > 0) {
      console.log('\nmedian of the runs; RTF = session duration / wall; RTF idle est = duration / ((cpu − ffmpeg cpu) + max(ffmpeg cpu / cores, ffmpeg main thread))\n');
      console.log(renderProductTable(productRows));
      console.log(renderVerdict(productRows));
      for (const session of sessions) {
        if (afterSteps.has(session)) {
          console.log(renderStages(session, afterSteps.get(session)!, productRows.find((row) => row.session === session && row.command.id === 'hls')));
        }
      }
    }
    for (const [session, results] of variantResults) {
      console.log(`\nRTF idle est = duration / max(cpu / ${CORES}, main-thread cpu); PSNR (dB, average of Y U V) and SSIM of the 720p rendition against ${REFERENCE_VARIANT} (veryfast, 30 fps) and a lossless render of the composition\n`);
      console.log(renderVariantTable(session, results));
    }
    return failed ? 1 : 0;
  } finally {
    if (options.keep) {
      console.log(`kept ${folder}`);
    } else {
      await rm(folder, { recursive: true, force: true });
    }
  }
};

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`bench/compose: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 1;
});
