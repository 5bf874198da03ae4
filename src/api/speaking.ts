/**
 * Speaking activity for every participant of a session: from the RTP audio-level extension where the recording
 * has it (no decoding at all), else from the decoded audio's energy. Intervals with hysteresis (no flicker),
 * on the session timeline.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeAudioLevels } from '../ffmpeg/decode-audio.js';
import { readMjrRecordBatches } from '../mjr/index.js';
import { mergeIntervals } from '../sessions/group.js';
import type { Interval, SessionManifest } from '../sessions/manifest.js';
import { AudioLevelReader, detectSpeech, SPEECH_FROM_AUDIO_LEVEL, SPEECH_FROM_ENERGY, type LevelSample } from '../sessions/speaking.js';
import { isRepriseError } from '../shared/errors.js';
import { readFileChunks } from '../store/file-source.js';
import { convertFiles } from './convert.js';

/** Levels from the audio-level extension, on the session timeline; null when the track has none. */
const levelsFromExtension = async (path: string, originUs: number): Promise<LevelSample[] | null> => {
  let reader: AudioLevelReader | null = null;
  let offsetMs = 0;
  const levels: LevelSample[] = [];
  for await (const batch of readMjrRecordBatches(readFileChunks(path))) {
    for (const record of batch) {
      if (record.type === 'header') {
        reader = new AudioLevelReader(record.header);
        offsetMs = (record.header.firstPacketUs - originUs) / 1000;
        if (!reader.hasAudioLevel) {
          return null;
        }
      } else if (reader !== null) {
        for (const level of reader.add(record)) {
          levels.push({ ...level, timeMs: level.timeMs + offsetMs });
        }
      }
    }
  }
  for (const level of reader?.finish() ?? []) {
    levels.push({ ...level, timeMs: level.timeMs + offsetMs });
  }
  return levels;
};

/** Levels from decoded audio (RMS per 20 ms), on the session timeline. */
const levelsFromEnergy = async (path: string, originUs: number, workDir: string, signal?: AbortSignal): Promise<LevelSample[]> => {
  const decoded = join(workDir, `speech-${Math.random().toString(36).slice(2)}.ogg`);
  const report = await convertFiles({ inputs: [path], output: decoded, ...(signal === undefined ? {} : { signal }) });
  const offsetMs = (report.startUs - originUs) / 1000;
  const levels = await decodeAudioLevels(decoded, signal === undefined ? {} : { signal });
  return levels.map((level) => ({ timeMs: level.timeMs + offsetMs, levelDb: level.rmsDbfs }));
};

export const detectSpeaking = async (manifest: SessionManifest, folder: string, signal?: AbortSignal): Promise<SessionManifest> => {
  const workDir = await mkdtemp(join(tmpdir(), 'reprise-speech-'));
  try {
    const participants = [];
    for (const participant of manifest.participants) {
      const speaking: Interval[] = [];
      let source: SessionManifest['participants'][number]['speakingSource'] = null;
      for (const track of participant.tracks.filter((candidate) => candidate.kind === 'audio')) {
        const path = resolve(folder, track.file);
        try {
          const fromExtension = track.hasAudioLevel ? await levelsFromExtension(path, manifest.originUs) : null;
          if (fromExtension !== null && fromExtension.length > 0) {
            speaking.push(...detectSpeech(fromExtension, SPEECH_FROM_AUDIO_LEVEL));
            source = 'audio-level';
          } else {
            speaking.push(...detectSpeech(await levelsFromEnergy(path, manifest.originUs, workDir, signal), SPEECH_FROM_ENERGY));
            source ??= 'energy';
          }
        } catch (error) {
          // A track that cannot be decoded says nothing about speech; the session is still usable.
          if (!isRepriseError(error) || error.code.endsWith('CANCELLED')) {
            throw error;
          }
        }
      }
      const rounded = mergeIntervals(speaking, 0).map((interval) => ({ startMs: Math.round(interval.startMs), endMs: Math.round(interval.endMs) }));
      participants.push({ ...participant, speaking: rounded, speakingSource: source });
    }
    return { ...manifest, participants };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
};
