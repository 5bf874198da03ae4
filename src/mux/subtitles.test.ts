import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  buildSubtitleCues,
  decodeMessageText,
  formatWallClockUs,
  renderSrt,
  renderWebVtt,
  type DataChannelMessage,
  type TextDecodeStats,
} from './subtitles.js';

/** 2024-05-01T10:00:00Z in µs since the epoch. */
const T0 = Date.UTC(2024, 4, 1, 10, 0, 0) * 1000;
const at = (seconds: number, text: string): DataChannelMessage => ({ timeUs: T0 + Math.round(seconds * 1e6), text });

/** Invented chat: +0, +2.000 s, +4.5 s; the second message has a blank line and an arrow. */
const CHAT = [at(0, 'hello & welcome'), at(2, 'a\n\nb\nx --> y'), at(4.5, 'bye <3')];

const timingsOf = (messages: DataChannelMessage[], options = { startUs: T0 }): Array<[number, number]> =>
  buildSubtitleCues(messages, options).map((cue) => [cue.startMs, cue.endMs]);

describe('buildSubtitleCues', () => {
  const cases = [
    { name: 'cues touch: each ends where the next starts; the last lasts 5 s', messages: CHAT, expected: [[0, 2000], [2000, 4500], [4500, 9500]] },
    { name: 'times are truncated to the millisecond', messages: [at(1.9999, 'x'), at(3.0004, 'y')], expected: [[1999, 3000], [3000, 8000]] },
    { name: 'messages before the start clamp to 0 (and the earlier one lasts 1 ms)', messages: [at(-5, 'early'), at(-1, 'earlier still'), at(1, 'x')], expected: [[0, 1], [0, 1000], [1000, 6000]] },
    { name: 'equal times get 1 ms instead of nothing', messages: [at(1, 'x'), at(1, 'y'), at(2, 'z')], expected: [[1000, 1001], [1000, 2000], [2000, 7000]] },
    { name: 'a message that is only blank lines gets no cue but ends the one before', messages: [at(1, 'x'), at(2, ' \n\r\n'), at(3, 'y')], expected: [[1000, 2000], [3000, 8000]] },
    { name: 'no messages, no cues', messages: [], expected: [] },
  ];
  test.each(cases)('$name', ({ messages, expected }) => {
    expect(timingsOf(messages)).toEqual(expected);
  });

  test('sorts by time, keeping arrival order for equal times', () => {
    const cues = buildSubtitleCues([at(3, 'c'), at(1, 'a1'), at(2, 'b'), at(1, 'a2')], { startUs: T0 });
    expect(cues.map((cue) => cue.lines.join())).toEqual(['a1', 'a2', 'b', 'c']);
  });

  test('lastCueMs sets the last cue and is never below 1 ms', () => {
    expect(timingsOf([at(1, 'x')], { startUs: T0, lastCueMs: 1500 } as { startUs: number })).toEqual([[1000, 2500]]);
    expect(buildSubtitleCues([at(1, 'x')], { startUs: T0, lastCueMs: 0 }).map((cue) => cue.endMs)).toEqual([1001]);
  });

  test('drops blank lines and normalizes CR and CRLF line ends', () => {
    expect(buildSubtitleCues([at(0, 'one\r\n\r\ntwo\rthree\n  \nfour')], { startUs: T0 })[0]?.lines).toEqual(['one', 'two', 'three', 'four']);
  });
});

describe('renderWebVtt', () => {
  test('golden: header, wall-clock NOTE, ISO 8601 identifiers, escaped text', () => {
    expect(renderWebVtt(CHAT, { startUs: T0 })).toBe(
      [
        'WEBVTT',
        '',
        'NOTE Wall-clock time of 00:00:00.000: 2024-05-01T10:00:00.000000Z. Cue identifiers are message arrival times.',
        '',
        '2024-05-01T10:00:00.000000Z',
        '00:00:00.000 --> 00:00:02.000',
        'hello &amp; welcome',
        '',
        '2024-05-01T10:00:02.000000Z',
        '00:00:02.000 --> 00:00:04.500',
        'a',
        'b',
        'x --&gt; y',
        '',
        '2024-05-01T10:00:04.500000Z',
        '00:00:04.500 --> 00:00:09.500',
        'bye &lt;3',
        '',
      ].join('\n'),
    );
  });

  test('repeated wall-clock times get unique identifiers; hours grow past 99', () => {
    const text = renderWebVtt([at(360_000, 'x'), at(360_000, 'y')], { startUs: T0 + 123_456 });
    expect(text).toContain('NOTE Wall-clock time of 00:00:00.000: 2024-05-01T10:00:00.123456Z.');
    expect(text).toContain('2024-05-05T14:00:00.000000Z\n99:59:59.876 --> 99:59:59.877\nx');
    expect(text).toContain('2024-05-05T14:00:00.000000Z #2\n99:59:59.876 --> 100:00:04.876\ny');
  });

  test('an empty message list is a valid file with only the header', () => {
    expect(renderWebVtt([], { startUs: T0 })).toMatch(/^WEBVTT\n\nNOTE [^\n]+\n$/);
  });
});

describe('renderSrt', () => {
  test('golden: numbered from 1, comma before milliseconds, LF, text as is but for blank lines and arrows', () => {
    expect(renderSrt(CHAT, { startUs: T0 })).toBe(
      [
        '1',
        '00:00:00,000 --> 00:00:02,000',
        'hello & welcome',
        '',
        '2',
        '00:00:02,000 --> 00:00:04,500',
        'a',
        'b',
        'x --\u200b> y',
        '',
        '3',
        '00:00:04,500 --> 00:00:09,500',
        'bye <3',
        '',
      ].join('\n'),
    );
  });

  test('an empty message list is an empty file', () => {
    expect(renderSrt([], { startUs: T0 })).toBe('');
  });
});

describe('formatWallClockUs', () => {
  const cases = [
    { name: 'microseconds survive', timeUs: T0 + 1_234_567, expected: '2024-05-01T10:00:01.234567Z' },
    { name: 'before 1970', timeUs: -1_500, expected: '1969-12-31T23:59:59.998500Z' },
    { name: 'outside the Date range', timeUs: 2 ** 63, expected: null },
  ];
  test.each(cases)('$name', ({ timeUs, expected }) => {
    expect(formatWallClockUs(timeUs)).toBe(expected);
  });
});

describe('decodeMessageText', () => {
  const cases = [
    { name: 'valid UTF-8', bytes: Buffer.from('héllo 👋'), expected: 'héllo 👋', invalid: 0 },
    { name: 'a lone continuation byte', bytes: Uint8Array.of(0x61, 0x80, 0x62), expected: 'a\ufffdb', invalid: 1 },
    { name: 'a truncated sequence', bytes: Uint8Array.of(0x61, 0xe2, 0x82), expected: 'a\ufffd', invalid: 1 },
    { name: 'an overlong encoding', bytes: Uint8Array.of(0xc0, 0xaf), expected: '\ufffd\ufffd', invalid: 1 },
  ];
  test.each(cases)('$name', ({ bytes, expected, invalid }) => {
    const stats: TextDecodeStats = { invalidUtf8: 0 };
    expect(decodeMessageText(bytes, stats)).toBe(expected);
    expect(stats.invalidUtf8).toBe(invalid);
  });
});

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;

describe.skipIf(!hasFfmpeg)('subtitles read by ffmpeg (needs an ffmpeg binary)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'reprise-subtitles-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** ffmpeg's SubRip rendering of what it parsed: [start, end, text] per cue. */
  const readCuesWithFfmpeg = (path: string): Array<[string, string, string]> => {
    // `-f null` alone has no subtitle encoder to pick ("Output file #0 does not contain any stream"): map and copy.
    const check = spawnSync('ffmpeg', ['-v', 'error', '-i', path, '-map', '0', '-c', 'copy', '-f', 'null', '-'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const result = spawnSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'srt', '-'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    // ffmpeg's SubRip muxer ends lines with CRLF.
    return result.stdout
      .replace(/\r\n/g, '\n')
      .trim()
      .split(/\n\n+/)
      .map((block) => {
        const [, timing = '', ...text] = block.split('\n');
        const [start = '', end = ''] = timing.split(' --> ');
        return [start, end, text.join('\n')];
      });
  };

  test.each([
    { format: 'vtt', render: renderWebVtt, arrow: 'x --> y' },
    { format: 'srt', render: renderSrt, arrow: 'x --\u200b> y' },
  ])('.$format: ffmpeg parses it silently, with exact cue times and whole texts', ({ format, render, arrow }) => {
    const path = join(folder, `chat.${format}`);
    writeFileSync(path, render(CHAT, { startUs: T0 }));
    expect(readCuesWithFfmpeg(path)).toEqual([
      ['00:00:00,000', '00:00:02,000', 'hello & welcome'],
      ['00:00:02,000', '00:00:04,500', `a\nb\n${arrow}`],
      ['00:00:04,500', '00:00:09,500', 'bye <3'],
    ]);
  });

  test('.srt: a message that looks like a cue stays inside its cue', () => {
    const path = join(folder, 'injection.srt');
    writeFileSync(path, renderSrt([at(0, 'one'), at(1, '7\n00:00:05,000 --> 00:00:06,000\nfake')], { startUs: T0 }));
    expect(readCuesWithFfmpeg(path).map(([start, , text]) => [start, text.replace(/\u200b/g, '')])).toEqual([
      ['00:00:00,000', 'one'],
      ['00:00:01,000', '7\n00:00:05,000 --> 00:00:06,000\nfake'],
    ]);
  });
});
