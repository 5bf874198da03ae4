/**
 * Runs a child process and measures it: wall time (from spawn to exit, with a monotonic clock), CPU time and peak
 * resident memory. The peak comes from GNU time (`/usr/bin/time -f %M`, Debian package `time`), which reads the
 * kernel's ru_maxrss for the waited-for child: exact, unlike sampling /proc, which misses a peak reached
 * between two samples or just before exit.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export type ProcessMeasurement = {
  wallMs: number;
  /** Maximum resident set size of the child (kernel ru_maxrss), KiB. */
  peakRssKiB: number;
  /** User plus system CPU time of the child (all its threads); less sensitive than wall time to a busy machine. */
  cpuMs: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
};

export const checkGnuTime = (): void => {
  if (!existsSync(GNU_TIME)) {
    throw new Error(`${GNU_TIME} not found: install GNU time (apt-get install time; it is in scripts/lib.sh REPRISE_APT_PACKAGES)`);
  }
};

export type RunMeasuredOptions = {
  /** Called with the pid of GNU time once it runs (the measured command is its only child). */
  onSpawn?: (timePid: number) => void;
};

/** Runs `command args` under GNU time; never rejects on a non-zero exit (the caller decides). */
export const runMeasured = async (command: string, args: readonly string[], options: RunMeasuredOptions = {}): Promise<ProcessMeasurement> => {
  const folder = await mkdtemp(join(tmpdir(), 'reprise-time-'));
  const reportPath = join(folder, 'time.txt');
  try {
    const startNs = process.hrtime.bigint();
    // `--quiet` keeps "Command exited with non-zero status" out of the report: the exit code says it.
    const child = spawn(GNU_TIME, ['--quiet', '-f', '%M %U %S', '-o', reportPath, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) {
      options.onSpawn?.(child.pid);
    }
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let endNs = startNs;
    child.on('exit', () => {
      endNs = process.hrtime.bigint();
    });
    // 'close' comes after 'exit' and after both pipes are drained.
    const { exitCode, signal } = await new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, closeSignal) => resolve({ exitCode: code, signal: closeSignal }));
    });
    const usage = parseTimeReport(await readFile(reportPath, 'utf8').catch(() => ''));
    return {
      wallMs: Number(endNs - startNs) / 1e6,
      ...usage,
      exitCode,
      signal,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
};

/** GNU time's report, "%M %U %S" (KiB, s, s), is on the last line (a note may precede it). */
const parseTimeReport = (report: string): { peakRssKiB: number; cpuMs: number } => {
  const lines = report.trim().split('\n');
  const [peakRssKiB, userSec, systemSec] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
  return { peakRssKiB: peakRssKiB ?? Number.NaN, cpuMs: ((userSec ?? Number.NaN) + (systemSec ?? Number.NaN)) * 1000 };
};

/** Why a run failed, or null when it exited 0. GNU time exits 128 + N when the child died of signal N. */
export const describeFailure = (run: ProcessMeasurement): string | null => {
  if (run.signal !== null) {
    return `killed by ${run.signal}`;
  }
  if (run.exitCode === 0) {
    return null;
  }
  return run.exitCode !== null && run.exitCode > 128 ? `killed by signal ${run.exitCode - 128}` : `exit code ${run.exitCode}`;
};

export const computeMedian = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
