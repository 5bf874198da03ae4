import { describe, expect, test } from 'vitest';
import { parseRecordingName } from './file-names.js';
import { groupRecordings, mergeIntervals, type RecordingInfo } from './group.js';

const T0 = 1_795_567_682_000_000;

const recording = (file: string, kind: RecordingInfo['kind'], startS: number, endS: number, extra: Partial<RecordingInfo> = {}): RecordingInfo => ({
  file,
  name: parseRecordingName(file),
  kind,
  codec: kind === 'video' ? 'vp8' : kind === 'audio' ? 'opus' : 'text',
  description: null,
  startUs: T0 + startS * 1e6,
  endUs: T0 + endS * 1e6,
  width: kind === 'video' ? 640 : null,
  height: kind === 'video' ? 360 : null,
  hasAudioLevel: false,
  ...extra,
});

describe('groupRecordings', () => {
  test('one VideoRoom meeting: participants by user id, each with its tracks and presence on the session timeline', () => {
    const [session, ...rest] = groupRecordings([
      recording('videoroom-1234-user-1-1795567682000100-audio-0.mjr', 'audio', 0, 20),
      recording('videoroom-1234-user-1-1795567682000200-video-1.mjr', 'video', 0.03, 20),
      recording('videoroom-1234-user-2-1795567685000000-audio-0.mjr', 'audio', 3, 14),
      recording('videoroom-1234-user-2-1795567685000000-video-1.mjr', 'video', 3, 14),
    ]);
    expect(rest).toEqual([]);
    expect(session).toMatchObject({ plugin: 'videoroom', room: '1234', originUs: T0, durationMs: 20_000, id: 'videoroom-1234-1795567682' });
    expect(session!.participants.map((participant) => [participant.id, participant.tracks.length, participant.presence])).toEqual([
      ['1', 2, [{ startMs: 0, endMs: 20_000 }]],
      ['2', 2, [{ startMs: 3000, endMs: 14_000 }]],
    ]);
  });

  test('a participant who left and came back is one participant with two presence intervals', () => {
    const [session] = groupRecordings([
      recording('videoroom-9-user-7-1795567682000000-audio-0.mjr', 'audio', 0, 60),
      recording('videoroom-9-user-8-1795567682000000-audio-0.mjr', 'audio', 5, 20),
      recording('videoroom-9-user-8-1795567712000000-audio-0.mjr', 'audio', 30, 50),
    ]);
    const returning = session!.participants.find((participant) => participant.id === '8')!;
    expect(returning.tracks).toHaveLength(2);
    expect(returning.presence).toEqual([
      { startMs: 5000, endMs: 20_000 },
      { startMs: 30_000, endMs: 50_000 },
    ]);
  });

  test('the same room hours later is another session', () => {
    const sessions = groupRecordings([
      recording('videoroom-5-user-1-1795567682000000-audio-0.mjr', 'audio', 0, 600),
      recording('videoroom-5-user-1-1795578482000000-audio-0.mjr', 'audio', 3 * 3600, 3 * 3600 + 600),
    ]);
    expect(sessions.map((session) => session.durationMs)).toEqual([600_000, 600_000]);
  });

  test('files that follow no convention are grouped by time overlap', () => {
    const sessions = groupRecordings([
      recording('lecture-audio.mjr', 'audio', 0, 100),
      recording('lecture-video.mjr', 'video', 1, 100),
      recording('other.mjr', 'audio', 50, 80),
      recording('much-later.mjr', 'audio', 5000, 5100),
    ]);
    expect(sessions.map((session) => session.participants.map((participant) => participant.id))).toEqual([['lecture', 'other'], ['much-later']]);
    expect(sessions[0]!.participants[0]!.tracks.map((track) => track.kind)).toEqual(['audio', 'video']);
  });

  test('Record&Play: one session per recording, the .nfo name as display name', () => {
    const [session] = groupRecordings([
      recording('rec-4242-audio.mjr', 'audio', 0, 30, { displayName: 'Demo call' }),
      recording('rec-4242-video.mjr', 'video', 0, 30, { displayName: 'Demo call' }),
    ]);
    expect(session).toMatchObject({ plugin: 'recordplay', participants: [{ id: '4242', displayName: 'Demo call' }] });
  });

  test('SIP: the two legs of a call are two participants of one session', () => {
    const sessions = groupRecordings([
      recording('sip-alice-c4f1-1795567682000000-peer-audio.mjr', 'audio', 0, 30),
      recording('sip-alice-c4f1-1795567682000000-own-audio.mjr', 'audio', 0, 30),
    ]);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.participants.map((participant) => participant.id).sort()).toEqual(['alice-c4f1-own', 'alice-c4f1-peer']);
  });
});

describe('mergeIntervals', () => {
  test('merges overlapping and near intervals, in any order', () => {
    expect(mergeIntervals([{ startMs: 50, endMs: 60 }, { startMs: 0, endMs: 10 }, { startMs: 11, endMs: 20 }], 2)).toEqual([
      { startMs: 0, endMs: 20 },
      { startMs: 50, endMs: 60 },
    ]);
  });
});
