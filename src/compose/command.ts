/**
 * The whole composition as one ffmpeg command (pure): inputs, the filter graph, and the outputs — a file, an
 * HLS ladder (fMP4, keyframes aligned across renditions, one decode feeding all), scrub-thumbnail sheets.
 * Argument arrays only: no shell.
 */
import { buildFilterGraph, outputDurationMs, PER_PARTICIPANT_LAYOUTS, type FilterGraphOptions } from './filter-graph.js';

export type VideoEncoding = { width: number; height: number; videoBitrate: number; maxBitrate: number; bufferSize: number; audioBitrate: number; h264Profile: string; h264Level: string };

export type ComposeOutput =
  | { type: 'file'; path: string; container: 'mp4' | 'webm' | 'mkv' }
  | {
      type: 'hls';
      /** One folder per rendition: `<dir>/<name>/init.mp4`, `seg-00000.m4s`, and ffmpeg's own playlist (replaced by ours). */
      dir: string;
      renditions: Array<VideoEncoding & { name: string }>;
      segmentSec: number;
      /** Keyframe spacing (default: one per segment). Shorter makes seeking faster, at some bitrate. */
      keyframeIntervalSec?: number;
      /** Keep the audio's channels (the mosaic: one voice per channel) instead of stereo. */
      audioChannels?: number;
    }
  | { type: 'thumbnails'; pattern: string; intervalSec: number; tileWidth: number; tileHeight: number; columns: number; rows: number };

export type ComposeCommandOptions = Omit<FilterGraphOptions, 'videoOut' | 'audioOut'> & {
  inputs: readonly string[];
  /** Where the filter graph text is written (passed with -filter_complex_script). */
  graphFile: string;
  outputs: readonly ComposeOutput[];
  /** x264 preset: speed against size. */
  preset?: string;
};

export type ComposeCommand = { args: string[]; graph: string };

const x264 = (encoding: VideoEncoding, frameRate: number, keyframeSec: number, preset: string): string[] => [
  '-c:v',
  'libx264',
  '-preset',
  preset,
  '-profile:v',
  encoding.h264Profile,
  '-level:v',
  encoding.h264Level,
  '-b:v',
  String(encoding.videoBitrate),
  '-maxrate',
  String(encoding.maxBitrate),
  '-bufsize',
  String(encoding.bufferSize),
  '-pix_fmt',
  'yuv420p',
  // Keyframes at the same instants in every rendition: segment boundaries line up across the ladder.
  '-g',
  String(Math.round(frameRate * keyframeSec)),
  '-keyint_min',
  String(Math.round(frameRate * keyframeSec)),
  '-sc_threshold',
  '0',
  '-force_key_frames',
  `expr:gte(t,n_forced*${keyframeSec})`,
];

export const buildComposeCommand = (options: ComposeCommandOptions): ComposeCommand => {
  const preset = options.preset ?? 'veryfast';
  const videoOutputs = options.outputs.flatMap((output) => (output.type === 'hls' ? output.renditions.map(() => 'hls') : output.type === 'file' ? ['file'] : ['thumbnails']));
  const baseGraph = buildFilterGraph({ ...options, videoOut: 'vmain', audioOut: 'amain' });
  const extra: string[] = [];
  const videoLabels: string[] = [];
  const audioLabels: string[] = [];
  if (videoOutputs.length === 1) {
    videoLabels.push('vmain');
  } else {
    extra.push(`[vmain]split=${videoOutputs.length}${videoOutputs.map((_, n) => `[vo${n}]`).join('')}`);
    videoOutputs.forEach((_, n) => videoLabels.push(`vo${n}`));
  }
  const audioOutputs = options.outputs.flatMap((output) => (output.type === 'hls' ? output.renditions.map(() => 'hls') : output.type === 'file' ? ['file'] : []));
  if (audioOutputs.length === 1) {
    audioLabels.push('amain');
  } else if (audioOutputs.length > 1) {
    extra.push(`[amain]asplit=${audioOutputs.length}${audioOutputs.map((_, n) => `[ao${n}]`).join('')}`);
    audioOutputs.forEach((_, n) => audioLabels.push(`ao${n}`));
  }
  const args: string[] = ['-y'];
  for (const input of options.inputs) {
    args.push('-i', input);
  }
  args.push('-filter_complex_script', options.graphFile);
  let videoIndex = 0;
  let audioIndex = 0;
  const duration = ['-t', (outputDurationMs(options) / 1000).toFixed(3)];
  for (const output of options.outputs) {
    if (output.type === 'file') {
      const v = videoLabels[videoIndex++]!;
      const a = audioLabels[audioIndex++]!;
      args.push('-map', `[${v}]`, '-map', `[${a}]`, ...duration);
      if (output.container === 'webm') {
        args.push('-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '2M', '-g', String(options.frameRate * 2), '-c:a', 'libopus', '-b:a', '96k');
      } else {
        args.push('-c:v', 'libx264', '-preset', preset, '-crf', '23', '-pix_fmt', 'yuv420p', '-g', String(options.frameRate * 2), '-c:a', 'aac', '-b:a', '128k');
        if (output.container === 'mp4') {
          args.push('-movflags', '+faststart');
        }
      }
      args.push(output.path);
    } else if (output.type === 'hls') {
      for (const rendition of output.renditions) {
        const source = videoLabels[videoIndex++]!;
        const scaled = `${source}h`;
        extra.push(`[${source}]scale=${rendition.width}:${rendition.height}:flags=bicubic,setsar=1[${scaled}]`);
        const a = audioLabels[audioIndex++]!;
        const folder = `${output.dir}/${rendition.name}`;
        args.push(
          '-map',
          `[${scaled}]`,
          '-map',
          `[${a}]`,
          ...duration,
          ...x264(rendition, options.frameRate, output.keyframeIntervalSec ?? output.segmentSec, preset),
          '-c:a',
          'aac',
          '-b:a',
          String(output.audioChannels === undefined ? rendition.audioBitrate : 64_000 * output.audioChannels),
          // A layout by name: '-ac 3' alone would pick ffmpeg's default 3-channel layout, 2.1, whose third
          // channel is LFE (band-limited by AAC).
          ...(output.audioChannels === undefined ? ['-ac', '2'] : ['-channel_layout', PER_PARTICIPANT_LAYOUTS[output.audioChannels]?.layout ?? String(output.audioChannels)]),
          // Layouts of 6 to 8 channels without LFE need a program config element.
          ...((output.audioChannels ?? 2) >= 6 ? ['-aac_pce', '1'] : []),
          '-ar',
          '48000',
          '-f',
          'hls',
          '-hls_time',
          String(output.segmentSec),
          '-hls_segment_type',
          'fmp4',
          '-hls_playlist_type',
          'event',
          '-hls_flags',
          'independent_segments+temp_file',
          '-hls_fmp4_init_filename',
          'init.mp4',
          '-hls_segment_filename',
          `${folder}/seg-%05d.m4s`,
          `${folder}/ffmpeg.m3u8`,
        );
      }
    } else {
      const source = videoLabels[videoIndex++]!;
      extra.push(
        `[${source}]fps=1/${output.intervalSec},scale=${output.tileWidth}:${output.tileHeight}:flags=bicubic,tile=${output.columns}x${output.rows}[thumbs]`,
      );
      args.push('-map', '[thumbs]', '-fps_mode', 'passthrough', '-q:v', '4', '-f', 'image2', '-atomic_writing', '1', '-start_number', '0', output.pattern);
    }
  }
  const graph = [baseGraph, ...extra].join(';\n');
  return { args, graph };
};
