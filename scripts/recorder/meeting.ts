import type { PageEvent, Publisher } from './publisher.js';
import type { Participant, RecordingPlan } from './scenario.js';
import { sleepUntil } from './wait.js';

/**
 * Plays a RecordingPlan: every publisher is launched (browser up, camera and microphone open)
 * before t0, then joins, publishes, sends data and leaves at its planned offset from t0.
 */
export type DataMessage = { text: string; sentAtMs: number };

export type ParticipantObservation = {
  name: string;
  publisherId: number;
  joinRequestedAtMs: number;
  joinedAtMs: number;
  publishedAtMs: number;
  leaveRequestedAtMs: number;
  leftAtMs: number;
  dataMessages: DataMessage[];
  senderStats: unknown;
  pageEvents: PageEvent[];
};

export type RunObservation = { t0Ms: number; endedAtMs: number; participants: ParticipantObservation[] };

export type LaunchPublisher = (participant: Participant) => Promise<Publisher>;

/** Lead time between the last browser being ready and t0. */
const T0_LEAD_MS = 500;

async function sendDataUntil(publisher: Publisher, intervalMs: number, stopAtMs: number, sent: DataMessage[]): Promise<void> {
  let nextAtMs = Date.now();
  while (nextAtMs < stopAtMs) {
    await sleepUntil(nextAtMs);
    const text = `hello ${sent.length + 1}`;
    await publisher.sendText(text);
    sent.push({ text, sentAtMs: Date.now() });
    nextAtMs += intervalMs;
  }
}

async function playParticipant(publisher: Publisher, plan: RecordingPlan, t0Ms: number): Promise<ParticipantObservation> {
  const { participant } = publisher;
  await sleepUntil(t0Ms + participant.joinAtMs);
  const joinRequestedAtMs = Date.now();
  const joined = await publisher.join(plan.room);
  const joinedAtMs = Date.now();
  await publisher.publish(participant.sendsData);
  const publishedAtMs = Date.now();
  const leaveAtMs = t0Ms + (participant.leaveAtMs ?? plan.endAtMs);
  const dataMessages: DataMessage[] = [];
  if (participant.sendsData) {
    await sendDataUntil(publisher, plan.dataIntervalMs, leaveAtMs - 500, dataMessages);
  }
  await sleepUntil(leaveAtMs);
  const senderStats = await publisher.readStats();
  const leaveRequestedAtMs = Date.now();
  await publisher.unpublishAndLeave();
  const leftAtMs = Date.now();
  return {
    name: participant.name,
    publisherId: joined.id,
    joinRequestedAtMs,
    joinedAtMs,
    publishedAtMs,
    leaveRequestedAtMs,
    leftAtMs,
    dataMessages,
    senderStats,
    pageEvents: await publisher.readEvents(),
  };
}

export async function runMeeting(plan: RecordingPlan, launch: LaunchPublisher): Promise<RunObservation> {
  const publishers: Publisher[] = [];
  try {
    // One at a time: three Chromium start-ups at once starve a 2-core machine.
    for (const participant of plan.participants) {
      publishers.push(await launch(participant));
    }
    const t0Ms = Date.now() + T0_LEAD_MS;
    const participants = await Promise.all(publishers.map((publisher) => playParticipant(publisher, plan, t0Ms)));
    return { t0Ms, endedAtMs: Date.now(), participants };
  } finally {
    for (const publisher of publishers) {
      await publisher.close();
    }
  }
}
