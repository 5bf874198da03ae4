/**
 * `npx tsx bench/convert.ts [--minutes 60] [--lengths 10,60] [--runs 3] [--video F] [--audio F] [--build] [--keep] [--profile auto|yes|no]`
 *
 * Builds one-hour versions of a real participant's VP8 video and Opus audio recordings (bench/lib/long-recording.ts;
 * headers kept, so the two keep their wall-clock start relation), then measures, side by side:
 *   1. one video track:     reprise convert video.mjr -o v.webm        vs janus-pp-rec video.mjr v.webm
 *   2. a merged participant: reprise convert video.mjr audio.mjr -o p.webm vs janus-pp-rec video + janus-pp-rec audio
 *                            + ffmpeg -c copy merge (wall and cpu summed, peak RSS = largest step)
 *   3. one audio track:     reprise convert audio.mjr -o a.opus        vs janus-pp-rec audio.mjr a.opus
 * and the merged case again at each of --lengths, to show whether memory grows with the recording. Prints the
 * medians, the ratios, the targets, an ffprobe check of the outputs, and (when a target is missed) a CPU
 * profile of the merged case by area. Exit code 1 only when a tool fails; a slow result never fails.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ffmpegMergeStep, janusPpRecStep, repriseConvertStep, runConversion, type ConvertRun, type ConvertStep } from './lib/convert-tools.js';
import { summarizeCpuProfile } from './lib/cpu-profile.js';
import { ensureDist } from './lib/ensure-dist.js';
import { readRecordingHeader } from './lib/find-sources.js';
import { writeLongRecording } from './lib/long-recording.js';
import { checkGnuTime, computeMedian, describeFailure, runMeasured } from './lib/measure-process.js';
import { compareMedia, probeMedia } from './lib/media-probe.js';
import { formatCount, formatMiB, formatRatio, renderTable } from './lib/table.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const REAL_FIXTURES = join(REPO_ROOT, 'test/fixtures/real');
const PROFILE_FOLDER = join(REPO_ROOT, 'bench/out');
/** alice in the real meeting fixture (room 1234, user 1001). */
const DEFAULT_VIDEO = /^videoroom-1234-user-1001-\d+-video-1\.mjr$/;
const DEFAULT_AUDIO = /^videoroom-1234-user-1001-\d+-audio-0\.mjr$/;

const TARGETS = { oneTrackRatio: 1.0, mergedRatio: 0.5, peakRssMiB: 64 };

const USAGE = `Usage: npx tsx bench/convert.ts [--minutes 60] [--lengths 10,60] [--runs 3] [--video F] [--audio F] [--build] [--keep] [--profile auto|yes|no]

  --minutes N        length of the recordings for the three cases (default 60)
  --lengths A,B,...  lengths (minutes) at which the merged case runs again, to see memory against length
                     (default 10,<minutes>; the run at <minutes> is shared with the main cases)
  --runs N           runs per tool and case; the median is reported (default 3)
  --video FILE       VP8 .mjr (MJR00002) to repeat (default: alice's video-1 in test/fixtures/real/)
  --audio FILE       Opus .mjr (MJR00002) to repeat (default: alice's audio-0 in test/fixtures/real/)
  --build            rebuild dist/ first (it is rebuilt anyway when missing or older than src/)
  --keep             keep the temporary folder with the long recordings and the outputs
  --profile MODE     CPU-profile reprise on the merged case: auto = when a target is missed (default), yes, no
`;

type ProfileMode = 'auto' | 'yes' | 'no';

type BenchOptions = { minutes: number; lengths: number[]; runs: number; video: string | null; audio: string | null; build: boolean; keep: boolean; profile: ProfileMode };

type Recording = { minutes: number; video: string; audio: string };

type CaseId = 'video' | 'merged' | 'audio';

type Tool = 'reprise' | 'reference';

type CaseSpec = { id: CaseId; label: string; minutes: number; referenceLabel: string; steps: Record<Tool, ConvertStep[]> };

type CaseResult = { spec: CaseSpec; runs: Array<{ tool: Tool; run: ConvertRun }> };

type Summary = { wallMs: number; cpuMs: number; peakRssKiB: number; maxRssKiB: number; outputBytes: number; runs: ConvertRun[] };

const parseOptions = (argv: string[]): BenchOptions => {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string', default: '60' },
      lengths: { type: 'string' },
      runs: { type: 'string', default: '3' },
      video: { type: 'string' },
      audio: { type: 'string' },
      build: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      profile: { type: 'string', default: 'auto' },
    },
  });
  const minutes = Number(values.minutes);
  const runs = Number(values.runs);
  const lengths = (values.lengths ?? `10,${values.minutes}`).split(',').map(Number);
  if (!(minutes > 0) || !Number.isInteger(runs) || runs < 1 || lengths.some((length) => !(length > 0))) {
    throw new Error('--minutes and --lengths must be positive numbers and --runs a positive integer');
  }
  if (values.profile !== 'auto' && values.profile !== 'yes' && values.profile !== 'no') {
    throw new Error('--profile must be auto, yes or no');
  }
  return {
    minutes,
    lengths: [...new Set(lengths)].sort((a, b) => a - b),
    runs,
    video: values.video ?? null,
    audio: values.audio ?? null,
    build: values.build,
    keep: values.keep,
    profile: values.profile,
  };
};

const findFixture = async (pattern: RegExp): Promise<string> => {
  const name = (await readdir(REAL_FIXTURES).catch(() => [])).find((entry) => pattern.test(entry));
  if (name === undefined) {
    throw new Error(`no file matching ${pattern} in ${REAL_FIXTURES}; pass --video and --audio`);
  }
  return join(REAL_FIXTURES, name);
};

/** Checks a source's header (MJR00002, expected kind and codec) and returns its first-packet time (µs). */
const checkSource = async (path: string, kind: 'video' | 'audio', codec: string): Promise<number> => {
  const record = await readRecordingHeader(path);
  if (record === null || record.version !== 'MJR00002' || record.header.kind !== kind || record.header.codec !== codec) {
    const found = record === null ? 'not a readable recording' : `${record.version} ${record.header.kind}/${record.header.codec}`;
    throw new Error(`${path}: expected an MJR00002 ${kind}/${codec} recording, found ${found}`);
  }
  return record.header.firstPacketUs;
};

const buildRecordings = async (sources: { video: string; audio: string }, minutes: number, folder: string): Promise<Recording> => {
  const recording: Recording = { minutes, video: join(folder, `video-${minutes}min.mjr`), audio: join(folder, `audio-${minutes}min.mjr`) };
  for (const kind of ['video', 'audio'] as const) {
    const startMs = performance.now();
    const built = await writeLongRecording({ sourcePath: sources[kind], targetPath: recording[kind], durationMs: minutes * 60_000 });
    console.log(
      `  ${kind} ${minutes} min: ${built.repetitions}× ${relative(process.cwd(), sources[kind])} (every ${(built.periodMs / 1000).toFixed(3)} s)` +
        ` → ${(built.durationMs / 60_000).toFixed(1)} min, ${formatCount(built.packets)} packets, ${formatMiB(built.sizeBytes)} MiB` +
        ` (built in ${((performance.now() - startMs) / 1000).toFixed(1)} s)`,
    );
  }
  return recording;
};

const caseSpecs = async (recording: Recording, folder: string, ids: readonly CaseId[]): Promise<CaseSpec[]> => {
  const specs: CaseSpec[] = [];
  for (const id of ids) {
    const out = join(folder, `out-${recording.minutes}min`, id);
    const [ours, theirs] = [join(out, 'reprise'), join(out, 'reference')];
    await mkdir(ours, { recursive: true });
    await mkdir(theirs, { recursive: true });
    const { video, audio } = recording;
    if (id === 'video') {
      specs.push({
        id,
        label: `video ${recording.minutes} min`,
        minutes: recording.minutes,
        referenceLabel: 'janus-pp-rec',
        steps: { reprise: [repriseConvertStep(REPO_ROOT, [video], join(ours, 'v.webm'))], reference: [janusPpRecStep(video, join(theirs, 'v.webm'))] },
      });
    } else if (id === 'audio') {
      specs.push({
        id,
        label: `audio ${recording.minutes} min`,
        minutes: recording.minutes,
        referenceLabel: 'janus-pp-rec',
        steps: { reprise: [repriseConvertStep(REPO_ROOT, [audio], join(ours, 'a.opus'))], reference: [janusPpRecStep(audio, join(theirs, 'a.opus'))] },
      });
    } else {
      specs.push({
        id,
        label: `merged ${recording.minutes} min`,
        minutes: recording.minutes,
        referenceLabel: 'janus-pp-rec ×2 + ffmpeg',
        steps: {
          reprise: [repriseConvertStep(REPO_ROOT, [video, audio], join(ours, 'p.webm'))],
          reference: [
            janusPpRecStep(video, join(theirs, 'v.webm'), 'janus video'),
            janusPpRecStep(audio, join(theirs, 'a.opus'), 'janus audio'),
            ffmpegMergeStep(join(theirs, 'v.webm'), join(theirs, 'a.opus'), join(theirs, 'p.webm')),
          ],
        },
      });
    }
  }
  return specs;
};

/** Alternates the tools run by run, so that neither always goes first (page cache, CPU frequency). Stops a case at its first failure. */
const measureCase = async (spec: CaseSpec, runs: number): Promise<CaseResult> => {
  const result: CaseResult = { spec, runs: [] };
  for (let index = 0; index < runs; index++) {
    const order: Tool[] = index % 2 === 0 ? ['reprise', 'reference'] : ['reference', 'reprise'];
    for (const tool of order) {
      const run = await runConversion(spec.steps[tool]);
      result.runs.push({ tool, run });
      const steps = run.steps.length > 1 ? `  (${run.steps.map((step) => `${step.label} ${formatSeconds(step.wallMs)} s ${formatMiB(step.peakRssKiB * 1024)} MiB`).join(' + ')})` : '';
      console.log(
        `  ${spec.label} run ${index + 1}/${runs} ${toolLabel(spec, tool).padEnd(24)} wall ${formatSeconds(run.wallMs)} s  cpu ${formatSeconds(run.cpuMs)} s  ${formatMiB(run.peakRssKiB * 1024)} MiB${steps}` +
          (run.failure === null ? '' : `  FAILED: ${run.failure}`),
      );
      if (run.failure !== null) {
        const failed = run.steps.at(-1)!;
        console.log(indent(`${failed.stderr}${failed.stdout}`.trim().split('\n').slice(-10).join('\n')));
        return result;
      }
    }
  }
  return result;
};

const toolLabel = (spec: CaseSpec, tool: Tool): string => (tool === 'reprise' ? 'reprise' : spec.referenceLabel);

const summarize = (result: CaseResult, tool: Tool): Summary | null => {
  const runs = result.runs.filter((entry) => entry.tool === tool && entry.run.failure === null).map((entry) => entry.run);
  if (runs.length === 0) {
    return null;
  }
  return {
    wallMs: computeMedian(runs.map((run) => run.wallMs)),
    cpuMs: computeMedian(runs.map((run) => run.cpuMs)),
    peakRssKiB: computeMedian(runs.map((run) => run.peakRssKiB)),
    maxRssKiB: Math.max(...runs.map((run) => run.peakRssKiB)),
    outputBytes: runs.at(-1)!.outputBytes,
    runs,
  };
};

const renderMainTable = (results: readonly CaseResult[]): string => {
  const rows: string[][] = [];
  for (const result of results) {
    const ours = summarize(result, 'reprise');
    const theirs = summarize(result, 'reference');
    for (const [tool, summary] of [['reprise', ours], ['reference', theirs]] as const) {
      if (summary !== null) {
        rows.push([
          result.spec.label,
          toolLabel(result.spec, tool),
          formatSeconds(summary.wallMs),
          formatSeconds(summary.cpuMs),
          formatMiB(summary.peakRssKiB * 1024),
          formatMiB(summary.outputBytes),
          summary.runs.map((run) => formatSeconds(run.wallMs)).join(' '),
          summary.runs.map((run) => formatMiB(run.peakRssKiB * 1024)).join(' '),
        ]);
      }
    }
    if (ours !== null && theirs !== null) {
      rows.push([result.spec.label, 'ratio reprise/reference', formatRatio(ours.wallMs, theirs.wallMs), formatRatio(ours.cpuMs, theirs.cpuMs), formatRatio(ours.peakRssKiB, theirs.peakRssKiB), '', '', '']);
    }
  }
  return renderTable(
    [
      { title: 'case' },
      { title: 'tool' },
      { title: 'wall s', align: 'right' },
      { title: 'cpu s', align: 'right' },
      { title: 'peak RSS MiB', align: 'right' },
      { title: 'output MiB', align: 'right' },
      { title: 'wall per run (s)' },
      { title: 'RSS per run (MiB)' },
    ],
    rows,
  );
};

/** The reference pipeline's steps, median of each. */
const renderPipelineSteps = (result: CaseResult): string | null => {
  const theirs = summarize(result, 'reference');
  if (theirs === null || theirs.runs[0]!.steps.length < 2) {
    return null;
  }
  const parts = theirs.runs[0]!.steps.map((step, index) => {
    const steps = theirs.runs.map((run) => run.steps[index]!);
    return `${step.label} ${formatSeconds(computeMedian(steps.map((each) => each.wallMs)))} s / ${formatMiB(computeMedian(steps.map((each) => each.peakRssKiB)) * 1024)} MiB`;
  });
  return `${result.spec.label}, three-step pipeline (median per step): ${parts.join(' + ')}`;
};

const renderLengthTable = (results: readonly CaseResult[]): string => {
  const rows = results.map((result) => {
    const ours = summarize(result, 'reprise');
    const theirs = summarize(result, 'reference');
    return [
      `${result.spec.minutes} min`,
      ours === null ? 'failed' : formatSeconds(ours.wallMs),
      ours === null ? '' : formatMiB(ours.peakRssKiB * 1024),
      ours === null ? '' : formatMiB(ours.maxRssKiB * 1024),
      theirs === null ? 'failed' : formatSeconds(theirs.wallMs),
      theirs === null ? '' : formatMiB(theirs.peakRssKiB * 1024),
      ours === null || theirs === null ? '' : formatRatio(ours.wallMs, theirs.wallMs),
    ];
  });
  return renderTable(
    [
      { title: 'merged participant' },
      { title: 'reprise wall s', align: 'right' },
      { title: 'reprise RSS MiB', align: 'right' },
      { title: 'reprise max RSS MiB', align: 'right' },
      { title: 'pipeline wall s', align: 'right' },
      { title: 'pipeline RSS MiB', align: 'right' },
      { title: 'wall r/ref', align: 'right' },
    ],
    rows,
  );
};

/** One line per target; returns whether any was missed (a failed case counts as not measured, not as missed). */
const renderTargets = (main: readonly CaseResult[], all: readonly CaseResult[]): { text: string; missed: boolean } => {
  let missed = false;
  const lines: string[] = [];
  const verdict = (met: boolean): string => {
    missed ||= !met;
    return met ? 'met' : 'MISSED';
  };
  const ratioTarget = (id: CaseId, title: string, limit: number, against: string): void => {
    const result = main.find((each) => each.spec.id === id);
    const ours = result === undefined ? null : summarize(result, 'reprise');
    const theirs = result === undefined ? null : summarize(result, 'reference');
    const head = `  ${title.padEnd(20)} wall ≤ ${limit.toFixed(2)}× ${against}`.padEnd(66);
    if (ours === null || theirs === null) {
      lines.push(`${head} not measured (a tool failed)`);
      return;
    }
    const ratio = ours.wallMs / theirs.wallMs;
    lines.push(`${head} ${formatSeconds(ours.wallMs)} s / ${formatSeconds(theirs.wallMs)} s = ${ratio.toFixed(2)}×  ${verdict(ratio <= limit)}`);
  };
  ratioTarget('video', 'one video track', TARGETS.oneTrackRatio, 'janus-pp-rec');
  ratioTarget('audio', 'one audio track', TARGETS.oneTrackRatio, 'janus-pp-rec');
  ratioTarget('merged', 'merged participant', TARGETS.mergedRatio, 'the three-step pipeline');
  const peaks = all.flatMap((result) => {
    const ours = summarize(result, 'reprise');
    return ours === null ? [] : [{ label: result.spec.label, maxRssKiB: ours.maxRssKiB }];
  });
  const head = `  ${'reprise peak memory'.padEnd(20)} RSS ≤ ${TARGETS.peakRssMiB} MiB at any length (largest run)`.padEnd(66);
  if (peaks.length === 0) {
    lines.push(`${head} not measured`);
  } else {
    const largest = Math.max(...peaks.map((peak) => peak.maxRssKiB));
    const each = peaks.map((peak) => `${peak.label} ${formatMiB(peak.maxRssKiB * 1024)}`).join(', ');
    lines.push(`${head} ${formatMiB(largest * 1024)} MiB (${each})  ${verdict(largest / 1024 <= TARGETS.peakRssMiB)}`);
  }
  return { text: `targets:\n${lines.join('\n')}\n`, missed };
};

/** ffprobe both outputs of each case; a warning line when durations differ by more than 1% or streams differ. */
const renderSanity = (results: readonly CaseResult[]): string => {
  const lines: string[] = [];
  for (const result of results) {
    const ours = summarize(result, 'reprise');
    const theirs = summarize(result, 'reference');
    if (ours === null || theirs === null) {
      lines.push(`  ${result.spec.label}: outputs not compared (a tool failed)`);
      continue;
    }
    const oursPath = result.spec.steps.reprise.at(-1)!.output;
    const theirsPath = result.spec.steps.reference.at(-1)!.output;
    const [oursMedia, theirsMedia] = [probeMedia(oursPath), probeMedia(theirsPath)];
    if (typeof oursMedia === 'string' || typeof theirsMedia === 'string') {
      lines.push(`warning: ${result.spec.label}: ${[oursMedia, theirsMedia].filter((each) => typeof each === 'string').join('; ')}`);
      continue;
    }
    const describe = (media: { durationSec: number; streams: string[] }): string => `${media.durationSec.toFixed(3)} s ${media.streams.join('+')}`;
    const problem = compareMedia(oursMedia, theirsMedia);
    const delta = ((oursMedia.durationSec - theirsMedia.durationSec) / theirsMedia.durationSec) * 100;
    const text = `${result.spec.label}: reprise ${basename(oursPath)} ${describe(oursMedia)}, reference ${basename(theirsPath)} ${describe(theirsMedia)} (Δ ${delta >= 0 ? '+' : ''}${delta.toFixed(2)}%)`;
    lines.push(problem === null ? `  ${text}  OK` : `warning: ${text}: ${problem}`);
  }
  return `outputs (ffprobe; durations must agree within 1%):\n${lines.join('\n')}\n`;
};

/** `node --cpu-prof bin/reprise.js convert video audio -o p.webm`, summarised by area. Returns false when the run failed. */
const profileMerged = async (recording: Recording, folder: string): Promise<boolean> => {
  const profileFolder = join(folder, 'profile');
  await mkdir(profileFolder, { recursive: true });
  const args = ['--cpu-prof', '--cpu-prof-dir', profileFolder, '--cpu-prof-interval', '250', join(REPO_ROOT, 'bin/reprise.js'), 'convert', recording.video, recording.audio, '-o', join(profileFolder, 'p.webm')];
  const run = await runMeasured(process.execPath, args);
  const failure = describeFailure(run);
  console.log(`\nCPU profile: node --cpu-prof --cpu-prof-interval 250 bin/reprise.js convert video audio -o p.webm (${recording.minutes} min), wall ${formatSeconds(run.wallMs)} s with the profiler on`);
  const file = (await readdir(profileFolder)).find((name) => name.endsWith('.cpuprofile'));
  if (failure !== null || file === undefined) {
    console.log(`  profiled run FAILED: ${failure ?? 'no .cpuprofile written'}\n${indent(run.stderr.trim().split('\n').slice(-10).join('\n'))}`);
    return false;
  }
  const summary = await summarizeCpuProfile(join(profileFolder, file));
  const percent = (ms: number): string => `${((ms / summary.totalMs) * 100).toFixed(1)}%`;
  console.log(`self time by area, of ${formatSeconds(summary.totalMs)} s sampled on the main thread:\n`);
  console.log(renderTable([{ title: 'area' }, { title: 'self s', align: 'right' }, { title: 'share', align: 'right' }], summary.areas.map((area) => [area.area, formatSeconds(area.selfMs), percent(area.selfMs)])));
  console.log('top self-time functions:\n');
  console.log(
    renderTable(
      [{ title: 'self s', align: 'right' }, { title: 'share', align: 'right' }, { title: 'function' }, { title: 'area' }],
      summary.functions.slice(0, 20).map((entry) => [formatSeconds(entry.selfMs), percent(entry.selfMs), entry.name, entry.area]),
    ),
  );
  await mkdir(PROFILE_FOLDER, { recursive: true });
  const kept = join(PROFILE_FOLDER, `convert-merged-${recording.minutes}min.cpuprofile`);
  await copyFile(join(profileFolder, file), kept);
  console.log(`profile saved as ${relative(process.cwd(), kept)} (open it in Chrome DevTools → Performance)`);
  return true;
};

const describeMachine = (): string => {
  const janus = spawnSync('janus-pp-rec', ['--parse', '/dev/null'], { encoding: 'utf8' });
  const janusVersion = /Janus version: \d+ \(([^)]+)\)/.exec(`${janus.stdout}${janus.stderr}`)?.[1] ?? '?';
  const ffmpeg = /ffmpeg version (\S+)/.exec(spawnSync('ffmpeg', ['-version'], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? '?';
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout?.trim() || '?';
  const edited = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  return (
    `node ${process.version}, janus-pp-rec ${janusVersion}, ffmpeg ${ffmpeg}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ` +
    `load average ${loadavg().map((load) => load.toFixed(2)).join(' ')}; tree ${commit}${edited === '' ? '' : ' + uncommitted changes in src/'}`
  );
};

const checkTools = (): void => {
  for (const [command, args, hint] of [
    ['janus-pp-rec', ['--version'], 'apt-get install janus-tools'],
    ['ffmpeg', ['-version'], 'apt-get install ffmpeg'],
    ['ffprobe', ['-version'], 'apt-get install ffmpeg'],
  ] as const) {
    if (spawnSync(command, args, { stdio: 'ignore' }).error !== undefined) {
      throw new Error(`${command} not found (${hint})`);
    }
  }
};

const formatSeconds = (ms: number): string => (ms / 1000).toFixed(3);

const indent = (text: string): string => text.replace(/^/gm, '    ');

const main = async (argv: string[]): Promise<number> => {
  let options: BenchOptions;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`bench/convert: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  checkGnuTime();
  checkTools();
  const distWarning = ensureDist(REPO_ROOT, { forceBuild: options.build, rebuildWhenStale: true });
  if (distWarning !== null) {
    console.log(`warning: ${distWarning}`);
  }
  console.log(describeMachine());
  const sources = { video: options.video ?? (await findFixture(DEFAULT_VIDEO)), audio: options.audio ?? (await findFixture(DEFAULT_AUDIO)) };
  const videoStartUs = await checkSource(sources.video, 'video', 'vp8');
  const audioStartUs = await checkSource(sources.audio, 'audio', 'opus');
  console.log(`sources: ${relative(process.cwd(), sources.video)} and ${relative(process.cwd(), sources.audio)}; video starts ${((videoStartUs - audioStartUs) / 1000).toFixed(1)} ms after audio (headers' u)`);
  const folder = await mkdtemp(join(tmpdir(), 'reprise-bench-convert-'));
  try {
    const recordings = new Map<number, Recording>();
    for (const minutes of [...new Set([options.minutes, ...options.lengths])]) {
      const recording = await buildRecordings(sources, minutes, folder);
      const [video, audio] = [await readRecordingHeader(recording.video), await readRecordingHeader(recording.audio)];
      if (video?.header.firstPacketUs !== videoStartUs || audio?.header.firstPacketUs !== audioStartUs) {
        throw new Error(`the ${minutes}-minute recordings do not keep their sources' headers`);
      }
      recordings.set(minutes, recording);
    }
    const mainRecording = recordings.get(options.minutes)!;
    const mainResults: CaseResult[] = [];
    for (const spec of await caseSpecs(mainRecording, folder, ['video', 'merged', 'audio'])) {
      mainResults.push(await measureCase(spec, options.runs));
    }
    const lengthResults: CaseResult[] = [];
    for (const minutes of options.lengths) {
      const shared = mainResults.find((result) => result.spec.id === 'merged' && result.spec.minutes === minutes);
      lengthResults.push(shared ?? (await measureCase((await caseSpecs(recordings.get(minutes)!, folder, ['merged']))[0]!, options.runs)));
    }
    console.log(`\nmedian of ${options.runs} runs; wall = spawn to exit (pipeline: sum of its steps); cpu = user + system; peak RSS = max resident set size (GNU time; pipeline: largest step)\n`);
    console.log(renderMainTable(mainResults));
    for (const result of mainResults) {
      const steps = renderPipelineSteps(result);
      if (steps !== null) {
        console.log(`${steps}\n`);
      }
    }
    console.log(renderLengthTable(lengthResults));
    const allResults = [...mainResults, ...lengthResults.filter((result) => !mainResults.includes(result))];
    const targets = renderTargets(mainResults, allResults);
    console.log(targets.text);
    console.log(renderSanity(allResults));
    const failed = allResults.some((result) => result.runs.some((entry) => entry.run.failure !== null));
    let profileFailed = false;
    if (options.profile === 'yes' || (options.profile === 'auto' && targets.missed)) {
      profileFailed = !(await profileMerged(mainRecording, folder));
    }
    return failed || profileFailed ? 1 : 0;
  } finally {
    if (options.keep) {
      console.log(`kept ${folder}`);
    } else {
      await rm(folder, { recursive: true, force: true });
    }
  }
};

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`bench/convert: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
});
