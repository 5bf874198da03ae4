import type { RecordedFile } from './collect-recordings.js';
import { FAKE_AUDIO, FAKE_VIDEO } from './fake-media.js';
import type { RunObservation } from './meeting.js';
import type { RecordingPlan } from './scenario.js';

/** Builds the session.json that describes a recording run: the plan and what was observed (pure). */
export type SessionEnvironment = { janusVersion: string; chromiumVersion: string; publisherBitrateBps: number };

const stamp = (unixMs: number, t0Ms: number): { unixMs: number; iso: string; offsetMs: number } => ({
  unixMs,
  iso: new Date(unixMs).toISOString(),
  offsetMs: unixMs - t0Ms,
});

export function buildSession(plan: RecordingPlan, run: RunObservation, files: RecordedFile[], environment: SessionEnvironment): object {
  const { t0Ms } = run;
  return {
    generator: 'scripts/record-fixtures',
    note: 'Recorded by a real Janus VideoRoom from headless Chromium publishers with fake camera/microphone files. Offsets are ms from t0.',
    environment,
    room: plan.room,
    videoCodec: plan.videoCodec,
    fakeMedia: {
      video: { ...FAKE_VIDEO, sync: 'one fully white frame at each whole second of the fake file (frames 0, 30, 60, ...)' },
      audio: { ...FAKE_AUDIO, sync: 'a sine beep starting exactly at each whole second of the fake file' },
      caveat: 'Chromium starts the fake camera and microphone separately, so in a recording flash and beep may be offset by the capture start skew.',
    },
    t0: stamp(t0Ms, t0Ms),
    planned: { endAtMs: plan.endAtMs, dataIntervalMs: plan.dataIntervalMs },
    ended: stamp(run.endedAtMs, t0Ms),
    participants: plan.participants.map((participant) => {
      const observed = run.participants.find((entry) => entry.name === participant.name);
      return {
        name: participant.name,
        display: participant.display,
        publisherId: participant.publisherId,
        pitchHz: participant.pitchHz,
        planned: { joinAtMs: participant.joinAtMs, leaveAtMs: participant.leaveAtMs ?? plan.endAtMs, sendsData: participant.sendsData },
        observed:
          observed === undefined
            ? null
            : {
                joinRequested: stamp(observed.joinRequestedAtMs, t0Ms),
                joined: stamp(observed.joinedAtMs, t0Ms),
                published: stamp(observed.publishedAtMs, t0Ms),
                leaveRequested: stamp(observed.leaveRequestedAtMs, t0Ms),
                left: stamp(observed.leftAtMs, t0Ms),
                dataMessages: observed.dataMessages.map((message) => ({ text: message.text, sent: stamp(message.sentAtMs, t0Ms) })),
                senderStats: observed.senderStats,
                pageEvents: observed.pageEvents.map((event) => ({ type: event.type, offsetMs: event.atMs - t0Ms, detail: event.detail })),
              },
        files: files.filter((file) => file.publisherId === participant.publisherId).map((file) => file.name),
      };
    }),
    files,
  };
}
