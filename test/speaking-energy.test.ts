/**
 * Speaking activity from decoded energy, end to end: `.mjr` → Opus file (our converter) → ffmpeg decode →
 * RMS per 20 ms → detectSpeech with the energy preset.
 *
 * The real recordings (test/fixtures/real, see its README) carry a 50 ms beep at every whole second and digital
 * silence otherwise, and no audio-level extension: the beeps must be seen, and none may count as speech. A
 * synthetic 2 s tone over a noise floor must count, once, at its place.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { convertFiles } from '../src/api/convert.js';
import { decodeAudioLevels } from '../src/ffmpeg/decode-audio.js';
import { runFfmpeg } from '../src/ffmpeg/run.js';
import { findExtensionId, parseMjrBytes } from '../src/mjr/index.js';
import { AUDIO_LEVEL_URI } from '../src/rtp/extensions.js';
import type { EnergyLevel } from '../src/sessions/levels.js';
import { detectSpeech, readAudioLevelsFromRecords, resolveSpeechThresholds, SPEECH_FROM_ENERGY, type LevelSample } from '../src/sessions/speaking.js';

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0;

const REAL = join(import.meta.dirname, 'fixtures', 'real');
const out = mkdtempSync(join(tmpdir(), 'reprise-speaking-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const asLevels = (levels: readonly EnergyLevel[]): LevelSample[] => levels.map(({ timeMs, rmsDbfs }) => ({ timeMs, levelDb: rmsDbfs }));

const AUDIO_FILES = readdirSync(REAL)
  .filter((name) => /-audio-\d+\.mjr$/.test(name))
  .sort();

describe('the real recordings', () => {
  test.each(AUDIO_FILES)('%s: no audio-level extension, so no levels from the packets', (name) => {
    const records = [...parseMjrBytes(readFileSync(join(REAL, name)))];
    const first = records[0];
    expect(first?.type).toBe('header');
    const header = first!.type === 'header' ? first!.header : null;
    expect(findExtensionId(header!, AUDIO_LEVEL_URI)).toBeNull();
    expect(readAudioLevelsFromRecords(records, header!)).toEqual([]);
  });

  test.skipIf(!hasFfmpeg).each(AUDIO_FILES)('%s: every 50 ms beep is seen, none is speech', async (name) => {
    const opus = join(out, name.replace(/\.mjr$/, '.opus'));
    await convertFiles({ inputs: [join(REAL, name)], output: opus });
    const levels = asLevels(await decodeAudioLevels(opus));
    const durationMs = levels[levels.length - 1]!.timeMs;

    // Decoded Opus "silence" sits near −112 dBFS, so the on threshold is the −55 dBFS floor of the preset.
    const thresholds = resolveSpeechThresholds(levels, SPEECH_FROM_ENERGY);
    expect(thresholds.noiseFloorDb).toBeLessThan(-100);
    expect(thresholds.onThresholdDb).toBe(-55);

    expect(detectSpeech(levels, SPEECH_FROM_ENERGY)).toEqual([]);

    // The beeps are there, and pass the attack: with no minimum length each is one short burst, a second apart.
    const beeps = detectSpeech(levels, { ...SPEECH_FROM_ENERGY, minSpeechMs: 0 });
    expect(beeps.length).toBeGreaterThanOrEqual(Math.floor(durationMs / 1000) - 1);
    expect(beeps.length).toBeLessThanOrEqual(Math.ceil(durationMs / 1000) + 1);
    for (const beep of beeps) {
      expect(beep.endMs - beep.startMs).toBeGreaterThanOrEqual(40);
      expect(beep.endMs - beep.startMs).toBeLessThanOrEqual(100);
    }
    beeps.slice(1).forEach((beep, index) => {
      expect(beep.startMs - beeps[index]!.startMs).toBeGreaterThanOrEqual(960);
      expect(beep.startMs - beeps[index]!.startMs).toBeLessThanOrEqual(1040);
    });
  });
});

describe.skipIf(!hasFfmpeg)('synthetic tones in Opus over a noise floor', () => {
  /** 5 s of white noise (amplitude 0.002: about −65 dBFS RMS) plus a 440 Hz tone (−21 dBFS) from 1.5 s, in Ogg Opus. */
  const make = async (name: string, toneSec: number): Promise<string> => {
    const path = join(out, name);
    await runFfmpeg([
      '-f', 'lavfi', '-i', 'anoisesrc=duration=5:sample_rate=48000:amplitude=0.002:seed=7',
      '-f', 'lavfi', '-i', `sine=frequency=440:duration=${toneSec}:sample_rate=48000,adelay=1500`,
      '-filter_complex', '[0:a][1:a]amix=inputs=2:duration=first:normalize=0',
      '-c:a', 'libopus', '-b:a', '32k', '-y', path,
    ]);
    return path;
  };

  test('a 2 s tone is speech, once, where it is', async () => {
    const levels = asLevels(await decodeAudioLevels(await make('tone-2s.opus', 2)));
    const thresholds = resolveSpeechThresholds(levels, SPEECH_FROM_ENERGY);
    expect(thresholds.noiseFloorDb).toBeGreaterThan(-72);
    expect(thresholds.noiseFloorDb).toBeLessThan(-62);
    const speech = detectSpeech(levels, SPEECH_FROM_ENERGY);
    expect(speech).toHaveLength(1);
    expect(speech[0]!.startMs).toBeGreaterThanOrEqual(1460);
    expect(speech[0]!.startMs).toBeLessThanOrEqual(1540);
    expect(speech[0]!.endMs).toBeGreaterThanOrEqual(3460);
    expect(speech[0]!.endMs).toBeLessThanOrEqual(3540);
  });

  test('a 50 ms tone over the same noise is not', async () => {
    const levels = asLevels(await decodeAudioLevels(await make('tone-50ms.opus', 0.05)));
    expect(detectSpeech(levels, SPEECH_FROM_ENERGY)).toEqual([]);
  });
});
