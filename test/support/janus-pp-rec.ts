/** Runs Debian's janus-pp-rec (the reference post-processor) and reads what it says, for comparison tests. */
import { execFileSync, spawnSync } from 'node:child_process';

export const JANUS_PP_REC = process.env['JANUS_PP_REC'] ?? 'janus-pp-rec';

export const hasJanusPpRec = (): boolean => spawnSync(JANUS_PP_REC, ['--help'], { stdio: 'ignore' }).error === undefined;

const run = (args: string[]): string => {
  const result = spawnSync(JANUS_PP_REC, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.error) {
    throw result.error;
  }
  // janus-pp-rec logs to stdout and stderr alike; colours off with -o.
  return `${result.stdout}\n${result.stderr}`;
};

/** `janus-pp-rec -j`: the raw JSON header. */
export const readHeaderJson = (file: string): Record<string, unknown> =>
  JSON.parse(execFileSync(JANUS_PP_REC, ['-j', file], { encoding: 'utf8' }).trim()) as Record<string, unknown>;

/** `janus-pp-rec --parse`: the packet counts it logs. */
export const readParseCounts = (file: string): { rtpPackets: number; framePackets: number | null } => {
  const output = run(['-o', '--parse', file]);
  const rtp = /Counted (\d+) RTP packets/.exec(output);
  const frames = /Counted (\d+) frame packets/.exec(output);
  if (rtp === null) {
    throw new Error(`janus-pp-rec --parse printed no packet count:\n${output}`);
  }
  return { rtpPackets: Number(rtp[1]), framePackets: frames === null ? null : Number(frames[1]) };
};

export type ExtendedReport = {
  t: string;
  c: string;
  s: number;
  u: number;
  extended: { packets: number; duration: number; codec?: { resolution?: Array<{ ts: number; width: number; height: number }> } };
};

/** `janus-pp-rec -e`: header plus packets, duration (s) and, for video, resolutions. */
export const readExtendedJson = (file: string): ExtendedReport => {
  const output = run(['-o', '-e', file]);
  const line = output.split('\n').find((text) => text.startsWith('{') && text.includes('"extended"'));
  if (line === undefined) {
    throw new Error(`janus-pp-rec -e printed no JSON:\n${output}`);
  }
  return JSON.parse(line) as ExtendedReport;
};
