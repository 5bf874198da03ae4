import { describe, expect, test } from 'vitest';
import { parseNfo, parseRecordingName } from './file-names.js';

describe('parseRecordingName', () => {
  test.each([
    [
      'VideoRoom 1.x multistream (witnessed in nature: our fixtures)',
      'videoroom-1234-user-1001-1795567682235946-audio-0.mjr',
      { plugin: 'videoroom', room: '1234', user: '1001', nameTimeUs: 1795567682235946, kind: 'audio', mindex: 0 },
    ],
    [
      'VideoRoom with string ids that contain dashes (invented)',
      'videoroom-team-sync-user-ann-marie-1795567682235946-video-2.mjr',
      { plugin: 'videoroom', room: 'team-sync', user: 'ann-marie', kind: 'video', mindex: 2 },
    ],
    ['VideoRoom 0.x names without m-line index', 'videoroom-42-user-7-1500000000000000-data.mjr', { plugin: 'videoroom', room: '42', user: '7', kind: 'data', mindex: null }],
    ['Record&Play', 'rec-8812636311-video.mjr', { plugin: 'recordplay', user: '8812636311', kind: 'video' }],
    ['EchoTest', 'echotest-140235551-1795567682235946-audio.mjr', { plugin: 'echotest', user: '140235551', kind: 'audio' }],
    ['SIP legs become two participants', 'sip-alice-3f2a-1795567682235946-peer-audio.mjr', { plugin: 'sip', user: 'alice-3f2a-peer', leg: 'peer', kind: 'audio' }],
    ['AudioBridge per-participant recording', 'audiobridge-5-user-9-1795567682235946-audio.mjr', { plugin: 'audiobridge', room: '5', user: '9', kind: 'audio' }],
    ['a custom base name', 'lesson-3-audio-0.mjr', { plugin: 'unknown', base: 'lesson-3', kind: 'audio', mindex: 0 }],
    ['no convention at all', 'whatever.mjr', { plugin: 'unknown', kind: null, base: 'whatever' }],
  ])('%s', (_name, fileName, expected) => {
    expect(parseRecordingName(fileName)).toMatchObject(expected);
  });

  test('audio and video of one VideoRoom publisher share a base up to the timestamp', () => {
    const audio = parseRecordingName('videoroom-1234-user-1001-1795567682235946-audio-0.mjr');
    expect(audio.base).toBe('videoroom-1234-user-1001-1795567682235946');
  });
});

describe('parseNfo', () => {
  test('reads a Record&Play .nfo with CRLF line endings', () => {
    const text = '[8812636311]\r\nname = Demo call\r\ndate = 2026-11-25 00:48:02\r\naudio = rec-8812636311-audio.mjr\r\nvideo = rec-8812636311-video.mjr\r\n';
    expect(parseNfo(text)).toEqual({
      id: '8812636311',
      name: 'Demo call',
      date: '2026-11-25 00:48:02',
      files: { audio: 'rec-8812636311-audio.mjr', video: 'rec-8812636311-video.mjr' },
    });
  });

  test('no section header: not an .nfo', () => {
    expect(parseNfo('name = x')).toBeNull();
  });
});
