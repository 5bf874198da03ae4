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
  compareWithCli,
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
  withNoisyCameras,
} from './lib/compose-session.js';
import { computeLadder } from '../src/hls/ladder.js';
import { ensureDist } from './lib/ensure-dist.js';
import { checkGnuTime, computeMedian } from './lib/measure-process.js';
import type { ProcessCpu } from './lib/thread-cpu.js';
import { renderTable } from './lib/table.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const REAL_FIXTURES = join(REPO_ROOT, 'test/fixtures/real');
const TARGET_RTF = 4;
const CORES = cpus().length;

const USAGE = `Usage: npx tsx bench/compose.ts [--minutes 60] [--variant-minutes 10] [--runs 3] [--variants all|id,…] [--loop-variants id,…] [--sections product,variants] [--build] [--keep]

  --minutes N          length of the long session for the product runs (default 60; 0 = none)
  --variant-minutes N  length of the looped session the variants also run on (default 10; 0 = the 22 s meeting only)
  --runs N             runs of each command on the 22 s meeting (median reported); longer sessions run once (default 3)
  --variants LIST      variants to run on the 22 s meeting (default all): {ids}
  --loop-variants LIST variants to run on the looped session (default: {loop})
  --noisy-variants LIST variants to run on the meeting with noisy cameras (default: {noisy}; none = skip)
  --sections LIST      product, variants or both (default product,variants)
  --build              rebuild dist/ first (it is rebuilt anyway when missing or older than src/)
  --keep               keep the temporary folder (sessions, converted tracks, outputs)
`;

/**
 * Every `hls`-family variant changes one or two things of `hls` (the first command of `compose --hls`) and is
 * compared with it; the `mosaic` family likewise with `mosaic` (its second command).
 */
const VARIANTS: VariantSpec[] = [
  { id: 'hls', label: 'compose --hls, 1st ffmpeg: ladder 720p/480p/240p + thumbnails, veryfast, 30 fps', mode: 'encode' },
  { id: 'product', label: 'compose -o out.mp4 --hls, 1st ffmpeg: + the 720p CRF 23 file (4 x264 encodes)', mode: 'encode', file: true, reference: 'hls' },
  { id: 'superfast', label: 'hls, preset superfast', mode: 'encode', preset: 'superfast', reference: 'hls' },
  { id: 'ultrafast', label: 'hls, preset ultrafast', mode: 'encode', preset: 'ultrafast', reference: 'hls' },
  { id: 'fps25', label: 'hls, 25 fps', mode: 'encode', frameRate: 25 },
  { id: 'fps15', label: 'hls, 15 fps', mode: 'encode', frameRate: 15 },
  { id: 'fast-bilinear', label: 'hls, every scaler fast_bilinear (tiles and ladder)', mode: 'encode', scaleFlags: { tiles: 'fast_bilinear', ladder: 'fast_bilinear' }, reference: 'hls' },
  { id: 'ladder-bilinear', label: 'hls, ladder scaler bilinear instead of bicubic', mode: 'encode', scaleFlags: { ladder: 'bilinear' }, reference: 'hls' },
  { id: 'x264-threads1', label: 'hls, -threads 1 per x264 encoder', mode: 'encode', x264Threads: 1, reference: 'hls' },
  { id: 'x264-threads2', label: 'hls, -threads 2 per x264 encoder', mode: 'encode', x264Threads: 2, reference: 'hls' },
  { id: 'filter-threads1', label: 'hls, -filter_complex_threads 1', mode: 'encode', filterThreads: 1, reference: 'hls' },
  { id: 'product-superfast', label: 'product, preset superfast', mode: 'encode', file: true, preset: 'superfast', reference: 'hls' },
  { id: 'product-ultrafast', label: 'product, preset ultrafast', mode: 'encode', file: true, preset: 'ultrafast', reference: 'hls' },
  { id: 'mixed', label: 'hls, 720p veryfast, 480p/240p ultrafast', mode: 'encode', preset: ['veryfast', 'ultrafast', 'ultrafast'], reference: 'hls' },
  { id: 'superfast-mixed', label: 'hls, 720p superfast, 480p/240p ultrafast', mode: 'encode', preset: ['superfast', 'ultrafast', 'ultrafast'], reference: 'hls' },
  { id: 'superfast-fps25', label: 'hls, superfast, 25 fps', mode: 'encode', preset: 'superfast', frameRate: 25 },
  { id: 'ultrafast-fps25', label: 'hls, ultrafast, 25 fps', mode: 'encode', preset: 'ultrafast', frameRate: 25 },
  { id: 'superfast-mixed-fps25', label: 'hls, 720p superfast, 480p/240p ultrafast, 25 fps', mode: 'encode', preset: ['superfast', 'ultrafast', 'ultrafast'], frameRate: 25 },
  { id: 'mosaic', label: 'compose --hls, 2nd ffmpeg: mosaic 720p (fixed grid, a voice per channel), veryfast, 30 fps', mode: 'mosaic' },
  { id: 'mosaic-superfast', label: 'mosaic, preset superfast', mode: 'mosaic', preset: 'superfast', reference: 'mosaic' },
  { id: 'mosaic-ultrafast', label: 'mosaic, preset ultrafast', mode: 'mosaic', preset: 'ultrafast', reference: 'mosaic' },
  { id: 'mosaic-fps25', label: 'mosaic, 25 fps', mode: 'mosaic', frameRate: 25 },
  { id: 'combined', label: 'hls + mosaic in one ffmpeg (two filter graphs, inputs decoded once), veryfast, 30 fps', mode: 'combined', reference: 'hls' },
  { id: 'combined-superfast-mixed-fps25', label: 'combined; 720p + mosaic superfast, 480p/240p ultrafast, 25 fps', mode: 'combined', preset: ['superfast', 'ultrafast', 'ultrafast', 'superfast'], frameRate: 25 },
  { id: 'decode', label: 'decode the inputs only (-f null)', mode: 'decode' },
  { id: 'graph', label: 'decode + composition graph (-f null)', mode: 'graph' },
  { id: 'scale', label: 'decode + graph + ladder scaling + thumbnails (-f null): hls without encoders', mode: 'scale' },
  { id: 'mosaic-graph', label: 'decode + mosaic graph (-f null): mosaic without encoder', mode: 'mosaic-graph' },
];
/** On the looped session: the variants that tell something new at length (the rest behave as on the meeting). */
const LOOP_VARIANTS = [
  'hls',
  'product',
  'superfast',
  'ultrafast',
  'fps25',
  'fps15',
  'mixed',
  'superfast-mixed',
  'superfast-mixed-fps25',
  'ultrafast-fps25',
  'mosaic',
  'mosaic-ultrafast',
  'mosaic-fps25',
  'combined',
  'decode',
  'graph',
  'scale',
  'mosaic-graph',
];
/** On the meeting with noisy cameras: the encoder settings, whose cost and quality depend on the picture. */
const NOISY_VARIANTS = ['hls', 'superfast', 'ultrafast', 'mixed', 'superfast-mixed', 'fps25', 'superfast-mixed-fps25', 'ultrafast-fps25', 'mosaic', 'mosaic-superfast', 'mosaic-ultrafast'];

type Section = 'product' | 'variants';

type BenchOptions = {
  minutes: number;
  variantMinutes: number;
  runs: number;
  variants: VariantSpec[];
  loopVariants: VariantSpec[];
  noisyVariants: VariantSpec[];
  sections: Set<Section>;
  build: boolean;
  keep: boolean;
};

/** The variants named in `list` ('all' = every one), plus the references they are compared with, references first. */
const pickVariants = (list: string, option: string): VariantSpec[] => {
  if (list === 'none') {
    return [];
  }
  const ids = list === 'all' ? VARIANTS.map((variant) => variant.id) : list.split(',');
  const unknown = ids.filter((id) => !VARIANTS.some((variant) => variant.id === id));
  if (unknown.length > 0) {
    throw new Error(`${option}: unknown variant ${unknown.join(', ')}`);
  }
  const needed = new Set([...ids, ...ids.flatMap((id) => VARIANTS.find((variant) => variant.id === id)!.reference ?? [])]);
  const chosen = VARIANTS.filter((variant) => needed.has(variant.id));
  const isReference = (variant: VariantSpec): boolean => chosen.some((other) => other.reference === variant.id);
  return [...chosen.filter(isReference), ...chosen.filter((variant) => !isReference(variant))];
};

const parseOptions = (argv: string[]): BenchOptions => {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string', default: '60' },
      'variant-minutes': { type: 'string', default: '10' },
      runs: { type: 'string', default: '3' },
      variants: { type: 'string', default: 'all' },
      'loop-variants': { type: 'string', default: LOOP_VARIANTS.join(',') },
      'noisy-variants': { type: 'string', default: NOISY_VARIANTS.join(',') },
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
  const sections = new Set(values.sections.split(','));
  if ([...sections].some((section) => section !== 'product' && section !== 'variants')) {
    throw new Error('--sections takes product, variants or both');
  }
  return {
    minutes,
    variantMinutes,
    runs,
    variants: pickVariants(values.variants, '--variants'),
    loopVariants: pickVariants(values['loop-variants'], '--loop-variants'),
    noisyVariants: pickVariants(values['noisy-variants'], '--noisy-variants'),
    sections: sections as Set<Section>,
    build: values.build,
    keep: values.keep,
  };
};

type Session = { label: string; dir: string; runs: number; prepared: PreparedSession };

const formatSeconds = (ms: number): string => (ms / 1000).toFixed(2);
const formatFactor = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '-');
const formatLoad = (): string => loadavg()[0]!.toFixed(1);
const median = (values: readonly number[]): number => (values.length === 0 ? Number.NaN : computeMedian(values));
const indent = (text: string): string => text.replace(/^/gm, '    ');
const slug = (label: string): string => label.replace(/\W+/g, '-');

/** Idle-machine wall estimate of one process: it cannot beat its cpu spread over the cores, nor its main thread. */
const idleMs = (cpuMs: number, mainMs: number): number => Math.max(cpuMs / CORES, mainMs);

// ---------------------------------------------------------------------------------------------------------------
// Product: the CLI.

type ProductCommand = { id: 'full' | 'hls' | 'hls-ultrafast'; label: string };

const PRODUCT_COMMANDS: ProductCommand[] = [
  { id: 'full', label: '-o out.mp4 --hls' },
  { id: 'hls', label: '--hls' },
  { id: 'hls-ultrafast', label: '--hls --preset ultrafast' },
];

type Run = SampledRun & { load: string };

type ProductRow = { session: Session; command: ProductCommand; runs: Run[] };

/** What each process under `reprise compose` is, from its arguments. */
type Role = 'node' | 'loudness' | 'compose' | 'mosaic' | 'remux' | 'other';

const roleOf = (process: ProcessCpu): Role => {
  if (process.name === 'node') {
    return 'node';
  }
  if (process.name !== 'ffmpeg') {
    return 'other';
  }
  const args = process.args.join(' ');
  if (args.includes('ebur128')) {
    return 'loudness';
  }
  if (args.includes('mosaic-graph.txt')) {
    return 'mosaic';
  }
  if (args.includes('-filter_complex_script')) {
    return 'compose';
  }
  return args.includes('+faststart') ? 'remux' : 'other';
};

type RoleTotals = { count: number; wallMs: number; cpuMs: number; mainMs: number; idleMs: number };

const totalsByRole = (run: SampledRun): Map<Role, RoleTotals> => {
  const totals = new Map<Role, RoleTotals>();
  for (const process of run.processes) {
    const role = roleOf(process);
    const entry = totals.get(role) ?? { count: 0, wallMs: 0, cpuMs: 0, mainMs: 0, idleMs: 0 };
    entry.count++;
    entry.wallMs += process.lastSeenMs - process.firstSeenMs;
    entry.cpuMs += process.totalMs;
    entry.mainMs += process.mainMs;
    // node is mostly one thread, and waits for ffmpeg most of the time: count its cpu as serial.
    entry.idleMs += role === 'node' ? process.totalMs : idleMs(process.totalMs, process.mainMs);
    totals.set(role, entry);
  }
  return totals;
};

/** The whole run on an idle machine, estimated: every process one after the other, each at its own bound. */
const idleRunMs = (run: SampledRun): number => [...totalsByRole(run).values()].reduce((sum, entry) => sum + entry.idleMs, 0);

const runProduct = async (session: Session, command: ProductCommand, folder: string): Promise<ProductRow> => {
  const row: ProductRow = { session, command, runs: [] };
  const out = join(folder, 'cli', slug(session.label), command.id);
  for (let index = 0; index < session.runs; index++) {
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    const args = [join(REPO_ROOT, 'bin/reprise.js'), 'compose', session.dir, '--layout', 'grid', ...(command.id === 'full' ? ['-o', join(out, 'out.mp4')] : []), '--hls', join(out, 'hls'), ...(command.id === 'hls-ultrafast' ? ['--preset', 'ultrafast'] : [])];
    const run = await runSampled(process.execPath, args);
    row.runs.push({ ...run, load: formatLoad() });
    const roles = totalsByRole(run);
    const describe = (role: Role): string => {
      const entry = roles.get(role);
      return entry === undefined ? `no ${role}` : `${role} ${formatSeconds(entry.wallMs)} s (cpu ${formatSeconds(entry.cpuMs)}, main ${formatSeconds(entry.mainMs)})`;
    };
    console.log(
      `  ${session.label} compose ${command.label} run ${index + 1}/${session.runs}: wall ${formatSeconds(run.wallMs)} s, cpu ${formatSeconds(run.cpuMs)} s, ` +
        `${(run.peakRssKiB / 1024).toFixed(0)} MiB; ${describe('compose')}, ${describe('mosaic')}; load ${formatLoad()}` +
        (run.failure === null ? '' : `  FAILED: ${run.failure}`),
    );
    if (run.failure !== null) {
      console.log(indent(`${run.stderr}${run.stdout}`.trim().split('\n').slice(-10).join('\n')));
      break;
    }
  }
  return row;
};

/** Prints whether the bench's commands are the ones compose ran (its ffmpeg arguments, read from /proc, paths aside). */
const checkReplica = async (session: Session, rows: readonly ProductRow[], folder: string): Promise<void> => {
  const pairs: Array<[ProductCommand['id'], Role, string]> = [
    ['full', 'compose', 'product'],
    ['hls', 'compose', 'hls'],
    ['hls', 'mosaic', 'mosaic'],
  ];
  for (const [commandId, role, variantId] of pairs) {
    const run = okRuns(rows.find((row) => row.session === session && row.command.id === commandId)?.runs ?? []).at(-1);
    const cli = run?.processes.find((process) => roleOf(process) === role);
    if (cli === undefined) {
      console.log(`  replica check: no ${role} ffmpeg seen under compose ${commandId}`);
      continue;
    }
    const command = await buildVariantCommand(session.prepared, VARIANTS.find((variant) => variant.id === variantId)!, join(folder, 'replica-check', variantId));
    const difference = compareWithCli(cli.args, command.args);
    console.log(`  replica check: bench variant ${variantId} vs the ${role} ffmpeg of compose ${commandId}: ${difference ?? 'same arguments (paths aside)'}`);
  }
};

const okRuns = <T extends { failure: string | null }>(runs: readonly T[]): T[] => runs.filter((run) => run.failure === null);

const renderProductTable = (rows: readonly ProductRow[]): string => {
  const lines = rows.map((row) => {
    const runs = okRuns(row.runs);
    if (runs.length === 0) {
      return [row.session.label, row.command.label, 'FAILED'];
    }
    const durationMs = row.session.prepared.manifest.durationMs;
    const wallMs = median(runs.map((run) => run.wallMs));
    const role = (name: Role, key: keyof RoleTotals): number => median(runs.map((run) => totalsByRole(run).get(name)?.[key] ?? 0));
    return [
      row.session.label,
      row.command.label,
      formatSeconds(durationMs),
      formatSeconds(wallMs),
      formatSeconds(median(runs.map((run) => run.cpuMs))),
      (median(runs.map((run) => run.peakRssKiB)) / 1024).toFixed(0),
      formatFactor(durationMs / wallMs),
      `${formatSeconds(role('compose', 'wallMs'))} / ${formatSeconds(role('compose', 'cpuMs'))} / ${formatSeconds(role('compose', 'mainMs'))}`,
      `${formatSeconds(role('mosaic', 'wallMs'))} / ${formatSeconds(role('mosaic', 'cpuMs'))} / ${formatSeconds(role('mosaic', 'mainMs'))}`,
      formatFactor(durationMs / median(runs.map(idleRunMs))),
      runs.map((run) => formatSeconds(run.wallMs)).join(' '),
      runs.map((run) => run.load).join(' '),
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
      { title: '1st ffmpeg wall/cpu/main s', align: 'right' },
      { title: 'mosaic ffmpeg wall/cpu/main s', align: 'right' },
      { title: 'RTF idle est', align: 'right' },
      { title: 'wall per run (s)' },
      { title: 'load' },
    ],
    lines,
  );
};

const renderVerdict = (rows: readonly ProductRow[]): string => {
  const lines = rows.map((row) => {
    const runs = okRuns(row.runs);
    const head = `  ${row.session.label}, compose ${row.command.label}`.padEnd(42);
    if (runs.length === 0) {
      return `${head} not measured (failed)`;
    }
    const durationMs = row.session.prepared.manifest.durationMs;
    const rtf = durationMs / median(runs.map((run) => run.wallMs));
    const idle = durationMs / median(runs.map(idleRunMs));
    return `${head} ${formatFactor(rtf)} real time  ${rtf >= TARGET_RTF ? 'met' : 'MISSED'}   (idle-machine estimate ${formatFactor(idle)}: ${idle >= TARGET_RTF ? 'met' : 'missed'})`;
  });
  return `target: ≥ ${TARGET_RTF}× real time (session duration / wall) on ${CORES} cores:\n${lines.join('\n')}\n`;
};

const ROLE_LABELS: Record<Role, string> = {
  node: 'node: scan, convert, layout, playlists (whole run)',
  loudness: 'loudness ffmpegs (ebur128, one per voice)',
  compose: '1st ffmpeg: composition, ladder, thumbnails [, file]',
  remux: 'download MP4 remux ffmpeg',
  mosaic: '2nd ffmpeg: mosaic',
  other: 'other processes',
};

const renderStages = (session: Session, after: StageTiming[], row: ProductRow | undefined): string => {
  const steps = [...session.prepared.stages, ...after];
  const stepRows = steps.map((stage) => [stage.stage, formatSeconds(stage.wallMs), formatSeconds(stage.cpuMs), stage.detail]);
  const outside = steps.filter((stage) => !stage.stage.startsWith('playlists again'));
  stepRows.push(['sum of the steps above', formatSeconds(outside.reduce((sum, stage) => sum + stage.wallMs, 0)), formatSeconds(outside.reduce((sum, stage) => sum + stage.cpuMs, 0)), '']);
  let text =
    `${session.label}: steps around the ffmpeg composition, run here as composeSession runs them (ffmpeg under GNU time)\n\n` +
    renderTable([{ title: 'step' }, { title: 'wall s', align: 'right' }, { title: 'cpu s', align: 'right' }, { title: 'detail' }], stepRows);
  const run = row === undefined ? undefined : okRuns(row.runs).at(-1);
  if (run !== undefined) {
    const roleRows = [...totalsByRole(run)].map(([role, entry]) => [
      `${ROLE_LABELS[role]}${entry.count > 1 ? ` ×${entry.count}` : ''}`,
      formatSeconds(entry.wallMs),
      formatSeconds(entry.cpuMs),
      formatSeconds(entry.mainMs),
      formatSeconds(entry.idleMs),
    ]);
    text +=
      `\n${session.label}: processes of the last \`compose ${row!.command.label}\` run (sampled from /proc; wall = first to last sample), total wall ${formatSeconds(run.wallMs)} s\n\n` +
      renderTable(
        [{ title: 'process' }, { title: 'wall s', align: 'right' }, { title: 'cpu s', align: 'right' }, { title: 'main thread s', align: 'right' }, { title: 'idle est s', align: 'right' }],
        roleRows,
      );
  }
  return text;
};

// ---------------------------------------------------------------------------------------------------------------
// Variants: the compose ffmpeg alone.

type VariantResult = {
  spec: VariantSpec;
  runs: Run[];
  /** The top rendition of the last run (720p, or the mosaic), joined into one file, or null. */
  top: string | null;
  /** Its size in bytes. */
  topBytes: number;
  frameRate: number;
  vsReference: Quality | string | null;
  vsLossless: Quality | string | null;
};

const LOSSLESS_MAX_MS = 120_000;

const runVariants = async (session: Session, variants: readonly VariantSpec[], folder: string): Promise<VariantResult[]> => {
  const results: VariantResult[] = [];
  const base = join(folder, 'variants', slug(session.label));
  for (const spec of variants) {
    const result: VariantResult = { spec, runs: [], top: null, topBytes: 0, frameRate: spec.frameRate ?? 30, vsReference: null, vsLossless: null };
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
        `  ${session.label} ${spec.id.padEnd(30)} run ${index + 1}/${session.runs}: wall ${formatSeconds(run.wallMs)} s, cpu ${formatSeconds(run.cpuMs)} s, ` +
          `main thread ${formatSeconds(run.ffmpeg?.mainMs ?? Number.NaN)} s, ${(run.peakRssKiB / 1024).toFixed(0)} MiB, load ${formatLoad()}` +
          (run.failure === null ? '' : `  FAILED: ${run.failure}`),
      );
      if (run.failure !== null) {
        console.log(indent(run.stderr.trim().split('\n').slice(-10).join('\n')));
        break;
      }
    }
    if (command.hlsDir !== null && result.runs.every((run) => run.failure === null)) {
      const top = spec.mode === 'mosaic' ? 'mosaic' : command.renditions[0]!.name;
      result.top = join(out, `${top}.mp4`);
      result.topBytes = await joinRendition(command.hlsDir, top, result.top);
    }
  }
  // Lossless renders of the composition (short sessions only: x264 qp 0 is large), one per frame rate used.
  const lossless = new Map<number, string | null>();
  if (session.prepared.manifest.durationMs <= LOSSLESS_MAX_MS) {
    for (const frameRate of new Set(results.filter((result) => result.top !== null && result.spec.mode !== 'mosaic').map((result) => result.frameRate))) {
      const command = await buildVariantCommand(session.prepared, { id: `lossless-${frameRate}`, label: 'lossless', mode: 'lossless', frameRate }, join(base, `lossless-${frameRate}`));
      const run = await runVariantCommand(command);
      console.log(`  ${session.label} lossless reference at ${frameRate} fps (x264 qp 0): wall ${formatSeconds(run.wallMs)} s${run.failure === null ? '' : `  FAILED: ${run.failure}`}`);
      lossless.set(frameRate, run.failure === null ? command.filePath : null);
    }
  }
  for (const result of results) {
    if (result.top === null) {
      continue;
    }
    const reference = results.find((other) => other.spec.id === result.spec.reference);
    if (reference !== undefined && reference.top !== null && reference.frameRate === result.frameRate) {
      result.vsReference = await measureQuality(result.top, reference.top, result.frameRate);
    }
    const losslessFile = result.spec.mode === 'mosaic' ? null : (lossless.get(result.frameRate) ?? null);
    if (losslessFile !== null) {
      result.vsLossless = await measureQuality(result.top, losslessFile, result.frameRate);
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
  const medianWall = (result: VariantResult | undefined): number => (result === undefined ? Number.NaN : median(okRuns(result.runs).map((run) => run.wallMs)));
  const hlsWall = medianWall(results.find((result) => result.spec.id === 'hls'));
  const rows = results.map((result) => {
    const runs = okRuns(result.runs);
    if (runs.length === 0) {
      return [result.spec.id, 'FAILED'];
    }
    const wallMs = medianWall(result);
    const cpuMs = median(runs.map((run) => run.cpuMs));
    const mainMs = median(runs.map((run) => run.ffmpeg?.mainMs ?? Number.NaN));
    return [
      result.spec.id,
      formatSeconds(wallMs),
      formatSeconds(cpuMs),
      formatSeconds(mainMs),
      (median(runs.map((run) => run.peakRssKiB)) / 1024).toFixed(0),
      formatFactor(durationMs / wallMs),
      formatFactor(durationMs / idleMs(cpuMs, mainMs)),
      formatFactor(wallMs / hlsWall),
      result.top === null ? '' : ((result.topBytes * 8) / durationMs).toFixed(0),
      ...formatQuality(result.vsReference),
      ...formatQuality(result.vsLossless),
      runs.map((run) => run.load).join(' '),
    ];
  });
  const legend = results.map((result) => `  ${result.spec.id.padEnd(31)} ${result.spec.label}${result.spec.reference === undefined ? '' : ` (compared with ${result.spec.reference})`}`).join('\n');
  return (
    `${session.label} (${formatSeconds(durationMs)} s): one ffmpeg command alone, median of ${session.runs} run(s)\n\n` +
    renderTable(
      [
        { title: 'variant' },
        { title: 'wall s', align: 'right' },
        { title: 'cpu s', align: 'right' },
        { title: 'main thr s', align: 'right' },
        { title: 'RSS MiB', align: 'right' },
        { title: 'RTF', align: 'right' },
        { title: 'RTF idle est', align: 'right' },
        { title: 'wall/hls', align: 'right' },
        { title: 'top kbit/s', align: 'right' },
        { title: 'PSNR vs ref', align: 'right' },
        { title: 'SSIM vs ref', align: 'right' },
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
    console.error(`bench/compose: ${(error as Error).message}\n\n${USAGE.replace('{ids}', VARIANTS.map((variant) => variant.id).join(', ')).replace('{loop}', LOOP_VARIANTS.join(', ')).replace('{noisy}', NOISY_VARIANTS.join(', '))}`);
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
      const prepared = await prepareSession(label, dir, join(folder, 'work', slug(label)));
      const session: Session = { label, dir, runs, prepared };
      sessions.push(session);
      const preparedMs = prepared.stages.reduce((sum, stage) => sum + stage.wallMs, 0);
      console.log(`  ${label}: session ${prepared.manifest.id}, ${formatSeconds(prepared.manifest.durationMs)} s, ${prepared.manifest.participants.length} participants, prepared in ${formatSeconds(preparedMs)} s`);
      return session;
    };
    console.log('sessions:');
    const meetingDir = join(folder, 'sessions', 'meeting');
    const names = await copyMeeting(REAL_FIXTURES, meetingDir);
    console.log(`  meeting: ${names.length} files copied from test/fixtures/real/`);
    const meeting = await addSession('meeting 22 s', meetingDir, options.runs);
    const loopLabel = options.variantMinutes > 0 ? `loop ${options.variantMinutes} min` : null;
    const longLabel = options.minutes > 0 && options.sections.has('product') && options.minutes !== options.variantMinutes ? `loop ${options.minutes} min` : null;
    const loopLabelUsed = options.sections.has('variants') || options.variantMinutes === options.minutes ? loopLabel : null;
    for (const [label, minutes] of [
      [loopLabelUsed, options.variantMinutes],
      [longLabel, options.minutes],
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
      // The product runs on the real meeting and on the long session (the looped variant session is for variants).
      for (const session of sessions.filter((each) => each.label !== loopLabel || options.variantMinutes === options.minutes)) {
        for (const command of PRODUCT_COMMANDS) {
          const row = await runProduct(session, command, folder);
          productRows.push(row);
          failed ||= row.runs.some((run) => run.failure !== null);
        }
        if (session === meeting) {
          await checkReplica(session, productRows, folder);
        }
        const hlsRow = productRows.find((row) => row.session === session && row.command.id === 'hls');
        if (hlsRow !== undefined && hlsRow.runs.every((run) => run.failure === null)) {
          const hlsDir = join(folder, 'cli', slug(session.label), 'hls', 'hls');
          afterSteps.set(session, await measureAfterSteps(hlsDir, computeLadder({ width: 1280, height: 720, frameRate: 30 }), session.prepared, session.prepared.workDir));
        }
      }
    }

    const variantResults = new Map<Session, VariantResult[]>();
    if (options.sections.has('variants')) {
      console.log('\nvariants: one ffmpeg command alone');
      const loop = sessions.find((session) => session.label === loopLabel);
      const noisy = options.noisyVariants.length === 0 ? null : { ...meeting, label: 'meeting 22 s, noisy cameras', prepared: await withNoisyCameras(meeting.prepared, 'meeting 22 s, noisy cameras') };
      const plan: Array<[Session, VariantSpec[]]> = [[meeting, options.variants]];
      if (noisy !== null) {
        plan.push([noisy, options.noisyVariants]);
      }
      if (loop !== undefined) {
        plan.push([loop, options.loopVariants]);
      }
      for (const [session, variants] of plan) {
        const results = await runVariants(session, variants, folder);
        variantResults.set(session, results);
        failed ||= results.some((result) => result.runs.some((run) => run.failure !== null));
      }
    }

    console.log(`\n${describeMachine()}`);
    if (productRows.length > 0) {
      console.log(
        '\nmedian of the runs; RTF = session duration / wall; 1st/mosaic ffmpeg: wall, cpu, main-thread cpu, sampled from /proc;\n' +
          'RTF idle est = duration / Σ over the processes of max(cpu / cores, main-thread cpu) (node: its cpu)\n',
      );
      console.log(renderProductTable(productRows));
      console.log(renderVerdict(productRows));
      for (const session of sessions) {
        if (afterSteps.has(session)) {
          console.log(renderStages(session, afterSteps.get(session)!, productRows.find((row) => row.session === session && row.command.id === 'hls')));
        }
      }
    }
    for (const [session, results] of variantResults) {
      console.log(
        `\nRTF idle est = duration / max(cpu / ${CORES}, main-thread cpu); PSNR (dB, mean of Y U V) and SSIM, frame by frame, of the top rendition ` +
          '(720p or the mosaic) against the variant named as reference and against a lossless render at the same frame rate\n',
      );
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
