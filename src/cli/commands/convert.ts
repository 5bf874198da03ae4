/** `reprise convert <in.mjr> [<in2.mjr>] -o <out>`: recordings to playable files, aligned to the wall clock. */
import { parseArgs } from 'node:util';
import { convertFiles } from '../../api/convert.js';
import type { ConversionReport } from '../../convert/report.js';
import { isRepriseError } from '../../shared/errors.js';
import { formatSeconds, formatUtc } from '../format.js';
import type { CliIo } from '../io.js';
import { createProgressBar } from '../progress.js';

export const CONVERT_USAGE = `Usage: reprise convert <in.mjr> [<in2.mjr>] -o <out> [--format F] [--json]

One recording to one file, or one participant's video and audio recordings merged into one file, each
track at its wall-clock offset (the later one starts later in the file). The extension picks the format:
  video  VP8/VP9/AV1 -> .webm .mkv   H.264/H.265 -> .mp4 .mkv   AV1/VP9 -> .mp4
  audio  Opus -> .opus .ogg .webm .mka .mkv .mp4   G.711/G.722/L16 -> .wav
  data   text -> .vtt .srt   binary -> .bin
A WebM/MKV/MP4 input is remuxed into another container without re-encoding (e.g. H.264 WebM -> .mp4).

Options:
  -o, --output <file>   the file to write (written under a temporary name, renamed when complete)
  -f, --format <name>   the format, whatever the extension (webm, mkv, mka, mp4, ogg, wav, webvtt, srt, raw)
  --json                print the conversion report as JSON
  -h, --help
`;

export const runConvert = async (args: string[], io: CliIo): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    options: {
      output: { type: 'string', short: 'o' },
      format: { type: 'string', short: 'f' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout.write(CONVERT_USAGE);
    return 0;
  }
  if (positionals.length === 0 || values.output === undefined) {
    io.stderr.write(`reprise convert: ${positionals.length === 0 ? 'no input given' : 'no output given (-o <file>)'}\n\n${CONVERT_USAGE}`);
    return 2;
  }
  const progress = createProgressBar(io, 'converting');
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    const report = await convertFiles({
      inputs: positionals,
      output: values.output,
      ...(values.format === undefined ? {} : { format: values.format }),
      signal: controller.signal,
      onProgress: progress.update,
    });
    progress.done();
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
    return 0;
  } catch (error) {
    if (isRepriseError(error)) {
      io.stderr.write(`\nreprise convert: ${error.code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
  }
};

const renderReport = (report: ConversionReport): string => {
  const lines = [`${report.output}: ${report.format}, ${formatSeconds(report.durationMs)}, starts ${formatUtc(report.startUs)}`];
  for (const track of report.tracks) {
    const dropped = Object.entries(track.framesDropped)
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => `${count} ${reason}`)
      .join(', ');
    const parts = [
      `  ${track.kind}/${track.codec}`,
      `at +${formatSeconds(track.offsetMs)}`,
      `${track.framesWritten} ${track.kind === 'data' ? 'messages' : 'frames'}`,
      dropped === '' ? '' : `dropped: ${dropped}`,
      track.gapsFilled !== undefined && track.gapsFilled.ms > 0 ? `gaps filled: ${formatSeconds(track.gapsFilled.ms)}` : '',
      (track.resolutions?.length ?? 0) > 1 ? `sizes: ${track.resolutions!.map((size) => `${size.width}x${size.height}`).join(' -> ')}` : '',
    ];
    lines.push(parts.filter((part) => part !== '').join(', '));
  }
  return `${lines.join('\n')}\n`;
};
