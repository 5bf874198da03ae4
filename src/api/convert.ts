/**
 * Library entry for conversion: `.mjr` recordings (one track, or one participant's audio + video) to a file,
 * streamed, written under a temporary name and renamed at the end; or a remux of a WebM/MP4/MKV file into
 * another container without re-encoding.
 */
import { convertData, convertPcm } from '../convert/convert-other.js';
import { convertMedia } from '../convert/convert-media.js';
import { openTrack, type OpenedTrack } from '../convert/open-track.js';
import type { ConversionReport } from '../convert/report.js';
import { MjrParser, readMjrRecordBatches } from '../mjr/index.js';
import { checkCodecFits, formatOf, type OutputFormat, type OutputVideoCodec } from '../mux/formats.js';
import { RepriseError } from '../shared/errors.js';
import { TimestampUnwrapper } from '../rtp/sequence.js';
import { openFileSink, writeAtomically } from '../store/atomic-file.js';
import { readFileChunks, statFile } from '../store/file-source.js';

export type ConvertFilesOptions = {
  inputs: readonly string[];
  output: string;
  /** Overrides the format the output's extension gives. */
  format?: string;
  signal?: AbortSignal;
  /** Fraction of the input bytes read so far, 0 to 1. */
  onProgress?: (fraction: number) => void;
  /** The Opus encoder's look-ahead in 48 kHz samples (default 312, libopus, which every browser uses). */
  opusEncoderDelaySamples?: number;
};

const MJR_MAGICS = ['MJR00002', 'MJR00001', 'MEETECHO'];

const isMjr = async (path: string): Promise<boolean> => {
  for await (const chunk of readFileChunks(path, 16)) {
    const magic = String.fromCharCode(...chunk.subarray(0, 8));
    return MJR_MAGICS.includes(magic) || chunk.length < 8;
  }
  return true;
};

export const convertFiles = async (options: ConvertFilesOptions): Promise<ConversionReport> => {
  const { inputs, output } = options;
  if (inputs.length === 0 || inputs.length > 2) {
    throw new RepriseError('CONVERT_INPUTS', `convert takes one recording, or one participant's video and audio recordings; got ${inputs.length} inputs`);
  }
  const format = formatOf(output, options.format);
  const sizes = await Promise.all(inputs.map(async (input) => (await statFile(input)).sizeBytes));
  if (inputs.length === 1 && !(await isMjr(inputs[0]!))) {
    return remuxFile(inputs[0]!, output, format, options);
  }
  const totalBytes = Math.max(1, sizes.reduce((sum, size) => sum + size, 0));
  let readBytes = 0;
  const counted = async function* (path: string): AsyncGenerator<Uint8Array> {
    for await (const chunk of readFileChunks(path)) {
      readBytes += chunk.length;
      options.onProgress?.(Math.min(1, readBytes / totalBytes));
      yield chunk;
    }
  };
  const tracks: OpenedTrack[] = [];
  for (const input of inputs) {
    tracks.push(await openTrack(readMjrRecordBatches(counted(input))));
  }
  const report = await writeAtomically(output, (temporaryPath) => convertTracks(tracks, format, temporaryPath, output, inputs, options));
  report.tracks.forEach((track, index) => {
    track.file = inputs[tracks.length === 1 ? 0 : index] ?? inputs[0]!;
  });
  return report;
};

const convertTracks = async (
  tracks: OpenedTrack[],
  format: OutputFormat,
  temporaryPath: string,
  output: string,
  inputs: readonly string[],
  options: ConvertFilesOptions,
): Promise<ConversionReport> => {
  const [first] = tracks;
  if (tracks.length === 1 && first !== undefined && (first.kind === 'data' || first.kind === 'pcm')) {
    const sink = await openFileSink(temporaryPath);
    try {
      return first.kind === 'data' ? await convertData(first, format, sink, output) : await convertPcm(first, sink, output, options.signal);
    } finally {
      await sink.close();
    }
  }
  const media = tracks.filter((track): track is Extract<OpenedTrack, { kind: 'video' | 'audio' }> => track.kind === 'video' || track.kind === 'audio');
  if (media.length !== tracks.length) {
    throw new RepriseError('CONVERT_INPUTS', 'only Opus audio and video recordings can be merged into one file; convert data and PCM recordings alone');
  }
  if (format !== 'webm' && format !== 'mkv' && format !== 'mka' && format !== 'mp4' && format !== 'ogg') {
    throw new RepriseError('CONVERT_CODEC_CONTAINER', `${media.map((track) => track.header.codec).join(' + ')} cannot be written as ${format}`);
  }
  const maximumFrames = format === 'mp4' ? await countFrameBounds(media, inputs) : undefined;
  if (format === 'ogg' || format === 'webm' || format === 'mkv' || format === 'mka') {
    const sink = await openFileSink(temporaryPath);
    try {
      return await convertMedia(media, { format, destination: { sink }, output, ...(options.signal === undefined ? {} : { signal: options.signal }) });
    } finally {
      await sink.close();
    }
  }
  const { FilePathTarget } = await import('mediabunny');
  return convertMedia(media, {
    format,
    destination: { target: new FilePathTarget(temporaryPath) },
    output,
    ...(maximumFrames === undefined ? {} : { maximumFrames }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.opusEncoderDelaySamples === undefined ? {} : { opusEncoderDelaySamples: options.opusEncoderDelaySamples }),
  });
};

/**
 * Upper bounds of the frames each track can produce, so MP4 can reserve its index at the front of the file
 * and still stream. A quick pass over the frame prefixes: packets, plus for audio one silence frame per 20 ms
 * of the recording's span.
 */
const countFrameBounds = async (tracks: ReadonlyArray<Extract<OpenedTrack, { kind: 'video' | 'audio' }>>, inputs: readonly string[]) => {
  const bounds: { video?: number; audio?: number } = {};
  for (const [index, track] of tracks.entries()) {
    const parser = new MjrParser();
    const unwrapper = new TimestampUnwrapper();
    let packets = 0;
    let minTs = Infinity;
    let maxTs = -Infinity;
    let lastArrivalMs = 0;
    const count = (records: ReturnType<MjrParser['push']>): void => {
      for (const record of records) {
        if (record.type === 'packet' && record.bytes.length >= 12) {
          packets++;
          const extended = unwrapper.unwrap(((record.bytes[4]! << 24) | (record.bytes[5]! << 16) | (record.bytes[6]! << 8) | record.bytes[7]!) >>> 0);
          minTs = Math.min(minTs, extended);
          maxTs = Math.max(maxTs, extended);
          lastArrivalMs = Math.max(lastArrivalMs, record.arrivalOffsetMs ?? 0);
        }
      }
    };
    for await (const chunk of readFileChunks(inputs[index]!)) {
      count(parser.push(chunk));
    }
    count(parser.end());
    if (track.kind === 'video') {
      bounds.video = packets + 16;
    } else {
      const spanMs = Math.max(lastArrivalMs, packets > 0 ? ((maxTs - minTs) * 1000) / 48_000 : 0);
      bounds.audio = packets * 2 + Math.ceil(Math.min(spanMs, 48 * 3600_000) / 20) + 500;
    }
  }
  return bounds;
};

const OUR_VIDEO_CODEC: Record<string, OutputVideoCodec> = { avc: 'h264', hevc: 'h265', vp8: 'vp8', vp9: 'vp9', av1: 'av1' };

/** Copies a WebM/MKV/MP4 file's tracks into another container, never re-encoding. */
const remuxFile = async (inputPath: string, output: string, format: OutputFormat, options: ConvertFilesOptions): Promise<ConversionReport> => {
  const { ALL_FORMATS, Conversion, FilePathSource, FilePathTarget, Input, MkvOutputFormat, Mp4OutputFormat, Output, WebMOutputFormat } = await import('mediabunny');
  const containerFormat = format === 'mp4' ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : format === 'webm' ? new WebMOutputFormat() : format === 'mkv' ? new MkvOutputFormat() : null;
  if (containerFormat === null) {
    throw new RepriseError('CONVERT_CODEC_CONTAINER', `remuxing writes .mp4, .webm or .mkv, not ${format}`);
  }
  const input = new Input({ source: new FilePathSource(inputPath), formats: ALL_FORMATS });
  try {
    const tracks = await input.getTracks().catch((cause: unknown) => {
      throw new RepriseError('CONVERT_INPUTS', `${inputPath} is neither a Janus recording nor a media file Reprise can read`, { cause });
    });
    for (const track of tracks) {
      const codec = track.type === 'video' ? OUR_VIDEO_CODEC[track.codec ?? ''] : undefined;
      if (track.type === 'video') {
        if (codec === undefined) {
          throw new RepriseError('CONVERT_CODEC_CONTAINER', `cannot copy ${track.codec ?? 'unknown'} video into ${format}`, { details: { format } });
        }
        checkCodecFits(format, { kind: 'video', codec });
      }
    }
    return await writeAtomically(output, async (temporaryPath) => {
      const outputFile = new Output({ format: containerFormat, target: new FilePathTarget(temporaryPath) });
      const conversion = await Conversion.init({ input, output: outputFile, copy: { mode: 'forced' }, showWarnings: false });
      if (conversion.discardedTracks.length > 0 || !conversion.isValid) {
        const reasons = await Promise.all(conversion.discardedTracks.map(async ({ track }) => `${track.type} ${await track.getCodecParameterString() ?? track.codec ?? 'unknown codec'}`));
        throw new RepriseError('CONVERT_CODEC_CONTAINER', `cannot copy ${reasons.join(', ') || 'the tracks'} into ${format} without re-encoding`, { details: { format } });
      }
      if (options.onProgress !== undefined) {
        conversion.onProgress = (fraction) => options.onProgress!(fraction);
      }
      options.signal?.addEventListener('abort', () => void conversion.cancel(), { once: true });
      await conversion.execute();
      const durationSec = await input.computeDuration();
      return {
        output,
        format,
        startUs: 0,
        durationMs: durationSec * 1000,
        retimedFrames: 0,
        tracks: await Promise.all(
          tracks.map(async (track) => ({
            file: inputPath,
            kind: track.type === 'video' ? ('video' as const) : ('audio' as const),
            codec: track.codec ?? 'unknown',
            offsetMs: 0,
            startUs: 0,
            durationMs: (await track.computeDuration()) * 1000,
            packets: 0,
            missingPackets: 0,
            duplicatePackets: 0,
            reorderedPackets: 0,
            timestampJumps: 0,
            ssrcChanges: 0,
            skippedBytes: 0,
            framesWritten: (await track.computePacketStats()).packetCount,
            framesDropped: {},
          })),
        ),
      };
    });
  } finally {
    input.dispose();
  }
};
