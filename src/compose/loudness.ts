/**
 * Per-voice loudness matching (EBU R128): each participant's audio is measured once (ffmpeg's ebur128 filter)
 * and given the gain that brings it to a common target before mixing. Pure parts: reading the measurement,
 * choosing the gain.
 */

/** Speech target for each voice before mixing; the mix is then peak-limited. */
export const VOICE_TARGET_LUFS = -23;
const MAX_BOOST_DB = 12;
const MAX_CUT_DB = 20;
/** Quieter than this, the track is silence (or nearly): leave it alone rather than amplify noise. */
const SILENCE_LUFS = -60;

/** The integrated loudness from ebur128's summary ("I: -23.4 LUFS"), or null. */
export const parseIntegratedLoudness = (ffmpegStderr: string): number | null => {
  const summary = ffmpegStderr.lastIndexOf('Summary:');
  const match = /I:\s+(-?\d+(?:\.\d+)?|-inf)\s+LUFS/.exec(summary >= 0 ? ffmpegStderr.slice(summary) : ffmpegStderr);
  if (match === null || match[1] === '-inf') {
    return null;
  }
  return Number(match[1]);
};

export const gainForLoudness = (integratedLufs: number | null, targetLufs = VOICE_TARGET_LUFS): number => {
  if (integratedLufs === null || integratedLufs < SILENCE_LUFS) {
    return 0;
  }
  return Math.max(-MAX_CUT_DB, Math.min(MAX_BOOST_DB, targetLufs - integratedLufs));
};

export const buildLoudnessArgs = (file: string): string[] => ['-i', file, '-map', '0:a:0', '-af', 'ebur128', '-f', 'null', '-'];
