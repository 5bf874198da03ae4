import { describe, expect, test } from 'vitest';
import { contentTypeFor } from './content-type.js';
import { formatHttpDate, formatStrongEtag, parseEntityTag, parseEtagList, parseHttpDate } from './validators.js';

const NOW_SEC = Date.UTC(2026, 0, 1) / 1000;

describe('HTTP-date (RFC 9110 §5.6.7)', () => {
  test('IMF-fixdate round trip, sub-seconds dropped', () => {
    expect(formatHttpDate(784111777.9)).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT', NOW_SEC)).toBe(784111777);
  });

  const cases: Array<{ value: string; expected: number | null }> = [
    { value: 'Sun, 06 Nov 1994 08:49:37 GMT', expected: 784111777 },
    { value: 'Sunday, 06-Nov-94 08:49:37 GMT', expected: 784111777 },
    { value: 'Sun Nov  6 08:49:37 1994', expected: 784111777 },
    { value: 'Sun Nov 16 08:49:37 1994', expected: 784111777 + 10 * 86_400 },
    // Two-digit years more than 50 years ahead are in the past century.
    { value: 'Friday, 01-Jan-77 00:00:00 GMT', expected: Date.UTC(1977, 0, 1) / 1000 },
    { value: 'Monday, 01-Jan-35 00:00:00 GMT', expected: Date.UTC(2035, 0, 1) / 1000 },
    { value: 'Sun, 06 Nov 1994 08:49:37 UTC', expected: null },
    { value: 'sun, 06 nov 1994 08:49:37 GMT', expected: null },
    { value: 'Sun, 6 Nov 1994 08:49:37 GMT', expected: null },
    { value: 'Sun, 31 Feb 1994 08:49:37 GMT', expected: null },
    { value: 'Sun, 06 Nov 1994 24:00:00 GMT', expected: null },
    { value: '1994-11-06T08:49:37Z', expected: null },
    { value: '', expected: null },
  ];
  test.each(cases)('$value', ({ value, expected }) => {
    expect(parseHttpDate(value, NOW_SEC)).toBe(expected);
  });
});

describe('entity tags (RFC 9110 §8.8.3)', () => {
  test('our ETag is strong and changes with mtime, size and inode', () => {
    const tag = formatStrongEtag({ sizeBytes: 100_003, mtimeMs: 1_700_000_000_123.7, inode: 42 });
    expect(tag).toBe(`"${(1_700_000_000_123).toString(16)}-186a3-2a"`);
    expect(parseEntityTag(tag)?.weak).toBe(false);
    expect(formatStrongEtag({ sizeBytes: 100_003, mtimeMs: 1_700_000_000_123, inode: 43 })).not.toBe(tag);
  });

  test.each([
    { value: '*', expected: { kind: 'any' } },
    { value: '"a"', expected: { kind: 'tags', tags: [{ weak: false, opaque: 'a' }] } },
    { value: 'W/"a", "b"', expected: { kind: 'tags', tags: [{ weak: true, opaque: 'a' }, { weak: false, opaque: 'b' }] } },
    { value: ' , "a,b" ,,', expected: { kind: 'tags', tags: [{ weak: false, opaque: 'a,b' }] } },
    { value: '"a", bogus, "b"', expected: { kind: 'tags', tags: [{ weak: false, opaque: 'a' }] } },
    { value: '"unterminated', expected: { kind: 'tags', tags: [] } },
    { value: '"a b"', expected: { kind: 'tags', tags: [] } },
  ])('list $value', ({ value, expected }) => {
    expect(parseEtagList(value)).toEqual(expected);
  });

  test.each([
    ['"a"', { weak: false, opaque: 'a' }],
    ['W/"a"', { weak: true, opaque: 'a' }],
    ['"a", "b"', null],
    ['a', null],
    ['"a"x', null],
  ])('single %s', (value, expected) => {
    expect(parseEntityTag(value)).toEqual(expected);
  });
});

describe('content types', () => {
  test.each([
    ['master.m3u8', 'application/vnd.apple.mpegurl'],
    ['720p/seg-00001.m4s', 'video/iso.segment'],
    ['720p/init.mp4', 'video/mp4'],
    ['meeting.webm', 'video/webm'],
    ['thumbnails.vtt', 'text/vtt; charset=utf-8'],
    ['thumbs/0001.JPG', 'image/jpeg'],
    ['session.json', 'application/json; charset=utf-8'],
    ['alice.opus', 'audio/ogg'],
    ['alice.ogg', 'audio/ogg'],
    ['mix.wav', 'audio/wav'],
    ['chat.srt', 'application/x-subrip; charset=utf-8'],
    ['alice.mkv', 'video/x-matroska'],
    ['README', 'application/octet-stream'],
    ['dir.v2/README', 'application/octet-stream'],
  ])('%s → %s', (path, type) => {
    expect(contentTypeFor(path)).toBe(type);
  });
});
