/** `reprise sessions <dir> [--json] [-o manifest.json]`: a folder of recordings as sessions → participants → tracks. */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { scanSessions } from '../../api/sessions.js';
import type { SessionManifest } from '../../sessions/manifest.js';
import { isRepriseError } from '../../shared/errors.js';
import { formatSeconds, formatUtc } from '../format.js';
import type { CliIo } from '../io.js';

export const SESSIONS_USAGE = `Usage: reprise sessions <dir> [--json] [-o <file.json>]

Groups the .mjr recordings of a folder (a Janus rec_dir) into sessions, participants and tracks, from Janus's
file names (VideoRoom, Record&Play with its .nfo, EchoTest, VideoCall, SIP, NoSIP, AudioBridge) and the
recordings' own times. A participant who left and came back is one participant with several intervals.

Options:
  --json             print the session manifests (versioned JSON) and the files that were skipped
  -o, --output FILE  write the same JSON to FILE
  --max-gap-s N      recordings of one room further apart than N seconds start a new session (default 300)
  --no-speaking      skip speaking detection (it decodes audio that has no audio-level extension)
  -h, --help
`;

export const runSessions = async (args: string[], io: CliIo): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      output: { type: 'string', short: 'o' },
      'max-gap-s': { type: 'string' },
      'no-speaking': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout.write(SESSIONS_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    io.stderr.write(`reprise sessions: give one folder\n\n${SESSIONS_USAGE}`);
    return 2;
  }
  const maxGapSec = values['max-gap-s'] === undefined ? undefined : Number(values['max-gap-s']);
  if (maxGapSec !== undefined && !(maxGapSec >= 0)) {
    io.stderr.write('reprise sessions: --max-gap-s takes a number of seconds\n');
    return 2;
  }
  try {
    const result = await scanSessions(positionals[0]!, { speaking: !values['no-speaking'], ...(maxGapSec === undefined ? {} : { maxGapMs: maxGapSec * 1000 }) });
    const json = `${JSON.stringify(result, null, 2)}\n`;
    if (values.output !== undefined) {
      await writeFile(values.output, json);
    }
    io.stdout.write(values.json ? json : renderSessions(result.sessions, result.skipped));
    return 0;
  } catch (error) {
    if (isRepriseError(error)) {
      io.stderr.write(`reprise sessions: ${error.code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
};

const renderSessions = (sessions: readonly SessionManifest[], skipped: ReadonlyArray<{ file: string; code: string; message: string }>): string => {
  const lines: string[] = [];
  for (const session of sessions) {
    lines.push(`${session.id}  ${session.plugin}${session.room === null ? '' : ` room ${session.room}`}, ${formatUtc(session.originUs)}, ${formatSeconds(session.durationMs)}, ${session.participants.length} participant(s)`);
    for (const participant of session.participants) {
      const presence = participant.presence.map((interval) => `${formatSeconds(interval.startMs)}–${formatSeconds(interval.endMs)}`).join(', ');
      const tracks = participant.tracks.map((track) => `${track.kind}/${track.codec}`).join(' ');
      const speech = participant.speaking.reduce((sum, interval) => sum + interval.endMs - interval.startMs, 0);
      lines.push(`  ${participant.displayName ?? participant.id}: present ${presence}; ${tracks}; speaking ${formatSeconds(speech)}${participant.speakingSource === null ? '' : ` (${participant.speakingSource})`}`);
    }
  }
  if (sessions.length === 0) {
    lines.push('no sessions');
  }
  for (const file of skipped) {
    lines.push(`skipped ${file.file}: ${file.code}: ${file.message}`);
  }
  return `${lines.join('\n')}\n`;
};
