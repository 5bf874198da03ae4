import { describe, expect, test } from 'vitest';
import { parseMediaPath, type MediaPathRefusal } from './safe-path.js';

describe('parseMediaPath', () => {
  test.each([
    ['master.m3u8', ['master.m3u8']],
    ['720p/seg-00001.m4s', ['720p', 'seg-00001.m4s']],
    ['a%20b.mp4', ['a b.mp4']],
    ['caf%C3%A9.jpg', ['café.jpg']],
    ['v..2.mp4', ['v..2.mp4']],
    ['seg.tmp.m4s', ['seg.tmp.m4s']],
  ])('serves %s', (raw, segments) => {
    expect(parseMediaPath(raw)).toEqual({ ok: true, segments });
  });

  const refused: Array<[string, MediaPathRefusal]> = [
    ['', 'empty'],
    ['..', 'dot-segment'],
    ['../secret', 'dot-segment'],
    ['a/../../secret', 'dot-segment'],
    ['./a', 'dot-segment'],
    ['a/.', 'dot-segment'],
    ['%2e%2e/secret', 'dot-segment'],
    ['%2E%2E/secret', 'dot-segment'],
    ['%2E./secret', 'dot-segment'],
    ['.%2e/secret', 'dot-segment'],
    ['%2e/a', 'dot-segment'],
    ['%252e%252e/secret', 'double-encoding'],
    ['%252fetc', 'double-encoding'],
    ['..%2fsecret', 'slash'],
    ['%2fetc%2fpasswd', 'slash'],
    ['a%2F..%2F..%2Fb', 'slash'],
    ['..\\secret', 'backslash'],
    ['a\\b', 'backslash'],
    ['..%5csecret', 'backslash'],
    ['a%5Cb', 'backslash'],
    ['a%00.m4s', 'control'],
    ['a%0a.m4s', 'control'],
    ['/etc/passwd', 'empty-segment'],
    ['a//b', 'empty-segment'],
    ['a/', 'empty-segment'],
    ['%zz', 'encoding'],
    ['%C3%28', 'encoding'],
    ['%', 'encoding'],
    ['seg-00001.m4s.tmp', 'temporary'],
    ['720p/playlist.m3u8.TMP', 'temporary'],
    ['master.m3u8.partial', 'temporary'],
    ['.hidden', 'hidden'],
    ['720p/.master.m3u8.1234-abcd.partial', 'hidden'],
    ['%2Ehtaccess', 'hidden'],
    ['a/b/c/d/e/f/g/h/i', 'too-deep'],
  ];
  test.each(refused)('refuses %s (%s)', (raw, reason) => {
    expect(parseMediaPath(raw)).toEqual({ ok: false, reason });
  });
});
