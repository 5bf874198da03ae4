/**
 * `npx tsx bench/inspect.ts [--minutes 60] [--source file.mjr]... [--runs 3] [--build] [--keep]`
 *
 * Builds a long recording from a short one (bench/lib/long-recording.ts), then runs on it, side by side,
 * `reprise inspect --json` and the reference `janus-pp-rec --parse`, a few times each, and prints the median
 * wall time and peak RSS of each process, their ratio, and whether both counted the same packets.
 * Sources: the given files; else the largest video and audio .mjr under test/fixtures/real/; else a
 * synthetic VP8 recording. Exit code 1 only when a tool failed (crash, error exit); slowness never fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureDist } from './lib/ensure-dist.js';
import { describeSource, findLargestSources, type BenchSource } from './lib/find-sources.js';
import { runJanusPpRecParse, runRepriseInspect, type ToolName, type ToolRun } from './lib/inspect-tools.js';
import { writeLongRecording, type LongRecordingResult } from './lib/long-recording.js';
import { checkGnuTime, computeMedian } from './lib/measure-process.js';
import { writeSyntheticVp8Source } from './lib/synthetic-source.js';
import { formatCount, formatMiB, formatRatio, renderTable } from './lib/table.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const REAL_FIXTURES = join(REPO_ROOT, 'test/fixtures/real');

const USAGE = `Usage: npx tsx bench/inspect.ts [--minutes 60] [--source file.mjr]... [--runs 3] [--build] [--keep]

  --minutes N    length of the recordings to build (default 60)
  --source FILE  MJR00002 audio or video recording to repeat (repeatable); default: the largest video and
                 audio .mjr under test/fixtures/real/, else a synthetic VP8 recording
  --runs N       runs per tool and file; the median is reported (default 3)
  --build        rebuild dist/ first (it is built anyway when missing)
  --keep         keep the temporary folder with the long recordings
`;

type BenchOptions = { minutes: number; sources: string[]; runs: number; build: boolean; keep: boolean };

type BenchCase = { source: BenchSource; label: string; path: string; built: LongRecordingResult };

const parseOptions = (argv: string[]): BenchOptions => {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string', default: '60' },
      source: { type: 'string', multiple: true, default: [] },
      runs: { type: 'string', default: '3' },
      build: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const minutes = Number(values.minutes);
  const runs = Number(values.runs);
  if (!(minutes > 0) || !Number.isInteger(runs) || runs < 1) {
    throw new Error('--minutes must be a positive number and --runs a positive integer');
  }
  return { minutes, sources: values.source, runs, build: values.build, keep: values.keep };
};

const pickSources = async (options: BenchOptions, folder: string): Promise<BenchSource[]> => {
  if (options.sources.length > 0) {
    const sources = await Promise.all(options.sources.map((path) => describeSource(path)));
    const problem = sources.find((source): source is string => typeof source === 'string');
    if (problem !== undefined) {
      throw new Error(problem);
    }
    return sources as BenchSource[];
  }
  const real = await findLargestSources(REAL_FIXTURES);
  if (real.some((source) => source.kind === 'video')) {
    return real;
  }
  const syntheticPath = join(folder, 'synthetic-vp8-source.mjr');
  await writeSyntheticVp8Source(syntheticPath);
  const synthetic = await describeSource(syntheticPath);
  if (typeof synthetic === 'string') {
    throw new Error(`internal error: ${synthetic}`);
  }
  return [synthetic, ...real];
};

const buildCase = async (source: BenchSource, options: BenchOptions, folder: string): Promise<BenchCase> => {
  const label = `${source.kind}/${source.codec}`;
  const path = join(folder, `${source.kind}-${source.codec}-${options.minutes}min.mjr`);
  const startMs = performance.now();
  const built = await writeLongRecording({ sourcePath: source.path, targetPath: path, durationMs: options.minutes * 60_000 });
  const shownPath = source.path.startsWith(folder) ? '(synthetic)' : relative(process.cwd(), source.path);
  console.log(
    `${label}: ${shownPath}, ${formatCount(source.sizeBytes)} bytes, repeated ${built.repetitions}× (every ${(built.periodMs / 1000).toFixed(3)} s)` +
      ` → ${(built.durationMs / 60_000).toFixed(1)} min, ${formatCount(built.packets)} packets, ${formatMiB(built.sizeBytes)} MiB` +
      ` (built in ${((performance.now() - startMs) / 1000).toFixed(1)} s)`,
  );
  return { source, label, path, built };
};

/** Alternates the tools run by run, so that neither always goes first (page cache, CPU frequency). */
const measureCase = async (benchCase: BenchCase, runs: number): Promise<ToolRun[]> => {
  const results: ToolRun[] = [];
  for (let run = 0; run < runs; run++) {
    const order: ToolName[] = run % 2 === 0 ? ['reprise', 'janus-pp-rec'] : ['janus-pp-rec', 'reprise'];
    for (const tool of order) {
      const result = tool === 'reprise' ? await runRepriseInspect(REPO_ROOT, benchCase.path) : await runJanusPpRecParse(benchCase.path);
      results.push(result);
      console.log(
        `  ${benchCase.label} run ${run + 1}/${runs} ${tool.padEnd(12)} wall ${formatSeconds(result.wallMs)} s  cpu ${formatSeconds(result.cpuMs)} s  ${formatMiB(result.peakRssKiB * 1024)} MiB` +
          (result.failure === null ? '' : `  FAILED: ${result.failure}`),
      );
      if (result.failure !== null) {
        console.log(indent(`${result.stderr}${result.stdout}`.trim().split('\n').slice(-10).join('\n')));
        return results;
      }
    }
  }
  return results;
};

type Summary = {
  tool: ToolName;
  wallMs: number;
  cpuMs: number;
  peakRssKiB: number;
  runsWallMs: number[];
  packets: number | null;
  orderedPackets: number | null;
};

const summarize = (runs: readonly ToolRun[], tool: ToolName): Summary | null => {
  const mine = runs.filter((run) => run.tool === tool && run.failure === null);
  if (mine.length === 0) {
    return null;
  }
  return {
    tool,
    wallMs: computeMedian(mine.map((run) => run.wallMs)),
    cpuMs: computeMedian(mine.map((run) => run.cpuMs)),
    peakRssKiB: computeMedian(mine.map((run) => run.peakRssKiB)),
    runsWallMs: mine.map((run) => run.wallMs),
    packets: mine[0]!.packets,
    orderedPackets: mine[0]!.orderedPackets,
  };
};

const renderResults = (results: ReadonlyArray<{ benchCase: BenchCase; runs: ToolRun[] }>): string => {
  const rows: string[][] = [];
  for (const { benchCase, runs } of results) {
    const summaries = (['reprise', 'janus-pp-rec'] as const).map((tool) => summarize(runs, tool));
    for (const summary of summaries) {
      if (summary !== null) {
        rows.push([
          benchCase.label,
          summary.tool,
          formatMiB(benchCase.built.sizeBytes),
          formatCount(summary.packets ?? 0),
          formatSeconds(summary.wallMs),
          formatSeconds(summary.cpuMs),
          formatMiB(summary.peakRssKiB * 1024),
          summary.runsWallMs.map((ms) => (ms / 1000).toFixed(2)).join(' '),
        ]);
      }
    }
    const [reprise, janus] = summaries;
    if (reprise !== null && reprise !== undefined && janus !== null && janus !== undefined) {
      rows.push([
        benchCase.label,
        'ratio r/j',
        '',
        '',
        formatRatio(reprise.wallMs, janus.wallMs),
        formatRatio(reprise.cpuMs, janus.cpuMs),
        formatRatio(reprise.peakRssKiB, janus.peakRssKiB),
        '',
      ]);
    }
  }
  return renderTable(
    [
      { title: 'track' },
      { title: 'tool' },
      { title: 'file (MiB)', align: 'right' },
      { title: 'packets', align: 'right' },
      { title: 'wall (s)', align: 'right' },
      { title: 'cpu (s)', align: 'right' },
      { title: 'peak RSS (MiB)', align: 'right' },
      { title: 'wall per run (s)' },
    ],
    rows,
  );
};

/** One line per file: did both tools count the same packets? A mismatch is reported, not fatal. */
const renderCountCheck = (benchCase: BenchCase, runs: readonly ToolRun[]): string => {
  const reprise = summarize(runs, 'reprise');
  const janus = summarize(runs, 'janus-pp-rec');
  if (reprise === null || janus === null) {
    return `${benchCase.label}: packet counts not compared (a tool failed)`;
  }
  const compare = (name: string, ours: number | null, theirs: number | null): string =>
    `${name} reprise ${formatCount(ours ?? Number.NaN)} ${ours === theirs ? '=' : '≠'} janus-pp-rec ${formatCount(theirs ?? Number.NaN)}`;
  const same = reprise.packets === janus.packets && reprise.packets === benchCase.built.packets;
  return (
    `${benchCase.label}: ${same ? 'OK' : 'MISMATCH'}  ${compare('packets', reprise.packets, janus.packets)} (written ${formatCount(benchCase.built.packets)});` +
    `  ${compare('ordered', reprise.orderedPackets, janus.orderedPackets)}`
  );
};

const describeMachine = (): string => {
  const janus = spawnSync('janus-pp-rec', ['--parse', '/dev/null'], { encoding: 'utf8' });
  const janusVersion = /Janus version: \d+ \(([^)]+)\)/.exec(`${janus.stdout}${janus.stderr}`)?.[1] ?? '?';
  return `node ${process.version}, janus-pp-rec ${janusVersion}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}`;
};

const formatSeconds = (ms: number): string => (ms / 1000).toFixed(3);

const indent = (text: string): string => text.replace(/^/gm, '    ');

const main = async (argv: string[]): Promise<number> => {
  let options: BenchOptions;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`bench/inspect: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  checkGnuTime();
  const distWarning = ensureDist(REPO_ROOT, { forceBuild: options.build });
  if (distWarning !== null) {
    console.log(`warning: ${distWarning}`);
  }
  console.log(describeMachine());
  const folder = await mkdtemp(join(tmpdir(), 'reprise-bench-'));
  try {
    const cases: BenchCase[] = [];
    for (const source of await pickSources(options, folder)) {
      cases.push(await buildCase(source, options, folder));
    }
    const results: Array<{ benchCase: BenchCase; runs: ToolRun[] }> = [];
    for (const benchCase of cases) {
      results.push({ benchCase, runs: await measureCase(benchCase, options.runs) });
    }
    console.log(`\nmedian of ${options.runs} runs; wall = spawn to exit; cpu = user + system; peak RSS = max resident set size (GNU time)\n`);
    console.log(renderResults(results));
    for (const { benchCase, runs } of results) {
      console.log(renderCountCheck(benchCase, runs));
    }
    return results.some(({ runs }) => runs.some((run) => run.failure !== null)) ? 1 : 0;
  } finally {
    if (options.keep) {
      console.log(`kept ${folder}`);
    } else {
      await rm(folder, { recursive: true, force: true });
    }
  }
};

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`bench/inspect: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
});
