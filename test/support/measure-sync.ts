import { probeStreams, readAudioClip, readLumaSamples, type Region } from './measure-sync-decode.js';
import {
  findBeepOnsets,
  findFlashes,
  pairBeepsWithFlashes,
  summarizeOffsets,
  type BeepOnset,
  type BeepOptions,
  type Flash,
  type FlashOptions,
  type OffsetSummary,
  type SyncPair,
} from './measure-sync-analysis.js';

/**
 * Measures audio/video sync in a media file made from our sync fixtures: white-flash frames in the
 * video, sine-beep onsets (one pitch per participant) in the audio, and beep − flash offsets.
 * Pure analysis lives in measure-sync-analysis.ts, decoding in measure-sync-decode.ts.
 */
export * from './measure-sync-analysis.js';
export { parseJanusFirstPacketUs, probeStreams, readAudioClip, readJanusFirstPacketUs, readLumaSamples, type Region } from './measure-sync-decode.js';

export const DEFAULT_PITCHES_HZ: readonly number[] = [500, 800, 1250];

export type MeasureSyncOptions = {
  region?: Region;
  pitchesHz?: readonly number[];
  flash?: Partial<FlashOptions>;
  beep?: Partial<BeepOptions>;
};

export type SyncReport = {
  file: string;
  video: { frames: number; firstFrameSec: number | null; lastFrameSec: number | null; flashes: Flash[] } | null;
  audio: { sampleRate: number; firstSampleSec: number; durationSec: number; beeps: BeepOnset[] } | null;
  pairs: SyncPair[];
  offset: OffsetSummary | null;
};

export async function measureSync(file: string, options: MeasureSyncOptions = {}): Promise<SyncReport> {
  const streams = await probeStreams(file);
  let video: SyncReport['video'] = null;
  if (streams.hasVideo) {
    const samples = await readLumaSamples(file, options.region);
    video = {
      frames: samples.length,
      firstFrameSec: samples[0]?.timeSec ?? null,
      lastFrameSec: samples.at(-1)?.timeSec ?? null,
      flashes: findFlashes(samples, options.flash),
    };
  }
  let audio: SyncReport['audio'] = null;
  if (streams.hasAudio) {
    const clip = await readAudioClip(file);
    audio = {
      sampleRate: clip.sampleRate,
      firstSampleSec: clip.startSec,
      durationSec: clip.samples.length / clip.sampleRate,
      beeps: findBeepOnsets(clip, options.pitchesHz ?? DEFAULT_PITCHES_HZ, options.beep),
    };
  }
  const pairs = video !== null && audio !== null ? pairBeepsWithFlashes(audio.beeps, video.flashes) : [];
  return { file, video, audio, pairs, offset: summarizeOffsets(pairs) };
}
