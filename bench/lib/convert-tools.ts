/**
 * The conversions the convert bench compares: `reprise convert` against janus-pp-rec, alone or as the
 * three-step pipeline (janus-pp-rec video, janus-pp-rec audio, ffmpeg merge). Each process runs once under
 * measurement; a pipeline's wall and cpu times are the sums of its steps and its peak RSS is the largest step's.
 */
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describeFailure, runMeasured, type ProcessMeasurement } from './measure-process.js';

export type ConvertStep = { label: string; command: string; args: string[]; output: string };

export type StepRun = ProcessMeasurement & { label: string; outputBytes: number; failure: string | null };

export type ConvertRun = {
  wallMs: number;
  cpuMs: number;
  peakRssKiB: number;
  /** Size of the last step's output (the file the user gets). */
  outputBytes: number;
  steps: StepRun[];
  /** The first failing step and why, or null. */
  failure: string | null;
};

export const repriseConvertStep = (repoRoot: string, inputs: readonly string[], output: string): ConvertStep => ({
  label: 'reprise convert',
  command: process.execPath,
  args: [join(repoRoot, 'bin/reprise.js'), 'convert', ...inputs, '-o', output],
  output,
});

export const janusPpRecStep = (input: string, output: string, label = 'janus-pp-rec'): ConvertStep => ({
  label,
  command: 'janus-pp-rec',
  args: [input, output],
  output,
});

/** The merge people run after janus-pp-rec: copy both streams into one WebM, no re-encoding. */
export const ffmpegMergeStep = (video: string, audio: string, output: string): ConvertStep => ({
  label: 'ffmpeg merge',
  command: 'ffmpeg',
  args: ['-y', '-i', video, '-i', audio, '-c', 'copy', '-map', '0:v', '-map', '1:a', output],
  output,
});

/**
 * Runs the steps one after another, each measured on its own. Outputs are removed first (outside the
 * measurement) so that no run reuses or appends to the previous run's file. Stops at the first failure.
 */
export const runConversion = async (steps: readonly ConvertStep[]): Promise<ConvertRun> => {
  await Promise.all(steps.map((step) => rm(step.output, { force: true })));
  const runs: StepRun[] = [];
  for (const step of steps) {
    const run = await runMeasured(step.command, step.args);
    const outputBytes = await stat(step.output).then((info) => info.size, () => -1);
    const failure = describeFailure(run) ?? (outputBytes <= 0 ? `wrote no ${step.output}` : null);
    runs.push({ ...run, label: step.label, outputBytes, failure });
    if (failure !== null) {
      break;
    }
  }
  const failed = runs.find((run) => run.failure !== null);
  return {
    wallMs: sum(runs.map((run) => run.wallMs)),
    cpuMs: sum(runs.map((run) => run.cpuMs)),
    peakRssKiB: Math.max(...runs.map((run) => run.peakRssKiB)),
    outputBytes: runs.at(-1)?.outputBytes ?? -1,
    steps: runs,
    failure: failed === undefined ? null : `${failed.label}: ${failed.failure}`,
  };
};

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
