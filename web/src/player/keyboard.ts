/**
 * Player shortcuts (YouTube's, which users know): Space/K play-pause, J/L ∓10 s, ←/→ ∓5 s, ↑/↓ volume,
 * M mute, F fullscreen, C captions, P picture-in-picture, 0–9 jump to 0–90 %, Home/End, < / > speed,
 * , / . one frame while paused. Pure: a key → an action; use-player-keys.ts applies it.
 */
export type KeyAction =
  | { type: 'toggle-play' }
  | { type: 'seek-by'; deltaSec: number }
  | { type: 'seek-to-fraction'; fraction: number }
  | { type: 'volume-by'; delta: number }
  | { type: 'toggle-mute' }
  | { type: 'toggle-fullscreen' }
  | { type: 'toggle-captions' }
  | { type: 'toggle-pip' }
  | { type: 'rate-step'; direction: 1 | -1 }
  | { type: 'frame-step'; direction: 1 | -1 };

export type KeyInput = { key: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean };

export const SEEK_STEP_SEC = 5;
export const JUMP_STEP_SEC = 10;
export const PLAYBACK_RATES = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2] as const;

export const actionForKey = (input: KeyInput): KeyAction | null => {
  if (input.altKey || input.ctrlKey || input.metaKey) {
    return null;
  }
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key;
  if (/^[0-9]$/.test(key)) {
    return { type: 'seek-to-fraction', fraction: Number(key) / 10 };
  }
  switch (key) {
    case ' ':
    case 'k':
      return { type: 'toggle-play' };
    case 'ArrowLeft':
      return { type: 'seek-by', deltaSec: -SEEK_STEP_SEC };
    case 'ArrowRight':
      return { type: 'seek-by', deltaSec: SEEK_STEP_SEC };
    case 'j':
      return { type: 'seek-by', deltaSec: -JUMP_STEP_SEC };
    case 'l':
      return { type: 'seek-by', deltaSec: JUMP_STEP_SEC };
    case 'ArrowUp':
      return { type: 'volume-by', delta: 0.1 };
    case 'ArrowDown':
      return { type: 'volume-by', delta: -0.1 };
    case 'Home':
      return { type: 'seek-to-fraction', fraction: 0 };
    case 'End':
      return { type: 'seek-to-fraction', fraction: 1 };
    case 'm':
      return { type: 'toggle-mute' };
    case 'f':
      return { type: 'toggle-fullscreen' };
    case 'c':
      return { type: 'toggle-captions' };
    case 'p':
      return { type: 'toggle-pip' };
    case '<':
      return { type: 'rate-step', direction: -1 };
    case '>':
      return { type: 'rate-step', direction: 1 };
    case ',':
      return { type: 'frame-step', direction: -1 };
    case '.':
      return { type: 'frame-step', direction: 1 };
    default:
      return null;
  }
};

/** The next speed in PLAYBACK_RATES from `rate` (clamped at the ends). */
export const stepRate = (rate: number, direction: 1 | -1): number => {
  const index = PLAYBACK_RATES.findIndex((candidate) => candidate >= rate - 1e-9);
  const current = index < 0 ? PLAYBACK_RATES.length - 1 : index;
  const next = Math.min(PLAYBACK_RATES.length - 1, Math.max(0, current + direction));
  return PLAYBACK_RATES[next]!;
};

/** Keys typed into a form field belong to the field. */
export const isTypingTarget = (target: EventTarget | null): boolean => {
  const element = target as { tagName?: string; isContentEditable?: boolean; type?: string } | null;
  if (element === null || element.tagName === undefined) {
    return false;
  }
  if (element.isContentEditable === true || element.tagName === 'TEXTAREA' || element.tagName === 'SELECT') {
    return true;
  }
  return element.tagName === 'INPUT' && element.type !== 'range' && element.type !== 'checkbox' && element.type !== 'button';
};
