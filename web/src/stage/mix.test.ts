import { describe, expect, test } from 'vitest';
import { DEFAULT_VOICE, voiceGains } from './mix';

describe('voiceGains', () => {
  test('volume as is; a muted voice is silent', () => {
    expect(voiceGains({ a: DEFAULT_VOICE, b: { ...DEFAULT_VOICE, volume: 0.4 }, c: { ...DEFAULT_VOICE, muted: true } })).toEqual({ a: 1, b: 0.4, c: 0 });
  });
  test('with a solo only soloed voices sound, at their volume; mute still wins', () => {
    expect(voiceGains({ a: { ...DEFAULT_VOICE, solo: true, volume: 0.5 }, b: DEFAULT_VOICE, c: { ...DEFAULT_VOICE, solo: true, muted: true } })).toEqual({ a: 0.5, b: 0, c: 0 });
  });
  test('volume is clamped to 0–1', () => {
    expect(voiceGains({ a: { ...DEFAULT_VOICE, volume: 3 }, b: { ...DEFAULT_VOICE, volume: -1 } })).toEqual({ a: 1, b: 0 });
  });
});
