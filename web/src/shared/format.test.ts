import { describe, expect, test } from 'vitest';
import { formatBytes, formatClockSec, formatDurationMs, participantLabel } from './format';

describe('formats', () => {
  test.each<[number, string]>([
    [0, '0:00'],
    [75.4, '1:15'],
    [3675, '1:01:15'],
    [-3, '0:00'],
    [Number.NaN, '0:00'],
  ])('clock %s → %s', (timeSec, expected) => {
    expect(formatClockSec(timeSec)).toBe(expected);
  });
  test.each<[number, string]>([
    [21_969, '22 s'],
    [125_000, '2 min 5 s'],
    [120_000, '2 min'],
    [3_900_000, '1 h 5 min'],
  ])('duration %i ms → %s', (durationMs, expected) => {
    expect(formatDurationMs(durationMs)).toBe(expected);
  });
  test('bytes and labels', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MB');
    expect(participantLabel({ id: '1001', displayName: null })).toBe('Participant 1001');
    expect(participantLabel({ id: '1001', displayName: 'Alice' })).toBe('Alice');
  });
});
