import { describe, expect, test } from 'vitest';
import { actionForKey, isTypingTarget, stepRate } from './keyboard';

const key = (name: string, modifiers: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) => ({ key: name, altKey: false, ctrlKey: false, metaKey: false, ...modifiers });

describe('actionForKey', () => {
  test.each([
    [' ', { type: 'toggle-play' }],
    ['K', { type: 'toggle-play' }],
    ['j', { type: 'seek-by', deltaSec: -10 }],
    ['l', { type: 'seek-by', deltaSec: 10 }],
    ['ArrowLeft', { type: 'seek-by', deltaSec: -5 }],
    ['ArrowRight', { type: 'seek-by', deltaSec: 5 }],
    ['5', { type: 'seek-to-fraction', fraction: 0.5 }],
    ['End', { type: 'seek-to-fraction', fraction: 1 }],
    ['m', { type: 'toggle-mute' }],
    ['f', { type: 'toggle-fullscreen' }],
    ['c', { type: 'toggle-captions' }],
    ['>', { type: 'rate-step', direction: 1 }],
    [',', { type: 'frame-step', direction: -1 }],
    ['x', null],
  ])('%j', (name, expected) => {
    expect(actionForKey(key(name))).toEqual(expected);
  });
  test('browser shortcuts (Ctrl, Alt, Meta) are left to the browser', () => {
    expect(actionForKey(key('f', { ctrlKey: true }))).toBeNull();
    expect(actionForKey(key('ArrowLeft', { altKey: true }))).toBeNull();
  });
});

describe('stepRate', () => {
  test('walks the speed list and stops at its ends', () => {
    expect(stepRate(1, 1)).toBe(1.25);
    expect(stepRate(1, -1)).toBe(0.75);
    expect(stepRate(2, 1)).toBe(2);
    expect(stepRate(0.5, -1)).toBe(0.5);
    expect(stepRate(1.1, 1)).toBe(1.5);
  });
});

describe('isTypingTarget', () => {
  test('text fields keep their keys; sliders and buttons do not', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'search' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'TEXTAREA' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'INPUT', type: 'range' } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget({ tagName: 'BUTTON' } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
