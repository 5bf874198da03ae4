/**
 * Gets a session's tracks ready for ffmpeg: each `.mjr` converted (streaming, no re-encoding) to a file ffmpeg
 * reads, with the exact wall-clock instant of its first frame, and each voice's loudness measured.
 */
import { join, resolve } from 'node:path';
import type { ComposeSource } from '../compose/filter-graph.js';
import { buildLoudnessArgs, gainForLoudness, parseIntegratedLoudness } from '../compose/loudness.js';
import { runFfmpeg } from '../ffmpeg/run.js';
import type { SessionManifest } from '../sessions/manifest.js';
import { isRepriseError } from '../shared/errors.js';
import { convertFiles } from './convert.js';

export type PreparedMedia = { inputs: string[]; sources: ComposeSource[]; skipped: Array<{ file: string; reason: string }> };

const EXTENSION_BY_CODEC: Record<string, string> = { vp8: 'webm', vp9: 'webm', av1: 'webm', h264: 'mkv', h265: 'mkv', opus: 'ogg' };

export const prepareMedia = async (manifest: SessionManifest, manifestFolder: string, workDir: string, signal?: AbortSignal): Promise<PreparedMedia> => {
  const inputs: string[] = [];
  const sources: ComposeSource[] = [];
  const skipped: PreparedMedia['skipped'] = [];
  let counter = 0;
  for (const participant of manifest.participants) {
    for (const track of participant.tracks) {
      if (track.kind === 'data') {
        continue;
      }
      const extension = EXTENSION_BY_CODEC[track.codec] ?? (track.kind === 'audio' ? 'wav' : 'mkv');
      const output = join(workDir, `track-${counter++}.${extension}`);
      try {
        const report = await convertFiles({ inputs: [resolve(manifestFolder, track.file)], output, ...(signal === undefined ? {} : { signal }) });
        const index = inputs.length;
        inputs.push(output);
        const source: ComposeSource = { index, participantId: participant.id, kind: track.kind, offsetMs: (report.startUs - manifest.originUs) / 1000, trackFile: track.file };
        if (track.kind === 'audio') {
          source.gainDb = await measureGainDb(output, signal);
        }
        sources.push(source);
      } catch (error) {
        if (!isRepriseError(error) || error.code === 'CONVERT_CANCELLED' || error.code === 'FFMPEG_CANCELLED') {
          throw error;
        }
        skipped.push({ file: track.file, reason: `${error.code}: ${error.message}` });
      }
    }
  }
  return { inputs, sources, skipped };
};

/** The gain that brings a voice to the common loudness; 0 dB when it cannot be measured (never fatal). */
const measureGainDb = async (file: string, signal?: AbortSignal): Promise<number> => {
  try {
    const { stderrTail } = await runFfmpeg(buildLoudnessArgs(file), signal === undefined ? {} : { signal });
    return gainForLoudness(parseIntegratedLoudness(stderrTail));
  } catch (error) {
    if (isRepriseError(error) && error.code === 'FFMPEG_EXIT') {
      return 0;
    }
    throw error;
  }
};
