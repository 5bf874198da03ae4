/** The two tools the inspect bench compares, each run once under measurement, with the packet counts they print. */
import { join } from 'node:path';
import { describeFailure, runMeasured, type ProcessMeasurement } from './measure-process.js';

export type ToolName = 'reprise' | 'janus-pp-rec';

export type ToolRun = ProcessMeasurement & {
  tool: ToolName;
  /** Every RTP packet the tool counted in the file (reprise `packets`, janus-pp-rec "Counted N RTP packets"). */
  packets: number | null;
  /** Packets kept in order (reprise `orderedPackets`, janus-pp-rec "Counted N frame packets"). */
  orderedPackets: number | null;
  /** Why the run failed (crash, non-zero exit, unreadable output), or null. */
  failure: string | null;
};

/** `node bin/reprise.js inspect <file> --json`. */
export const runRepriseInspect = async (repoRoot: string, file: string): Promise<ToolRun> => {
  const run = await runMeasured(process.execPath, [join(repoRoot, 'bin/reprise.js'), 'inspect', file, '--json']);
  const counts = parseRepriseCounts(run.stdout);
  return { ...run, tool: 'reprise', ...counts, failure: describeFailure(run) ?? (counts.packets === null ? 'no packet count in its JSON' : null) };
};

/** `janus-pp-rec --parse <file>`: builds and orders the packet list (and, for video, pre-parses frames), writes nothing. */
export const runJanusPpRecParse = async (file: string): Promise<ToolRun> => {
  const run = await runMeasured('janus-pp-rec', ['--parse', file]);
  const counts = parseJanusPpRecCounts(`${run.stdout}\n${run.stderr}`);
  return {
    ...run,
    tool: 'janus-pp-rec',
    ...counts,
    failure: describeFailure(run) ?? (counts.packets === null ? 'no "Counted N RTP packets" line in its output' : null),
  };
};

export const parseRepriseCounts = (stdout: string): { packets: number | null; orderedPackets: number | null } => {
  try {
    const report = JSON.parse(stdout) as { packets?: unknown; orderedPackets?: unknown };
    return {
      packets: typeof report.packets === 'number' ? report.packets : null,
      orderedPackets: typeof report.orderedPackets === 'number' ? report.orderedPackets : null,
    };
  } catch {
    return { packets: null, orderedPackets: null };
  }
};

/**
 * janus-pp-rec 1.1.2 logs, at its default level 4:
 *   Counted 768 RTP packets      every RTP frame read, dropped ones (other SSRC, duplicates, padding) included
 *   Counted 768 frame packets    the ordered list it would write
 * Colours are stripped in case its output is a terminal.
 */
export const parseJanusPpRecCounts = (output: string): { packets: number | null; orderedPackets: number | null } => {
  const text = output.replace(/\x1b\[[0-9;]*m/g, ''); // eslint-disable-line no-control-regex
  const countOf = (what: string): number | null => {
    const match = new RegExp(`Counted (\\d+) ${what} packets`).exec(text);
    return match === null ? null : Number(match[1]);
  };
  return { packets: countOf('RTP'), orderedPackets: countOf('frame') };
};
