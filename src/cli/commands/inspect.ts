/** `reprise inspect <file.mjr>... [--json]`: what each recording holds, as a table or JSON. */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { inspectFile } from '../../api/inspect.js';
import type { TrackReport } from '../../inspect/index.js';
import { isRepriseError } from '../../shared/errors.js';
import { formatSeconds, formatUtc, renderTable } from '../format.js';
import type { CliIo } from '../io.js';

export const INSPECT_USAGE = `Usage: reprise inspect <file.mjr>... [--json]

Reads Janus recordings (MJR00002, MJR00001, legacy MEETECHO) and reports what each holds: codec, times,
packets, loss, reordering, duplicates, damage, frames and keyframes, sizes, audio gaps.

Options:
  --json   one JSON object per file (an array for several)
  -h, --help

Exit code 0 when every file was read, 1 when any was not (a line per file says why).
`;

type Outcome = { file: string; report: TrackReport } | { file: string; error: { code: string; message: string } };

export const runInspect = async (args: string[], io: CliIo): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout.write(INSPECT_USAGE);
    return 0;
  }
  if (positionals.length === 0) {
    io.stderr.write(`reprise inspect: no file given\n\n${INSPECT_USAGE}`);
    return 2;
  }
  const outcomes: Outcome[] = [];
  for (const file of positionals) {
    outcomes.push(await inspectOne(file));
  }
  if (values.json) {
    const objects = outcomes.map((outcome) => ('report' in outcome ? { file: outcome.file, ...outcome.report } : outcome));
    io.stdout.write(`${JSON.stringify(objects.length === 1 ? objects[0] : objects, null, 2)}\n`);
  } else {
    const reports = outcomes.filter((outcome): outcome is Extract<Outcome, { report: unknown }> => 'report' in outcome);
    if (reports.length > 0) {
      io.stdout.write(renderReports(reports));
    }
  }
  let failed = 0;
  for (const outcome of outcomes) {
    if ('error' in outcome) {
      failed++;
      io.stderr.write(`${outcome.file}: ${outcome.error.code}: ${outcome.error.message}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
};

const inspectOne = async (file: string): Promise<Outcome> => {
  try {
    return { file, report: await inspectFile(file) };
  } catch (error) {
    if (isRepriseError(error)) {
      return { file, error: { code: error.code, message: error.message } };
    }
    throw error;
  }
};

const renderReports = (outcomes: ReadonlyArray<{ file: string; report: TrackReport }>): string => {
  const rows = outcomes.map(({ file, report }) => [
    basename(file),
    `${report.kind}/${report.codec}`,
    report.version,
    formatUtc(report.firstArrivalUs ?? report.firstPacketUs),
    formatSeconds(report.durationMs),
    formatSeconds(report.wallDurationMs),
    String(report.packets),
    String(report.missing),
    String(report.outOfOrder),
    String(report.duplicates),
    detailOf(report),
    damageOf(report),
  ]);
  return renderTable(['file', 'track', 'format', 'starts (UTC)', 'media', 'wall', 'packets', 'lost', 'reord', 'dup', 'content', 'damage'], rows);
};

const detailOf = (report: TrackReport): string => {
  if (report.kind === 'video') {
    const sizes = (report.resolutions ?? []).map((size) => `${size.width}x${size.height}`).join('→') || 'size ?';
    const first = report.firstKeyframeMs === null || report.firstKeyframeMs === undefined ? 'no keyframe' : `1st key ${formatSeconds(report.firstKeyframeMs)}`;
    return `${report.frames} frames, ${report.keyframes} key, ${first}, ${sizes}`;
  }
  if (report.kind === 'audio') {
    return `${report.dtxGapCount ?? 0} DTX gaps (${formatSeconds(report.dtxMs ?? 0)})`;
  }
  return `${report.messages ?? 0} messages`;
};

const damageOf = (report: TrackReport): string => {
  const notes: string[] = [];
  if (report.skippedBytes > 0) {
    notes.push(`${report.skippedBytes} bytes skipped`);
  }
  if (report.ssrcChanges.length > 0) {
    notes.push(`${report.ssrcChanges.length} SSRC changes`);
  }
  if (report.timestampJumps.length > 0) {
    notes.push(`${report.timestampJumps.length} ts jumps`);
  }
  const dropped = report.paddingOnly + report.tooShort + report.malformed;
  if (dropped > 0) {
    notes.push(`${dropped} unusable packets`);
  }
  if (report.kind === 'video' && (report.incompleteFrames ?? 0) > 0) {
    notes.push(`${report.incompleteFrames} incomplete frames`);
  }
  return notes.join(', ') || 'none';
};
