import { parseArgs } from 'node:util';
import {
  DEFAULT_PITCHES_HZ,
  findBeepOnsets,
  pairBeepsWithFlashes,
  readAudioClip,
  readJanusFirstPacketUs,
  measureSync,
  summarizeOffsets,
  type Region,
  type SyncReport,
} from '../test/support/measure-sync.js';

/**
 * Audio/video sync of a media file made from our sync fixtures (white flash + beep each second).
 *
 *   npx tsx scripts/measure-sync.ts <file> [--json] [--region x,y,w,h] [--pitch 500,800,1250]
 *                                   [--audio <file>] [--audio-delay-ms N] [--align-janus]
 *
 * --audio takes the beeps from a second file (e.g. janus-pp-rec's .opus next to its .webm);
 * --audio-delay-ms shifts the beep times by N ms before pairing (to align separately converted
 * tracks); --align-janus adds the delay janus-pp-rec outputs need, from the `u` (first packet
 * wall-clock time) in their comment tags: audio delay = u(audio) − u(video).
 */
const USAGE =
  'usage: measure-sync <file> [--json] [--region x,y,w,h] [--pitch 500,800,1250] [--audio <file>] [--audio-delay-ms N] [--align-janus]';

class UsageError extends Error {
  readonly code = 'CLI_USAGE';
}

const parseNumbers = (text: string, name: string): number[] => {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isFinite(value))) {
    throw new UsageError(`--${name} expects comma-separated numbers, got "${text}"`);
  }
  return values;
};

function parseRegion(text: string): Region {
  const values = parseNumbers(text, 'region');
  const [x, y, width, height] = values;
  if (values.length !== 4 || x === undefined || y === undefined || width === undefined || height === undefined || width <= 0 || height <= 0) {
    throw new UsageError(`--region expects x,y,w,h with a positive width and height, got "${text}"`);
  }
  return { x, y, width, height };
}

type CliOptions = {
  file: string;
  json: boolean;
  region?: Region;
  pitchesHz: number[];
  audioFile?: string;
  audioDelayMs: number;
  alignJanus: boolean;
};

function parseCliArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        region: { type: 'string' },
        pitch: { type: 'string' },
        audio: { type: 'string' },
        'audio-delay-ms': { type: 'string', default: '0' },
        'align-janus': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
}

function parseCliOptions(argv: string[]): CliOptions {
  const { values, positionals } = parseCliArgs(argv);
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) {
    throw new UsageError(USAGE);
  }
  const [audioDelayMs] = parseNumbers(values['audio-delay-ms'], 'audio-delay-ms');
  return {
    file,
    json: values.json,
    region: values.region === undefined ? undefined : parseRegion(values.region),
    pitchesHz: values.pitch === undefined ? [...DEFAULT_PITCHES_HZ] : parseNumbers(values.pitch, 'pitch'),
    audioFile: values.audio,
    audioDelayMs: audioDelayMs ?? 0,
    alignJanus: values['align-janus'],
  };
}

/** Replaces the audio part of `report` with the beeps of another file, shifted by `delayMs`. */
async function useSeparateAudio(report: SyncReport, audioFile: string, pitchesHz: number[], delayMs: number): Promise<SyncReport> {
  const clip = await readAudioClip(audioFile);
  clip.startSec += delayMs / 1000;
  const beeps = findBeepOnsets(clip, pitchesHz);
  const audio = { sampleRate: clip.sampleRate, firstSampleSec: clip.startSec, durationSec: clip.samples.length / clip.sampleRate, beeps };
  const pairs = report.video === null ? [] : pairBeepsWithFlashes(beeps, report.video.flashes);
  return { ...report, audio, pairs, offset: summarizeOffsets(pairs) };
}

const formatSec = (value: number | null): string => (value === null ? '-' : `${value.toFixed(4)} s`);

function printReport(report: SyncReport, options: CliOptions): void {
  console.log(`file: ${report.file}`);
  if (report.video === null) {
    console.log('video: none');
  } else {
    const { video } = report;
    console.log(`video: ${video.frames} frames, first ${formatSec(video.firstFrameSec)}, last ${formatSec(video.lastFrameSec)}`);
    console.log(`  flashes (${video.flashes.length}): ${video.flashes.map((flash) => flash.timeSec.toFixed(3)).join(' ')}`);
  }
  if (report.audio === null) {
    console.log('audio: none');
  } else {
    const { audio } = report;
    const from = options.audioFile === undefined ? '' : ` from ${options.audioFile}`;
    const source = options.audioDelayMs === 0 ? from : `${from}, delayed ${options.audioDelayMs.toFixed(3)} ms`;
    console.log(`audio${source}: first sample ${formatSec(audio.firstSampleSec)}, ${audio.durationSec.toFixed(3)} s`);
    for (const pitchHz of options.pitchesHz) {
      const times = audio.beeps.filter((beep) => beep.pitchHz === pitchHz).map((beep) => beep.timeSec.toFixed(4));
      console.log(`  beeps ${pitchHz} Hz (${times.length}): ${times.join(' ')}`);
    }
  }
  const { offset } = report;
  console.log(
    offset === null
      ? 'offset: no beep has a flash within 0.5 s'
      : `offset (beep - flash) over ${offset.pairs} pairs: median ${offset.medianMs.toFixed(1)} ms, min ${offset.minMs.toFixed(1)} ms, max ${offset.maxMs.toFixed(1)} ms`,
  );
}

/** Audio delay that puts a janus-pp-rec audio output on its video's clock. */
async function computeJanusAudioDelayMs(videoFile: string, audioFile: string): Promise<number> {
  const [videoUs, audioUs] = await Promise.all([readJanusFirstPacketUs(videoFile), readJanusFirstPacketUs(audioFile)]);
  if (videoUs === null || audioUs === null) {
    throw new UsageError('--align-janus needs janus-pp-rec outputs whose comment tag holds the .mjr header (with "u")');
  }
  return (audioUs - videoUs) / 1000;
}

async function main(): Promise<void> {
  const options = parseCliOptions(process.argv.slice(2));
  if (options.alignJanus) {
    options.audioDelayMs += await computeJanusAudioDelayMs(options.file, options.audioFile ?? options.file);
  }
  let report = await measureSync(options.file, { region: options.region, pitchesHz: options.pitchesHz });
  if (options.audioFile !== undefined || options.audioDelayMs !== 0) {
    report = await useSeparateAudio(report, options.audioFile ?? options.file, options.pitchesHz, options.audioDelayMs);
  }
  if (options.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    printReport(report, options);
  }
}

main().catch((error: unknown) => {
  const code = typeof error === 'object' && error !== null && 'code' in error ? `${String(error.code)}: ` : '';
  console.error(`measure-sync: ${code}${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
