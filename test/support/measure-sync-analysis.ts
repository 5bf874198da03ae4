/**
 * Pure analysis behind measure-sync: flashes in a per-frame luma series, beep onsets in PCM
 * samples, and the audio−video offset between them. No processes, no files.
 *
 * Our fixtures (scripts/recorder/fake-media.ts) put one fully white frame and the start of a short
 * sine beep at every whole second of the source, so in a correctly synced output each beep starts
 * at the presentation time of a flash frame.
 */

export type LumaSample = { frameIndex: number; pts: number; timeSec: number; luma: number };

export type Flash = {
  /** Presentation time of the first bright frame, in seconds (the stream's own clock, not rebased). */
  timeSec: number;
  pts: number;
  frameIndex: number;
  luma: number;
  /** Luma above the median of the neighbouring frames. */
  jump: number;
  /** How many consecutive frames stayed bright (1 for a clean one-frame flash). */
  frames: number;
};

export type FlashOptions = { neighbourFrames: number; minJump: number };

export const DEFAULT_FLASH_OPTIONS: FlashOptions = { neighbourFrames: 4, minJump: 40 };

/**
 * Parses the output of ffmpeg's `metadata=print:key=lavfi.signalstats.YAVG`:
 * `frame:12   pts:12012   pts_time:0.400400` followed by `lavfi.signalstats.YAVG=123.4`.
 */
export function parseLumaLog(text: string): LumaSample[] {
  const samples: LumaSample[] = [];
  let frame: { frameIndex: number; pts: number; timeSec: number } | null = null;
  for (const line of text.split('\n')) {
    const header = /^frame:(\d+)\s+pts:(-?\d+)\s+pts_time:(-?[\d.e+-]+)/.exec(line);
    if (header !== null) {
      frame = { frameIndex: Number(header[1]), pts: Number(header[2]), timeSec: Number(header[3]) };
      continue;
    }
    const value = /^lavfi\.signalstats\.YAVG=(-?[\d.]+)/.exec(line);
    if (value !== null && frame !== null) {
      samples.push({ ...frame, luma: Number(value[1]) });
      frame = null;
    }
  }
  return samples;
}

const median = (values: readonly number[]): number => {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** Luma of each frame minus the median luma of up to `neighbourFrames` frames on each side. */
export function computeLumaJumps(samples: readonly LumaSample[], neighbourFrames: number): number[] {
  return samples.map((sample, index) => {
    const neighbours: number[] = [];
    for (let other = index - neighbourFrames; other <= index + neighbourFrames; other += 1) {
      const neighbour = samples[other];
      if (other !== index && neighbour !== undefined) {
        neighbours.push(neighbour.luma);
      }
    }
    return sample.luma - median(neighbours);
  });
}

/**
 * Frames whose luma jumps at least `minJump` above their neighbours. Consecutive bright frames
 * (an encoder smearing the flash) count as one flash, timed at the first of them.
 */
export function findFlashes(samples: readonly LumaSample[], options: Partial<FlashOptions> = {}): Flash[] {
  const { neighbourFrames, minJump } = { ...DEFAULT_FLASH_OPTIONS, ...options };
  const jumps = computeLumaJumps(samples, neighbourFrames);
  const flashes: Flash[] = [];
  let current: Flash | null = null;
  samples.forEach((sample, index) => {
    const jump = jumps[index] as number;
    if (jump < minJump) {
      current = null;
      return;
    }
    if (current === null) {
      current = { timeSec: sample.timeSec, pts: sample.pts, frameIndex: sample.frameIndex, luma: sample.luma, jump, frames: 1 };
      flashes.push(current);
    } else {
      current.frames += 1;
    }
  });
  return flashes;
}

export type AudioClip = {
  samples: Float32Array;
  sampleRate: number;
  /** Presentation time of samples[0], in seconds. */
  startSec: number;
};

/** Symmetric Hann window: half of its weight lies on each side of the centre. */
export function createHannWindow(length: number): Float32Array {
  const window = new Float32Array(length);
  for (let index = 0; index < length; index += 1) {
    window[index] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (index + 0.5)) / length);
  }
  return window;
}

/**
 * Amplitude of the `frequencyHz` component of samples[start .. start + window.length), by the
 * Goertzel recurrence on windowed samples. A full-window sine of amplitude A gives about A.
 */
export function measureToneAmplitude(clip: AudioClip, start: number, window: Float32Array, frequencyHz: number): number {
  const omega = (2 * Math.PI * frequencyHz) / clip.sampleRate;
  const coefficient = 2 * Math.cos(omega);
  let previous = 0;
  let beforePrevious = 0;
  let weight = 0;
  for (let index = 0; index < window.length; index += 1) {
    const windowValue = window[index] as number;
    const sample = clip.samples[start + index] ?? 0;
    const current = sample * windowValue + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
    weight += windowValue;
  }
  const power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
  return (2 * Math.sqrt(Math.max(power, 0))) / weight;
}

export type BeepOptions = {
  windowMs: number;
  hopMs: number;
  /** Detection threshold as a fraction of the loudest tone amplitude over all pitches. */
  thresholdRatio: number;
  /** Below this amplitude (full scale = 1) nothing counts as a beep. */
  minAmplitude: number;
  /** A new beep of the same pitch needs this much quiet before it. */
  minGapMs: number;
  /** How far after the detection the plateau (full beep amplitude) is looked for. */
  plateauMs: number;
};

export const DEFAULT_BEEP_OPTIONS: BeepOptions = {
  windowMs: 10,
  hopMs: 2.5,
  thresholdRatio: 0.25,
  minAmplitude: 0.002,
  minGapMs: 200,
  plateauMs: 60,
};

export type BeepOnset = { pitchHz: number; timeSec: number; amplitude: number };

type Envelope = { values: Float64Array; hop: number; window: Float32Array };

function computeEnvelope(clip: AudioClip, pitchHz: number, window: Float32Array, hop: number): Envelope {
  const count = Math.max(0, Math.floor((clip.samples.length - window.length) / hop) + 1);
  const values = new Float64Array(count);
  for (let index = 0; index < count; index += 1) {
    values[index] = measureToneAmplitude(clip, index * hop, window, pitchHz);
  }
  return { values, hop, window };
}

/**
 * Refines an onset to about a sample. With a symmetric window the tone amplitude reaches half of the
 * beep's plateau when the beep covers half the window, so onset = (window start at half) + length/2.
 */
function refineOnset(clip: AudioClip, pitchHz: number, envelope: Envelope, detectedIndex: number, plateauHops: number): BeepOnset {
  const { values, hop, window } = envelope;
  let plateau = 0;
  for (let index = detectedIndex; index < Math.min(values.length, detectedIndex + plateauHops); index += 1) {
    plateau = Math.max(plateau, values[index] as number);
  }
  const half = plateau / 2;
  // The rise crosses half the plateau between coarse hops `below` and `below + 1`.
  let below = detectedIndex;
  while (below > 0 && (values[below] as number) >= half) {
    below -= 1;
  }
  while (below + 1 < values.length && (values[below + 1] as number) < half) {
    below += 1;
  }
  let crossing = (below + 1) * hop;
  let previousAmplitude = values[below] as number;
  for (let start = below * hop + 1; start <= (below + 1) * hop; start += 1) {
    const amplitude = measureToneAmplitude(clip, start, window, pitchHz);
    if (amplitude >= half) {
      const fraction = amplitude > previousAmplitude ? (half - previousAmplitude) / (amplitude - previousAmplitude) : 1;
      crossing = start - 1 + Math.min(Math.max(fraction, 0), 1);
      break;
    }
    previousAmplitude = amplitude;
  }
  return { pitchHz, timeSec: clip.startSec + (crossing + window.length / 2) / clip.sampleRate, amplitude: plateau };
}

/** Beep onsets per pitch: the first hop above threshold, then a sample-level search of the rise. */
export function findBeepOnsets(clip: AudioClip, pitchesHz: readonly number[], options: Partial<BeepOptions> = {}): BeepOnset[] {
  const settings = { ...DEFAULT_BEEP_OPTIONS, ...options };
  const windowLength = Math.round((settings.windowMs * clip.sampleRate) / 1000);
  const hop = Math.max(1, Math.round((settings.hopMs * clip.sampleRate) / 1000));
  const window = createHannWindow(windowLength);
  const envelopes = pitchesHz.map((pitchHz) => ({ pitchHz, envelope: computeEnvelope(clip, pitchHz, window, hop) }));
  const loudest = Math.max(0, ...envelopes.flatMap(({ envelope }) => Array.from(envelope.values)));
  const threshold = Math.max(settings.minAmplitude, settings.thresholdRatio * loudest);
  const minGapHops = Math.round((settings.minGapMs * clip.sampleRate) / 1000 / hop);
  const plateauHops = Math.round((settings.plateauMs * clip.sampleRate) / 1000 / hop);
  const onsets: BeepOnset[] = [];
  for (const { pitchHz, envelope } of envelopes) {
    // Hysteresis: a beep is armed by minGapMs below half the threshold, fires at the threshold.
    let quietHops = minGapHops;
    let armed = true;
    envelope.values.forEach((value, index) => {
      if (value < threshold / 2) {
        quietHops += 1;
        armed ||= quietHops >= minGapHops;
        return;
      }
      quietHops = 0;
      if (value >= threshold && armed) {
        onsets.push(refineOnset(clip, pitchHz, envelope, index, plateauHops));
        armed = false;
      }
    });
  }
  return onsets.sort((a, b) => a.timeSec - b.timeSec);
}

export type SyncPair = { pitchHz: number; beepSec: number; flashSec: number; offsetMs: number };

/** Pairs each beep with the nearest flash (within `maxDistanceSec`); offset = beep − flash. */
export function pairBeepsWithFlashes(beeps: readonly BeepOnset[], flashes: readonly Flash[], maxDistanceSec = 0.5): SyncPair[] {
  const pairs: SyncPair[] = [];
  for (const beep of beeps) {
    let nearest: Flash | undefined;
    for (const flash of flashes) {
      if (nearest === undefined || Math.abs(flash.timeSec - beep.timeSec) < Math.abs(nearest.timeSec - beep.timeSec)) {
        nearest = flash;
      }
    }
    if (nearest !== undefined && Math.abs(nearest.timeSec - beep.timeSec) <= maxDistanceSec) {
      pairs.push({ pitchHz: beep.pitchHz, beepSec: beep.timeSec, flashSec: nearest.timeSec, offsetMs: (beep.timeSec - nearest.timeSec) * 1000 });
    }
  }
  return pairs;
}

export type OffsetSummary = { pairs: number; medianMs: number; minMs: number; maxMs: number; maxAbsMs: number };

export function summarizeOffsets(pairs: readonly SyncPair[]): OffsetSummary | null {
  if (pairs.length === 0) {
    return null;
  }
  const offsets = pairs.map((pair) => pair.offsetMs);
  return {
    pairs: pairs.length,
    medianMs: median(offsets),
    minMs: Math.min(...offsets),
    maxMs: Math.max(...offsets),
    maxAbsMs: Math.max(...offsets.map(Math.abs)),
  };
}
