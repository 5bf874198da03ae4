import { describe, expect, test } from 'vitest';
import { parseRoute, replayPath } from './routing';

describe('parseRoute', () => {
  test.each([
    ['/', '', { page: 'library' }],
    ['/sessions/videoroom-1234-1795567682', '', { page: 'replay', sessionId: 'videoroom-1234-1795567682', startSec: null }],
    ['/sessions/a%20b/', '?t=42', { page: 'replay', sessionId: 'a b', startSec: 42 }],
    ['/sessions/x', '?t=12.5', { page: 'replay', sessionId: 'x', startSec: 12.5 }],
    ['/sessions/x', '?t=-3', { page: 'replay', sessionId: 'x', startSec: null }],
    ['/elsewhere', '', { page: 'not-found' }],
  ])('%s%s', (pathname, search, expected) => {
    expect(parseRoute(pathname, search)).toEqual(expected);
  });
  test('share links carry whole seconds', () => {
    expect(replayPath('a b', 12.9)).toBe('/sessions/a%20b?t=12');
    expect(replayPath('x')).toBe('/sessions/x');
  });
});
