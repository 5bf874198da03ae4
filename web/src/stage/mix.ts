/** Per-participant audio: the gain each voice gets from its volume, mute and solo settings. Pure. */

export type VoiceSettings = { volume: number; muted: boolean; solo: boolean };
export const DEFAULT_VOICE: VoiceSettings = { volume: 1, muted: false, solo: false };

/** When any voice is soloed only soloed voices sound; a muted voice never sounds; volume is linear 0–1. */
export const voiceGains = (voices: Readonly<Record<string, VoiceSettings>>): Record<string, number> => {
  const anySolo = Object.values(voices).some((voice) => voice.solo);
  return Object.fromEntries(
    Object.entries(voices).map(([id, voice]) => [id, voice.muted || (anySolo && !voice.solo) ? 0 : Math.min(1, Math.max(0, voice.volume))]),
  );
};
