import { describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { MANIFEST_VERSION, type SessionManifest } from '../src/sessions/manifest.js';

const REAL = join(import.meta.dirname, 'fixtures', 'real');

const run = async (...argv: string[]) => {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } });
  return { code, stdout, stderr };
};

describe('reprise sessions', () => {
  test('groups the real recordings: the meeting with its three participants, and the three codec rooms', async () => {
    const { code, stdout } = await run('sessions', REAL, '--json');
    expect(code).toBe(0);
    const { sessions, skipped } = JSON.parse(stdout) as { sessions: SessionManifest[]; skipped: unknown[] };
    expect(skipped).toEqual([]);
    expect(sessions.map((session) => [session.room, session.participants.length])).toEqual([
      ['1234', 3],
      ['1235', 1],
      ['1236', 1],
      ['1237', 1],
    ]);
    const meeting = sessions[0]!;
    expect(meeting.version).toBe(MANIFEST_VERSION);
    // As recorded (test/fixtures/real/session.json): joins at 0, 3 and 6 s; bob leaves at about 14 s.
    const starts = meeting.participants.map((participant) => Math.round(participant.presence[0]!.startMs / 1000));
    expect(starts).toEqual([0, 3, 6]);
    expect(Math.round(meeting.participants[1]!.presence[0]!.endMs / 1000)).toBe(14);
    expect(meeting.participants[0]!.tracks.map((track) => track.kind)).toEqual(['data', 'audio', 'video']);
    // The fixtures carry 50 ms beeps, not speech: no speaking intervals, found from the decoded energy.
    expect(meeting.participants.map((participant) => [participant.speakingSource, participant.speaking])).toEqual([
      ['energy', []],
      ['energy', []],
      ['energy', []],
    ]);
  });

  test('an empty recording is listed as skipped, with its reason', async () => {
    const { mkdtempSync, writeFileSync, copyFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const folder = mkdtempSync(join(tmpdir(), 'reprise-sessions-'));
    writeFileSync(join(folder, 'videoroom-1-user-2-1795567682000000-audio-0.mjr'), 'MJR00002');
    copyFileSync(join(REAL, 'videoroom-1234-user-1002-1795567685224971-audio-0.mjr'), join(folder, 'videoroom-1234-user-1002-1795567685224971-audio-0.mjr'));
    const { code, stdout } = await run('sessions', folder, '--no-speaking');
    expect(code).toBe(0);
    expect(stdout).toMatch(/skipped videoroom-1-user-2-1795567682000000-audio-0\.mjr: MJR_EMPTY/);
    expect(stdout).toMatch(/videoroom-1234-\d+ {2}videoroom room 1234/);
  });
});
