/** What ffprobe reads in an output file: its duration and its streams. For sanity checks, not for timing. */
import { spawnSync } from 'node:child_process';

export type ProbedMedia = { durationSec: number; streams: string[] };

/** The container duration and streams ("video/vp8", "audio/opus"), or why ffprobe could not read the file. */
export const probeMedia = (path: string): ProbedMedia | string => {
  const result = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name', '-of', 'json', path], {
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    return `ffprobe cannot read ${path}: ${(result.error?.message ?? result.stderr).trim() || `exit code ${result.status}`}`;
  }
  try {
    const report = JSON.parse(result.stdout) as { format?: { duration?: string }; streams?: Array<{ codec_type?: string; codec_name?: string }> };
    const durationSec = Number(report.format?.duration);
    if (!Number.isFinite(durationSec)) {
      return `ffprobe gives no duration for ${path}`;
    }
    return { durationSec, streams: (report.streams ?? []).map((stream) => `${stream.codec_type ?? '?'}/${stream.codec_name ?? '?'}`) };
  } catch {
    return `ffprobe printed no JSON for ${path}`;
  }
};

/** A warning when two files differ by more than `tolerance` (relative) in duration or hold different streams, else null. */
export const compareMedia = (ours: ProbedMedia, reference: ProbedMedia, tolerance = 0.01): string | null => {
  const problems: string[] = [];
  const relative = Math.abs(ours.durationSec - reference.durationSec) / Math.max(ours.durationSec, reference.durationSec);
  if (!(relative <= tolerance)) {
    problems.push(`durations differ by ${(relative * 100).toFixed(2)}% (more than ${tolerance * 100}%)`);
  }
  const streams = (media: ProbedMedia): string => [...media.streams].sort().join(' + ');
  if (streams(ours) !== streams(reference)) {
    problems.push(`streams differ: ${streams(ours) || 'none'} vs ${streams(reference) || 'none'}`);
  }
  return problems.length === 0 ? null : problems.join('; ');
};
