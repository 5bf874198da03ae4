/** `reprise compose <dir|manifest.json> --layout … -o out.mp4`: a whole meeting laid out in one picture. */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { composeSession } from '../../api/compose.js';
import type { LayoutSpec } from '../../compose/layout-types.js';
import { parseCustomLayout } from '../../compose/layout.js';
import { isRepriseError, RepriseError } from '../../shared/errors.js';
import { formatSeconds } from '../format.js';
import type { CliIo } from '../io.js';
import { createProgressBar } from '../progress.js';

export const COMPOSE_USAGE = `Usage: reprise compose <dir|manifest.json> [--layout grid|speaker|pip|presentation|<file.json>] [-o <out.mp4|.webm|.mkv>] [--hls <dir>]

Composes a session: every participant's video at its wall-clock offset in a layout that follows who is
present (and who speaks), name tiles where there is no video, all voices loudness-matched and mixed.

Options:
  -o, --output FILE      the composed file (.mp4, .webm, .mkv)
  --hls DIR              an HLS folder: H.264/AAC ladder in fMP4 segments, master/media/I-frame playlists with
                         the meeting's wall clock, scrub thumbnails, download.mp4 (EVENT playlists while running)
  --layout L             grid (default), speaker, pip, presentation, or a JSON layout file (custom regions)
  --session ID           which session of the folder (default: the longest)
  --size WxH             canvas size (default 1280x720)
  --fps N                frame rate (default 30)
  --background #RRGGBB   canvas colour (default #1e1e1e)
  --no-labels            do not draw names
  --trim                 cut the stretches where nobody is present
  --layout-out FILE      write the layout timeline (JSON)
  --preset P             x264 preset (default veryfast)
  -h, --help
`;

const parseLayout = async (value: string): Promise<LayoutSpec> => {
  switch (value) {
    case 'grid':
    case 'speaker':
    case 'pip':
    case 'presentation':
      return { type: value };
    default:
      if (!value.endsWith('.json')) {
        throw new RepriseError('LAYOUT_INVALID', `unknown layout ${JSON.stringify(value)}: grid, speaker, pip, presentation or a .json file`);
      }
      return parseCustomLayout(JSON.parse(await readFile(value, 'utf8')));
  }
};

export const runCompose = async (args: string[], io: CliIo): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    options: {
      output: { type: 'string', short: 'o' },
      hls: { type: 'string' },
      layout: { type: 'string', default: 'grid' },
      session: { type: 'string' },
      size: { type: 'string' },
      fps: { type: 'string' },
      background: { type: 'string' },
      'no-labels': { type: 'boolean', default: false },
      trim: { type: 'boolean', default: false },
      'layout-out': { type: 'string' },
      preset: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout.write(COMPOSE_USAGE);
    return 0;
  }
  if (positionals.length !== 1 || (values.output === undefined && values.hls === undefined)) {
    io.stderr.write(`reprise compose: give one folder or manifest, and -o <file> and/or --hls <dir>\n\n${COMPOSE_USAGE}`);
    return 2;
  }
  const size = values.size === undefined ? undefined : /^(\d+)x(\d+)$/.exec(values.size);
  if (size === null) {
    io.stderr.write('reprise compose: --size takes WIDTHxHEIGHT, e.g. 1280x720\n');
    return 2;
  }
  const progress = createProgressBar(io, 'composing');
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    const report = await composeSession({
      source: positionals[0]!,
      layout: await parseLayout(values.layout),
      ...(values.output === undefined ? {} : { output: values.output }),
      ...(values.hls === undefined ? {} : { hlsDir: values.hls }),
      canvas: {
        ...(size === undefined ? {} : { width: Number(size[1]), height: Number(size[2]) }),
        ...(values.background === undefined ? {} : { background: values.background }),
        labels: !values['no-labels'],
      },
      ...(values.session === undefined ? {} : { sessionId: values.session }),
      ...(values.fps === undefined ? {} : { frameRate: Number(values.fps) }),
      ...(values['layout-out'] === undefined ? {} : { layoutOut: values['layout-out'] }),
      ...(values.preset === undefined ? {} : { preset: values.preset }),
      trim: values.trim,
      signal: controller.signal,
      onProgress: progress.update,
    });
    progress.done();
    if (report.hls !== null) {
      io.stdout.write(`${report.hls.dir}/master.m3u8: ${report.hls.renditions.map((rendition) => rendition.name).join(' + ')}, ${report.hls.segments} segments each, thumbnails, download.mp4\n`);
    }
    io.stdout.write(`${report.output ?? report.hls?.dir}: session ${report.sessionId}, ${formatSeconds(report.durationMs)}, ${report.layout.intervals.length} layout intervals, ffmpeg ${formatSeconds(report.ffmpegElapsedMs)}\n`);
    for (const skipped of report.skippedTracks) {
      io.stdout.write(`  skipped ${skipped.file}: ${skipped.reason}\n`);
    }
    return 0;
  } catch (error) {
    if (isRepriseError(error)) {
      io.stderr.write(`\nreprise compose: ${error.code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
  }
};
