/**
 * The composition as an ffmpeg filter graph (pure text): every participant's video placed by the layout
 * timeline at its wall-clock offset, name tiles where there is no video, labels; every voice delayed to its
 * offset, loudness-matched, mixed without clipping. The mosaic variant keeps each voice on its own channel.
 */
import type { Interval } from '../sessions/manifest.js';
import type { LayoutTimeline, Region } from './layout-types.js';
import { insideAny, piecewise, quoteOption } from './expressions.js';

/** One media file feeding the composition: ffmpeg input `index`, starting `offsetMs` into the session. */
export type ComposeSource = {
  index: number;
  participantId: string;
  kind: 'video' | 'audio';
  offsetMs: number;
  gainDb?: number;
  /** The manifest track it was made from: a region naming a track (camera vs screen) shows only that one. */
  trackFile?: string;
};

export type AudioMode = { type: 'mix' } | { type: 'channels'; participantOrder: string[] };

/**
 * Channel layouts for one voice per channel, never with an LFE channel (AAC band-limits LFE): ffmpeg layout
 * name and its channels in ffmpeg's native order, which is the order decoders output them in.
 */
export const PER_PARTICIPANT_LAYOUTS: Record<number, { layout: string; channels: string[] }> = {
  1: { layout: 'mono', channels: ['FC'] },
  2: { layout: 'stereo', channels: ['FL', 'FR'] },
  3: { layout: '3.0', channels: ['FL', 'FR', 'FC'] },
  4: { layout: '4.0', channels: ['FL', 'FR', 'FC', 'BC'] },
  5: { layout: '5.0', channels: ['FL', 'FR', 'FC', 'BL', 'BR'] },
  6: { layout: '6.0', channels: ['FL', 'FR', 'FC', 'BC', 'SL', 'SR'] },
  7: { layout: '7.0', channels: ['FL', 'FR', 'FC', 'BL', 'BR', 'SL', 'SR'] },
  8: { layout: 'octagonal', channels: ['FL', 'FR', 'FC', 'BL', 'BR', 'BC', 'SL', 'SR'] },
};

export type FilterGraphOptions = {
  timeline: LayoutTimeline;
  sources: readonly ComposeSource[];
  durationMs: number;
  frameRate: number;
  /** A TrueType font for labels and name tiles. */
  fontFile: string;
  /** Text files holding each participant's label (drawtext reads them: no escaping problems). */
  labelFiles: ReadonlyMap<string, string>;
  audio: AudioMode;
  /** Output pad names. */
  videoOut: string;
  audioOut: string;
  /** With --trim: only these stretches of the session are kept (everything else is cut out). */
  keep?: readonly Interval[];
};

/** The length of the output: the session, or what --trim keeps of it. */
export const outputDurationMs = (options: Pick<FilterGraphOptions, 'durationMs' | 'keep'>): number =>
  options.keep === undefined ? options.durationMs : options.keep.reduce((sum, interval) => sum + interval.endMs - interval.startMs, 0);

const NAME_TILE_COLOR = '0x2d2d30';
/** Peaks held under -1 dBFS, delay compensated (so the limiter never shifts audio against video), no auto level. */
const LIMITER = 'alimiter=limit=0.891:level=0:latency=1';
const LABEL_BOX_COLOR = 'black@0.55';

const colorOf = (css: string): string => `0x${css.replace(/^#/, '')}`;

type Placement = Region & { startMs: number; endMs: number };

/** Each participant's regions over time, flattened. */
const placementsByParticipant = (timeline: LayoutTimeline): Map<string, Placement[]> => {
  const map = new Map<string, Placement[]>();
  for (const interval of timeline.intervals) {
    for (const region of interval.regions) {
      const list = map.get(region.participantId) ?? [];
      list.push({ ...region, startMs: interval.startMs, endMs: interval.endMs });
      map.set(region.participantId, list);
    }
  }
  return map;
};

export const buildFilterGraph = (options: FilterGraphOptions): string => {
  const { timeline, frameRate } = options;
  const { width, height } = timeline.canvas;
  const durationSec = (options.durationMs / 1000).toFixed(3);
  const chains: string[] = [`color=c=${colorOf(timeline.canvas.background)}:s=${width}x${height}:r=${frameRate}:d=${durationSec}[base0]`];
  let base = 'base0';
  let step = 0;
  const nextBase = (): string => `base${++step}`;
  const placements = placementsByParticipant(timeline);
  const videos = options.sources.filter((source) => source.kind === 'video');

  // Name tiles first (under the video of later tracks of the same participant, which never overlap in time).
  for (const [participantId, list] of placements) {
    const tiles = list.filter((placement) => !placement.hasVideo);
    if (tiles.length === 0) {
      continue;
    }
    const out = nextBase();
    const box = (key: 'x' | 'y' | 'width' | 'height'): string => quoteOption(piecewise(tiles.map((tile) => ({ ...tile, value: tile[key] }))));
    chains.push(`[${base}]drawbox=x=${box('x')}:y=${box('y')}:w=${box('width')}:h=${box('height')}:color=${NAME_TILE_COLOR}:t=fill:enable=${quoteOption(insideAny(tiles))}[${out}]`);
    base = out;
    const label = options.labelFiles.get(participantId);
    if (label !== undefined) {
      const center = (key: 'x' | 'y', size: 'width' | 'height', text: 'text_w' | 'text_h'): string =>
        quoteOption(`${piecewise(tiles.map((tile) => ({ ...tile, value: tile[key] + Math.round(tile[size] / 2) })))}-${text}/2`);
      const fontSize = Math.max(14, Math.round(Math.min(...tiles.map((tile) => tile.height)) / 8));
      const named = nextBase();
      chains.push(
        `[${base}]drawtext=fontfile=${quoteOption(options.fontFile)}:textfile=${quoteOption(label)}:fontcolor=white:fontsize=${fontSize}:x=${center('x', 'width', 'text_w')}:y=${center('y', 'height', 'text_h')}:enable=${quoteOption(insideAny(tiles))}[${named}]`,
      );
      base = named;
    }
  }

  // Video: each track scaled to each size it is shown at, overlaid where and when the layout says.
  for (const source of videos) {
    const shown = (placements.get(source.participantId) ?? []).filter(
      (placement) => placement.hasVideo && (placement.trackFile === undefined || source.trackFile === undefined || placement.trackFile === source.trackFile),
    );
    if (shown.length === 0) {
      continue;
    }
    const bySize = new Map<string, Placement[]>();
    for (const placement of shown) {
      const key = `${placement.width}x${placement.height}`;
      bySize.set(key, [...(bySize.get(key) ?? []), placement]);
    }
    const label = `v${source.index}`;
    const sizes = [...bySize.keys()];
    const offsetSec = (source.offsetMs / 1000).toFixed(6);
    chains.push(
      `[${source.index}:v]setpts=PTS-STARTPTS+${offsetSec}/TB,fps=${frameRate}${sizes.length > 1 ? `,split=${sizes.length}${sizes.map((_, n) => `[${label}s${n}]`).join('')}` : `[${label}s0]`}`,
    );
    sizes.forEach((size, n) => {
      const group = bySize.get(size)!;
      const [w, h] = size.split('x');
      chains.push(`[${label}s${n}]scale=${w}:${h}:flags=bilinear,setsar=1[${label}z${n}]`);
      const out = nextBase();
      const position = (key: 'x' | 'y'): string => quoteOption(piecewise(group.map((placement) => ({ ...placement, value: placement[key] }))));
      chains.push(`[${base}][${label}z${n}]overlay=x=${position('x')}:y=${position('y')}:eval=frame:eof_action=pass:enable=${quoteOption(insideAny(group))}[${out}]`);
      base = out;
    });
  }

  // Labels on video tiles: one drawtext per participant, following its tile.
  for (const [participantId, list] of placements) {
    const withVideo = list.filter((placement) => placement.hasVideo && placement.label !== null);
    const label = options.labelFiles.get(participantId);
    if (withVideo.length === 0 || label === undefined) {
      continue;
    }
    const fontSize = Math.max(12, Math.round(Math.min(...withVideo.map((placement) => placement.height)) / 14));
    const x = quoteOption(piecewise(withVideo.map((placement) => ({ ...placement, value: placement.x + 8 }))));
    const y = quoteOption(`${piecewise(withVideo.map((placement) => ({ ...placement, value: placement.y + placement.height - 8 })))}-text_h`);
    const out = nextBase();
    chains.push(
      `[${base}]drawtext=fontfile=${quoteOption(options.fontFile)}:textfile=${quoteOption(label)}:fontcolor=white:fontsize=${fontSize}:box=1:boxcolor=${LABEL_BOX_COLOR}:boxborderw=4:x=${x}:y=${y}:enable=${quoteOption(insideAny(withVideo))}[${out}]`,
    );
    base = out;
  }
  const trimmed = options.keep !== undefined;
  const videoPad = trimmed ? 'vuntrimmed' : options.videoOut;
  const audioPad = trimmed ? 'auntrimmed' : options.audioOut;
  chains.push(`[${base}]format=yuv420p[${videoPad}]`);
  chains.push(...buildAudioChains({ ...options, audioOut: audioPad }));
  if (options.keep !== undefined) {
    // Cut the stretches where nobody is present; timestamps close up behind the cuts.
    const kept = quoteOption(insideAny(options.keep));
    chains.push(`[${videoPad}]select=${kept},setpts=N/FRAME_RATE/TB[${options.videoOut}]`);
    chains.push(`[${audioPad}]aselect=${kept},asetpts=N/SR/TB[${options.audioOut}]`);
  }
  return chains.join(';\n');
};

/** Delays each voice to its offset (sample-exact), matches loudness, then mixes or keeps channels apart. */
const buildAudioChains = (options: FilterGraphOptions): string[] => {
  const audios = options.sources.filter((source) => source.kind === 'audio');
  const durationSec = (options.durationMs / 1000).toFixed(3);
  const tail = `apad,atrim=0:${durationSec}`;
  if (audios.length === 0) {
    return [`anullsrc=r=48000:cl=stereo,atrim=0:${durationSec}[${options.audioOut}]`];
  }
  const chains: string[] = [];
  for (const source of audios) {
    const offsetSamples = Math.round((source.offsetMs * 48_000) / 1000);
    // A track starting before the session's zero (audio written early by the Opus look-ahead) loses its head;
    // one starting later is delayed, sample-exact.
    const place = offsetSamples >= 0 ? `adelay=delays=${offsetSamples}S:all=1` : `atrim=start_sample=${-offsetSamples},asetpts=PTS-STARTPTS`;
    chains.push(
      `[${source.index}:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=mono,${place},volume=${(source.gainDb ?? 0).toFixed(2)}dB[a${source.index}]`,
    );
  }
  if (options.audio.type === 'mix') {
    chains.push(
      `${audios.map((source) => `[a${source.index}]`).join('')}amix=inputs=${audios.length}:normalize=0:duration=longest:dropout_transition=0,` +
        `${LIMITER},aformat=sample_fmts=fltp:channel_layouts=stereo,${tail}[${options.audioOut}]`,
    );
    return chains;
  }
  // One channel per participant, in the given order; participants without audio get silence.
  const order = options.audio.participantOrder;
  const layout = PER_PARTICIPANT_LAYOUTS[order.length];
  if (layout === undefined) {
    throw new Error(`Internal error: ${order.length} channels asked of the mosaic audio (1 to 8)`);
  }
  const inputs: string[] = [];
  order.forEach((participantId, channel) => {
    const tracks = audios.filter((source) => source.participantId === participantId);
    if (tracks.length === 0) {
      chains.push(`anullsrc=r=48000:cl=mono,atrim=0:${durationSec}[c${channel}]`);
    } else if (tracks.length === 1) {
      chains.push(`[a${tracks[0]!.index}]${LIMITER},${tail}[c${channel}]`);
    } else {
      chains.push(`${tracks.map((track) => `[a${track.index}]`).join('')}amix=inputs=${tracks.length}:normalize=0:duration=longest:dropout_transition=0,${LIMITER},${tail}[c${channel}]`);
    }
    inputs.push(`[c${channel}]`);
  });
  const map = layout.channels.map((channel, index) => `${index}.0-${channel}`).join('|');
  chains.push(`${inputs.join('')}join=inputs=${order.length}:channel_layout=${layout.layout}:map=${map}[${options.audioOut}]`);
  return chains;
};
