/**
 * Signal level of decoded audio: RMS per fixed window, in dBFS (0 dBFS = a full-scale square wave, so a
 * full-scale sine is −3.01 dBFS). Pure, and streaming: samples in, one level per window out, so an hour of audio
 * never has to sit in memory.
 */
import { RepriseError } from '../shared/errors.js';

export type EnergyLevel = {
  /** Start of the window, ms (on whatever timeline `startMs` is on). */
  timeMs: number;
  /** RMS level of the window; `SILENCE_DBFS` for digital silence. */
  rmsDbfs: number;
};

/**
 * The level given to digital silence (all samples zero), instead of −∞ (which JSON cannot carry). Any 16-bit
 * window with one non-zero sample is louder: one LSB in 320 samples is −115.4 dBFS.
 */
export const SILENCE_DBFS = -120;

/** RMS (full scale = 1) → dBFS, never below SILENCE_DBFS. */
export const rmsToDbfs = (rms: number): number => (rms > 0 ? Math.max(SILENCE_DBFS, 20 * Math.log10(rms)) : SILENCE_DBFS);

export type RmsMeterOptions = { sampleRate: number; windowMs: number; startMs: number };

/** Samples per window: windowMs at sampleRate, rounded, at least 1. */
const windowSamples = (sampleRate: number, windowMs: number): number => {
  if (!(sampleRate > 0) || !(windowMs > 0)) {
    throw new RepriseError('SPEECH_OPTIONS', `sample rate and window must be positive, got ${sampleRate} Hz and ${windowMs} ms`, {
      details: { sampleRate, windowMs },
    });
  }
  return Math.max(1, Math.round((sampleRate * windowMs) / 1000));
};

/**
 * Feeds on mono samples (Int16 or Float32 in −1…1) or raw s16le bytes cut anywhere; yields one level per
 * complete window, and the last partial window on `finish()`.
 */
export class RmsLevelMeter {
  private readonly sampleRate: number;
  private readonly startMs: number;
  private readonly size: number;
  private windowIndex = 0;
  private count = 0;
  private sumSquares = 0;
  /** The first byte of a sample split between two chunks. */
  private pendingByte: number | null = null;

  constructor(options: RmsMeterOptions) {
    this.sampleRate = options.sampleRate;
    this.startMs = options.startMs;
    this.size = windowSamples(options.sampleRate, options.windowMs);
  }

  /** Samples as numbers: Int16Array values are scaled by 1/32768; anything else is taken as −1…1. */
  pushSamples(samples: Int16Array | Float32Array | ArrayLike<number>): EnergyLevel[] {
    const scale = samples instanceof Int16Array ? 1 / 32768 : 1;
    const levels: EnergyLevel[] = [];
    for (let index = 0; index < samples.length; index++) {
      this.add((samples[index] ?? 0) * scale, levels);
    }
    return levels;
  }

  /** Signed 16-bit little-endian PCM, as ffmpeg's `-f s16le` writes it, in chunks of any length. */
  pushPcm16le(bytes: Uint8Array): EnergyLevel[] {
    const levels: EnergyLevel[] = [];
    let offset = 0;
    if (this.pendingByte !== null && bytes.length > 0) {
      this.add(toInt16(this.pendingByte | (bytes[0]! << 8)) / 32768, levels);
      this.pendingByte = null;
      offset = 1;
    }
    for (; offset + 1 < bytes.length; offset += 2) {
      this.add(toInt16(bytes[offset]! | (bytes[offset + 1]! << 8)) / 32768, levels);
    }
    if (offset < bytes.length) {
      this.pendingByte = bytes[offset]!;
    }
    return levels;
  }

  /** The last, partial window (if any samples are left in it). A dangling odd byte is dropped. */
  finish(): EnergyLevel[] {
    const levels: EnergyLevel[] = [];
    if (this.count > 0) {
      levels.push(this.level());
    }
    this.pendingByte = null;
    return levels;
  }

  private add(sample: number, levels: EnergyLevel[]): void {
    this.sumSquares += sample * sample;
    this.count++;
    if (this.count === this.size) {
      levels.push(this.level());
    }
  }

  private level(): EnergyLevel {
    const level = {
      timeMs: this.startMs + (this.windowIndex * this.size * 1000) / this.sampleRate,
      rmsDbfs: rmsToDbfs(Math.sqrt(this.sumSquares / this.count)),
    };
    this.windowIndex++;
    this.count = 0;
    this.sumSquares = 0;
    return level;
  }
}

const toInt16 = (value: number): number => (value & 0x8000 ? value - 0x10000 : value);

/** RMS level per `windowMs` of mono samples, the first window starting at `startMs`; a last partial window included. */
export const computeRmsLevels = (
  samples: Int16Array | Float32Array | ArrayLike<number>,
  sampleRate: number,
  windowMs: number,
  startMs: number,
): EnergyLevel[] => {
  const meter = new RmsLevelMeter({ sampleRate, windowMs, startMs });
  return [...meter.pushSamples(samples), ...meter.finish()];
};
