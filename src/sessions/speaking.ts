/**
 * Who speaks when: level samples (one per packet or per 20 ms window) → speech intervals, with hysteresis so a
 * tile's highlight does not flicker. Pure.
 *
 * - Speech starts once the level has stayed at or above `onThresholdDb` for `attackMs`; the interval starts
 *   where that run began.
 * - It ends once the level has stayed below `offThresholdDb` (a few dB lower) for `releaseMs` (the hangover);
 *   the interval ends where that run began. Levels between the two thresholds keep the current state.
 * - Then gaps shorter than `minGapMs` are closed and intervals shorter than `minSpeechMs` dropped.
 * - A sample stands for the time until the next one; a hole longer than `maxFrameGapMs` (DTX, loss) is silence
 *   after the sample's own `frameMs`.
 *
 * Two sources, two presets: the RTP audio-level extension (RFC 6464, −dBov per packet) with fixed thresholds,
 * and decoded audio (RMS dBFS per 20 ms) with thresholds set from the track's own noise floor.
 */
import { clockRateOf, findExtensionId, type MjrHeader, type MjrRecord } from '../mjr/index.js';
import { AUDIO_LEVEL_URI, readAudioLevel } from '../rtp/extensions.js';
import { PacketSequencer, type OrderedPacket } from '../rtp/sequencer.js';
import { RepriseError } from '../shared/errors.js';
import { SILENCE_DBFS } from './levels.js';
import type { Interval } from './manifest.js';

export type LevelSample = {
  timeMs: number;
  /** dBov (audio-level extension) or dBFS (decoded); higher is louder. */
  levelDb: number;
  /** The audio-level extension's V bit, when the level came from there. */
  voiceActivity?: boolean;
};

/** Thresholds placed relative to the track's noise floor (for decoded audio, whose gain varies per microphone). */
export type NoiseFloorThresholds = {
  /** Percentile of the levels taken as the noise floor (people are silent most of a meeting). */
  floorPercentile: number;
  /** On threshold = floor + this, then clamped to [minOnThresholdDb, maxOnThresholdDb]. */
  onAboveFloorDb: number;
  /** Off threshold = on threshold − (onAboveFloorDb − offAboveFloorDb). */
  offAboveFloorDb: number;
  minOnThresholdDb: number;
  maxOnThresholdDb: number;
  /** Levels at or below this are digital silence (gap fill, mute), not noise: left out of the floor. */
  silenceDb: number;
};

export type SpeechOptions = {
  /** Level at or above which speech may start (fixed thresholds; the fallback when `noiseFloor` finds no floor). */
  onThresholdDb: number;
  /** Level below which speech may end. At most `onThresholdDb`. */
  offThresholdDb: number;
  attackMs: number;
  /** Hangover: how long the level must stay below the off threshold to end speech. */
  releaseMs: number;
  minSpeechMs: number;
  minGapMs: number;
  /** The time one sample stands for when nothing follows it closely (the last one, or before a hole). */
  frameMs: number;
  /** Samples farther apart than this leave a hole, read as silence. At least `frameMs`. */
  maxFrameGapMs: number;
  /**
   * The audio-level V bit: `ignore` it, or `require` it set for a loud sample to count as loud (only for senders
   * known to run a VAD: with `vad=off` the bit is always 0 and nothing would count).
   */
  voiceActivity: 'ignore' | 'require';
  /** When set, the thresholds come from the levels' noise floor and the fixed ones are the fallback. */
  noiseFloor: NoiseFloorThresholds | null;
};

const TIMING = { attackMs: 60, releaseMs: 400, minSpeechMs: 250, minGapMs: 300, frameMs: 20, maxFrameGapMs: 120 } as const;

/**
 * RFC 6464 levels (0 dBov loudest, −127 silence) from WebRTC senders: with noise suppression and AGC, a quiet
 * room sits around −60…−90 dBov and speech around −20…−45 dBov, so speech starts at −50 and ends below −55.
 */
export const SPEECH_FROM_AUDIO_LEVEL: Readonly<SpeechOptions> = Object.freeze({
  ...TIMING,
  onThresholdDb: -50,
  offThresholdDb: -55,
  voiceActivity: 'ignore',
  noiseFloor: null,
});

/**
 * RMS dBFS per 20 ms of decoded audio. Microphones and gains differ, so the on threshold is 15 dB above the
 * track's noise floor (10th percentile of its non-silent windows) and the off threshold 6 dB under that, with the
 * on threshold kept within −55…−25 dBFS: a clean track (decoded Opus silence is ~−112 dBFS) does not trigger on
 * codec ringing, and a noisy one still needs a clear 10 dB over its hiss.
 */
export const SPEECH_FROM_ENERGY: Readonly<SpeechOptions> = Object.freeze({
  ...TIMING,
  onThresholdDb: -55,
  offThresholdDb: -61,
  voiceActivity: 'ignore',
  noiseFloor: Object.freeze({
    floorPercentile: 10,
    onAboveFloorDb: 15,
    offAboveFloorDb: 9,
    minOnThresholdDb: -55,
    maxOnThresholdDb: -25,
    silenceDb: SILENCE_DBFS,
  }),
});

export type NoiseFloorOptions = { percentile?: number; silenceDb?: number };

/**
 * The level the track rests at: the given percentile (default 10th, nearest rank) of its levels, leaving out
 * digital silence (at or below `silenceDb`, default −120). Null when nothing is left.
 */
export const estimateNoiseFloorDb = (levels: Iterable<{ levelDb: number }>, options: NoiseFloorOptions = {}): number | null => {
  const { percentile = 10, silenceDb = SILENCE_DBFS } = options;
  if (!(percentile >= 0 && percentile <= 100)) {
    throw optionsError(`noise floor percentile must be 0-100, got ${percentile}`);
  }
  const values: number[] = [];
  for (const { levelDb } of levels) {
    if (Number.isFinite(levelDb) && levelDb > silenceDb) {
      values.push(levelDb);
    }
  }
  if (values.length === 0) {
    return null;
  }
  values.sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((percentile / 100) * values.length));
  return values[rank - 1]!;
};

export type SpeechThresholds = { onThresholdDb: number; offThresholdDb: number; noiseFloorDb: number | null };

/** The thresholds `detectSpeech` uses on these levels with these options (for reports and debugging). */
export const resolveSpeechThresholds = (levels: Iterable<{ levelDb: number }>, options: Partial<SpeechOptions> = {}): SpeechThresholds => {
  const settings = settle(options);
  return thresholdsFor(levels, settings);
};

/** Speech intervals (ms, on the levels' timeline) from level samples; see the module comment. */
export const detectSpeech = (levels: Iterable<LevelSample>, options: Partial<SpeechOptions> = {}): Interval[] => {
  const settings = settle(options);
  const samples = sortedByTime(levels);
  const { onThresholdDb, offThresholdDb } = thresholdsFor(samples, settings);
  const detector = new Hysteresis(settings.attackMs, settings.releaseMs);
  const classify = (sample: LevelSample): Loudness => {
    const level = Number.isNaN(sample.levelDb) ? -Infinity : sample.levelDb;
    if (level >= onThresholdDb && (settings.voiceActivity === 'ignore' || sample.voiceActivity === true)) {
      return 'loud';
    }
    return level < offThresholdDb ? 'quiet' : 'between';
  };
  samples.forEach((sample, index) => {
    const next = samples[index + 1];
    const step = next === undefined ? Infinity : next.timeMs - sample.timeMs;
    const durationMs = step <= settings.maxFrameGapMs ? step : settings.frameMs;
    detector.add(sample.timeMs, sample.timeMs + durationMs, classify(sample));
    if (next !== undefined && step > settings.maxFrameGapMs) {
      detector.add(sample.timeMs + settings.frameMs, next.timeMs, 'quiet');
    }
  });
  const raw = detector.finish();
  return dropShort(mergeGaps(raw, settings.minGapMs), settings.minSpeechMs);
};

type Loudness = 'loud' | 'between' | 'quiet';

/** The two-state machine over contiguous stretches of time. */
class Hysteresis {
  private speaking = false;
  private speechStartMs = 0;
  /** Start of the current run of loud (while silent) or quiet (while speaking) stretches. */
  private runStartMs: number | null = null;
  private lastEndMs: number | null = null;
  private readonly intervals: Interval[] = [];

  constructor(
    private readonly attackMs: number,
    private readonly releaseMs: number,
  ) {}

  add(startMs: number, endMs: number, loudness: Loudness): void {
    this.lastEndMs = endMs;
    if (!this.speaking) {
      if (loudness !== 'loud') {
        this.runStartMs = null;
        return;
      }
      this.runStartMs ??= startMs;
      if (endMs - this.runStartMs >= this.attackMs) {
        this.speaking = true;
        this.speechStartMs = this.runStartMs;
        this.runStartMs = null;
      }
      return;
    }
    if (loudness !== 'quiet') {
      this.runStartMs = null;
      return;
    }
    this.runStartMs ??= startMs;
    if (endMs - this.runStartMs >= this.releaseMs) {
      this.intervals.push({ startMs: this.speechStartMs, endMs: this.runStartMs });
      this.speaking = false;
      this.runStartMs = null;
    }
  }

  finish(): Interval[] {
    if (this.speaking && this.lastEndMs !== null) {
      this.intervals.push({ startMs: this.speechStartMs, endMs: this.runStartMs ?? this.lastEndMs });
      this.speaking = false;
    }
    return this.intervals;
  }
}

const mergeGaps = (intervals: readonly Interval[], minGapMs: number): Interval[] => {
  const merged: Interval[] = [];
  for (const interval of intervals) {
    const last = merged[merged.length - 1];
    if (last !== undefined && interval.startMs - last.endMs < minGapMs) {
      last.endMs = Math.max(last.endMs, interval.endMs);
    } else {
      merged.push({ ...interval });
    }
  }
  return merged;
};

const dropShort = (intervals: readonly Interval[], minSpeechMs: number): Interval[] =>
  intervals.filter((interval) => interval.endMs - interval.startMs >= minSpeechMs);

const sortedByTime = (levels: Iterable<LevelSample>): LevelSample[] => {
  const samples = [...levels].filter((sample) => Number.isFinite(sample.timeMs));
  for (let index = 1; index < samples.length; index++) {
    if (samples[index]!.timeMs < samples[index - 1]!.timeMs) {
      return samples.sort((a, b) => a.timeMs - b.timeMs);
    }
  }
  return samples;
};

const thresholdsFor = (levels: Iterable<{ levelDb: number }>, settings: SpeechOptions): SpeechThresholds => {
  const adaptive = settings.noiseFloor;
  if (adaptive === null) {
    return { onThresholdDb: settings.onThresholdDb, offThresholdDb: settings.offThresholdDb, noiseFloorDb: null };
  }
  const noiseFloorDb = estimateNoiseFloorDb(levels, { percentile: adaptive.floorPercentile, silenceDb: adaptive.silenceDb });
  if (noiseFloorDb === null) {
    return { onThresholdDb: settings.onThresholdDb, offThresholdDb: settings.offThresholdDb, noiseFloorDb };
  }
  const onThresholdDb = Math.min(adaptive.maxOnThresholdDb, Math.max(adaptive.minOnThresholdDb, noiseFloorDb + adaptive.onAboveFloorDb));
  return { onThresholdDb, offThresholdDb: onThresholdDb - (adaptive.onAboveFloorDb - adaptive.offAboveFloorDb), noiseFloorDb };
};

const optionsError = (message: string): RepriseError => new RepriseError('SPEECH_OPTIONS', message);

/** The options over the audio-level preset, checked. */
const settle = (options: Partial<SpeechOptions>): SpeechOptions => {
  const settings: SpeechOptions = { ...SPEECH_FROM_AUDIO_LEVEL, ...options };
  for (const key of ['attackMs', 'releaseMs', 'minSpeechMs', 'minGapMs', 'frameMs', 'maxFrameGapMs'] as const) {
    if (!(settings[key] >= 0) || !Number.isFinite(settings[key])) {
      throw optionsError(`${key} must be a finite number ≥ 0, got ${settings[key]}`);
    }
  }
  if (!(settings.frameMs > 0) || settings.maxFrameGapMs < settings.frameMs) {
    throw optionsError(`need 0 < frameMs ≤ maxFrameGapMs, got ${settings.frameMs} and ${settings.maxFrameGapMs}`);
  }
  if (!(settings.offThresholdDb <= settings.onThresholdDb)) {
    throw optionsError(`offThresholdDb (${settings.offThresholdDb}) must not be above onThresholdDb (${settings.onThresholdDb})`);
  }
  const adaptive = settings.noiseFloor;
  if (adaptive !== null && !(adaptive.offAboveFloorDb <= adaptive.onAboveFloorDb && adaptive.minOnThresholdDb <= adaptive.maxOnThresholdDb)) {
    throw optionsError('noiseFloor needs offAboveFloorDb ≤ onAboveFloorDb and minOnThresholdDb ≤ maxOnThresholdDb');
  }
  return settings;
};

/** Audio levels read from the RTP audio-level extension, one per packet carrying it. */
export type AudioLevelSample = { timeMs: number; levelDb: number; voiceActivity: boolean };

/**
 * Streaming form of `readAudioLevelsFromRecords`: feed records in file order, collect levels as packets come
 * out of the reorderer, then `finish()`.
 */
export class AudioLevelReader {
  private readonly sequencer: PacketSequencer | null;
  private readonly extensionId: number | null;

  constructor(header: MjrHeader) {
    const clockRate = header.kind === 'audio' ? clockRateOf(header) : null;
    this.extensionId = findExtensionId(header, AUDIO_LEVEL_URI);
    this.sequencer = clockRate === null || this.extensionId === null ? null : new PacketSequencer({ clockRate });
  }

  /** The header negotiated the audio-level extension (else every answer is empty). */
  get hasAudioLevel(): boolean {
    return this.sequencer !== null;
  }

  add(record: MjrRecord): AudioLevelSample[] {
    if (record.type !== 'packet' || this.sequencer === null) {
      return [];
    }
    return this.levels(this.sequencer.add(record.bytes, record.arrivalOffsetMs, record.suspect));
  }

  finish(): AudioLevelSample[] {
    return this.sequencer === null ? [] : this.levels(this.sequencer.finish());
  }

  private levels(packets: readonly OrderedPacket[]): AudioLevelSample[] {
    const levels: AudioLevelSample[] = [];
    for (const { packet, timeMs } of packets) {
      const level = readAudioLevel(packet.extensions, this.extensionId);
      if (level !== null) {
        levels.push({ timeMs, levelDb: level.levelDbov, voiceActivity: level.voiceActivity });
      }
    }
    return levels;
  }
}

/**
 * The audio level of every packet of an audio recording that carries the RFC 6464 extension, in sequence
 * order, `timeMs` on the track timeline (ms since the track's first packet, `header.firstPacketUs`). Empty
 * when the header did not negotiate the extension (check `findExtensionId(header, AUDIO_LEVEL_URI)`).
 */
export const readAudioLevelsFromRecords = (records: Iterable<MjrRecord>, header: MjrHeader): AudioLevelSample[] => {
  const reader = new AudioLevelReader(header);
  const levels: AudioLevelSample[] = [];
  if (!reader.hasAudioLevel) {
    return levels;
  }
  for (const record of records) {
    levels.push(...reader.add(record));
  }
  levels.push(...reader.finish());
  return levels;
};
