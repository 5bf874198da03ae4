/**
 * Per-participant audio with Web Audio. The mosaic's AAC track carries one voice per channel
 * (tileMap.audio 'per-participant-channels', tile.audioChannel): the element's audio is split into channels,
 * each voice gets its own gain (mute / solo / volume) and is put back centred in both stereo channels:
 *
 *   <video> → MediaElementSource → ChannelSplitter(n) ─┬→ Gain(voice 0) → Analyser(voice 0)
 *                                                       │         └→ Merger(2) in 0 and 1
 *                                                       └→ …
 *   Merger → Gain(master) → Analyser(output) → destination
 *
 * Any other source (the composed ladder, or the mosaic's 'mix' track over 8 voices) goes straight to master.
 * Everything stays on the element's clock: there is one decoder, so the voices cannot drift.
 * A MediaElementSource can be made once per element, so there is one graph per <video> (see graphFor).
 */
import type { TileMap } from '../api/types';

export type AudioRouting = 'split' | 'direct';

type Voice = { gain: GainNode; analyser: AnalyserNode; channel: number };

const ANALYSER_FFT_SIZE = 2048;

export class AudioGraph {
  readonly context: AudioContext;
  readonly output: AnalyserNode;
  readonly voices = new Map<string, Voice>();
  routing: AudioRouting = 'direct';
  private readonly source: MediaElementAudioSourceNode;
  private readonly master: GainNode;
  private splitNodes: AudioNode[] = [];

  constructor(video: HTMLMediaElement) {
    this.context = new AudioContext({ latencyHint: 'playback' });
    this.source = this.context.createMediaElementSource(video);
    this.master = this.context.createGain();
    this.output = this.context.createAnalyser();
    this.output.fftSize = ANALYSER_FFT_SIZE;
    this.master.connect(this.output).connect(this.context.destination);
    this.source.connect(this.master);
  }

  /** Split by participant when the tile map says each voice has its own channel; else play the source as is. */
  configure(tileMap: TileMap | null): AudioRouting {
    this.source.disconnect();
    for (const node of this.splitNodes) {
      node.disconnect();
    }
    this.splitNodes = [];
    this.voices.clear();
    const tiles = tileMap?.audio === 'per-participant-channels' ? tileMap.tiles.filter((tile) => tile.audioChannel !== null) : [];
    if (tiles.length === 0) {
      this.source.connect(this.master);
      this.routing = 'direct';
      return this.routing;
    }
    const channelCount = Math.max(...tiles.map((tile) => tile.audioChannel!)) + 1;
    const splitter = this.context.createChannelSplitter(channelCount);
    const merger = this.context.createChannelMerger(2);
    this.source.connect(splitter);
    for (const tile of tiles) {
      const gain = this.context.createGain();
      const analyser = this.context.createAnalyser();
      analyser.fftSize = ANALYSER_FFT_SIZE;
      splitter.connect(gain, tile.audioChannel!);
      gain.connect(analyser);
      gain.connect(merger, 0, 0);
      gain.connect(merger, 0, 1);
      this.voices.set(tile.participantId, { gain, analyser, channel: tile.audioChannel! });
      this.splitNodes.push(gain, analyser);
    }
    merger.connect(this.master);
    this.splitNodes.push(splitter, merger);
    this.routing = 'split';
    return this.routing;
  }

  /** Linear gains per participant id (from voiceGains); ramps over 15 ms so a mute does not click. */
  setVoiceGains(gains: Readonly<Record<string, number>>): void {
    const at = this.context.currentTime;
    for (const [id, voice] of this.voices) {
      voice.gain.gain.setTargetAtTime(gains[id] ?? 1, at, 0.005);
    }
  }

  setMasterVolume(volume: number, muted: boolean): void {
    this.master.gain.setTargetAtTime(muted ? 0 : volume, this.context.currentTime, 0.005);
  }

  /** AudioContexts start suspended until a user gesture: call from play. */
  resume(): Promise<void> {
    return this.context.state === 'suspended' ? this.context.resume() : Promise.resolve();
  }
}

const graphs = new WeakMap<HTMLMediaElement, AudioGraph>();

/** The element's graph, made on first use; null where Web Audio is missing. */
export const graphFor = (video: HTMLMediaElement): AudioGraph | null => {
  const existing = graphs.get(video);
  if (existing !== undefined) {
    return existing;
  }
  if (typeof AudioContext === 'undefined') {
    return null;
  }
  const graph = new AudioGraph(video);
  graphs.set(video, graph);
  return graph;
};
