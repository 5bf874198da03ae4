import { describe, expect, test } from 'vitest';
import { parseHashToken } from './token';
import { pickUploadFiles } from './upload';

describe('parseHashToken', () => {
  test.each([
    ['#token=abc', 'abc'],
    ['#x=1&token=abc%2Bdef', 'abc+def'],
    ['#token=', null],
    ['', null],
  ])('%s → %s', (hash, expected) => {
    expect(parseHashToken(hash)).toBe(expected);
  });
});

describe('pickUploadFiles', () => {
  const named = (...names: string[]) => names.map((name) => ({ name }));
  test('recordings and their .nfo go; other files are ignored', () => {
    const { send, ignored } = pickUploadFiles(named('a-audio-0.mjr', 'a.nfo', 'notes.txt'));
    expect(send.map((file) => file.name)).toEqual(['a-audio-0.mjr', 'a.nfo']);
    expect(ignored.map((file) => file.name)).toEqual(['notes.txt']);
  });
  test('an archive goes alone', () => {
    expect(pickUploadFiles(named('x.mjr', 'meeting.tar.gz')).send.map((file) => file.name)).toEqual(['meeting.tar.gz']);
  });
});
