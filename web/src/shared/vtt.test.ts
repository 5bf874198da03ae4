import { describe, expect, test } from 'vitest';
import { parseVtt, parseVttTimestamp, vttTextToPlain } from './vtt';

describe('parseVttTimestamp', () => {
  test.each<[string, number | null]>([
    ['00:01.500', 1.5],
    ['01:02:03.004', 3723.004],
    ['100:00:00.000', 360_000],
    ['1:02.5', null],
    ['nonsense', null],
  ])('%s → %s', (text, expected) => {
    expect(parseVttTimestamp(text)).toBe(expected);
  });
});

describe('parseVtt', () => {
  test('cues with and without identifiers, settings ignored, notes kept, CRLF accepted', () => {
    const text = 'WEBVTT\r\n\r\nNOTE Wall-clock time of 00:00:00.000: 2026-11-25T00:48:02.280851Z.\r\n\r\nid-1\r\n00:00:00.000 --> 00:00:01.999 align:start\r\nhello 1\r\n\r\n00:00:02.000 --> 00:00:03.000\r\ntwo\r\nlines\r\n';
    expect(parseVtt(text)).toEqual({
      notes: ['Wall-clock time of 00:00:00.000: 2026-11-25T00:48:02.280851Z.'],
      cues: [
        { id: 'id-1', startSec: 0, endSec: 1.999, text: 'hello 1' },
        { id: null, startSec: 2, endSec: 3, text: 'two\nlines' },
      ],
    });
  });
  test('a block with a malformed timing line is skipped', () => {
    expect(parseVtt('WEBVTT\n\n00:00.000 --> soon\nlost\n\n00:01.000 --> 00:02.000\nkept').cues.map((cue) => cue.text)).toEqual(['kept']);
  });
});

describe('vttTextToPlain', () => {
  test('drops tags and decodes the escapes our server writes', () => {
    expect(vttTextToPlain('<v Bob>a &lt;b&gt; &amp; c</v>')).toBe('a <b> & c');
  });
});
