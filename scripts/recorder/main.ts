import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { collectRecordings, writeSessionJson, type RecordedFile } from './collect-recordings.js';
import { createFakeMedia, type FakeMediaFiles } from './fake-media.js';
import { startJanusServer, type JanusServer } from './janus-server.js';
import { runMeeting } from './meeting.js';
import { parseRecorderOptions, type RecorderOptions } from './options.js';
import { startPageServer } from './page-server.js';
import { launchPublisher } from './publisher.js';
import { RecorderError } from './recorder-error.js';
import { runProcess } from './run-process.js';
import { CODEC_PLANS, MEETING_PLAN, computeFakeMediaDurationSec, type Participant, type RecordingPlan } from './scenario.js';
import { buildSession, type SessionEnvironment } from './session.js';
import { delay } from './wait.js';

/**
 * Records real VideoRoom .mjr fixtures. Runs inside the private network namespace that
 * scripts/record-fixtures creates; starts Janus, a page server and one Chromium per publisher.
 */
type RunOutcome = { plan: RecordingPlan; outputDir: string; files: RecordedFile[] } | { plan: RecordingPlan; error: string };

/** Janus writes the last packets and closes a recorder when its publisher goes away. */
const RECORDER_CLOSE_WAIT_MS = 2_000;

const selectPlans = (runs: RecorderOptions['runs']): RecordingPlan[] =>
  runs === 'meeting' ? [MEETING_PLAN] : runs === 'codecs' ? CODEC_PLANS : [MEETING_PLAN, ...CODEC_PLANS];

const recordingsDirFor = (options: Pick<RecorderOptions, 'workDir' | 'recDir'>, plan: RecordingPlan): string =>
  options.recDir === null ? join(options.workDir, 'recordings', plan.folder || 'meeting') : join(options.recDir, plan.folder);

async function readEnvironment(publisherBitrateBps: number): Promise<SessionEnvironment> {
  const packageVersion = async (name: string): Promise<string> =>
    (await runProcess('dpkg-query', ['-W', '-f', '${Version}', name], { timeoutMs: 15_000 })).stdout.trim();
  return { janusVersion: await packageVersion('janus'), chromiumVersion: await packageVersion('chromium'), publisherBitrateBps };
}

async function createAllFakeMedia(plans: RecordingPlan[], mediaDir: string): Promise<Map<string, FakeMediaFiles>> {
  const durationSec = computeFakeMediaDurationSec(plans, 20_000);
  const participants = new Map<string, Participant>();
  for (const participant of plans.flatMap((plan) => plan.participants)) {
    participants.set(participant.name, participant);
  }
  const media = new Map<string, FakeMediaFiles>();
  for (const participant of participants.values()) {
    console.log(`fake media: ${participant.name} (${participant.pitchHz} Hz, ${durationSec} s)`);
    media.set(participant.name, await createFakeMedia(participant, durationSec, mediaDir));
  }
  return media;
}

async function recordPlan(
  plan: RecordingPlan,
  context: { options: RecorderOptions; janus: JanusServer; pageUrl: string; media: Map<string, FakeMediaFiles>; environment: SessionEnvironment },
): Promise<RunOutcome> {
  const { options } = context;
  const label = plan.folder || 'meeting';
  console.log(`run ${label}: room ${plan.room}, ${plan.videoCodec}, ${plan.participants.length} publisher(s), ${plan.endAtMs / 1000} s`);
  const observation = await runMeeting(plan, (participant) => {
    const media = context.media.get(participant.name);
    if (media === undefined) {
      throw new Error(`Internal error: no fake media for ${participant.name}`);
    }
    return launchPublisher({
      participant,
      media,
      userDataDir: join(options.workDir, 'profiles', `${label}-${participant.name}`),
      pageUrl: context.pageUrl,
      janusApiUrl: context.janus.apiUrl,
      logPath: join(options.workDir, 'logs', `${label}-${participant.name}.log`),
    });
  });
  await delay(RECORDER_CLOSE_WAIT_MS);
  const outputDir = join(options.outputDir, plan.folder);
  const files = await collectRecordings(recordingsDirFor(options, plan), outputDir);
  await writeSessionJson(outputDir, buildSession(plan, observation, files, context.environment));
  return { plan, outputDir, files };
}

function printOutcome(outcome: RunOutcome): void {
  const label = outcome.plan.folder || 'meeting';
  if ('error' in outcome) {
    console.log(`  ${label}: FAILED: ${outcome.error}`);
    return;
  }
  console.log(`  ${label}: ${outcome.outputDir}`);
  for (const file of outcome.files) {
    console.log(`    ${file.name}  ${file.bytes} bytes`);
  }
}

async function main(): Promise<void> {
  const options = parseRecorderOptions(process.argv.slice(2));
  options.outputDir = resolve(options.outputDir);
  const plans = selectPlans(options.runs);
  for (const folder of ['logs', 'media', 'profiles']) {
    await mkdir(join(options.workDir, folder), { recursive: true });
  }
  const environment = await readEnvironment(options.publisherBitrateBps);
  const media = await createAllFakeMedia(plans, join(options.workDir, 'media'));
  const janus = await startJanusServer({
    workDir: options.workDir,
    httpPort: options.httpPort,
    iceEnforce: options.iceEnforce,
    publisherBitrateBps: options.publisherBitrateBps,
    rooms: plans.map((plan) => ({ room: plan.room, videoCodec: plan.videoCodec, recordingsDir: recordingsDirFor(options, plan) })),
  });
  const pageServer = await startPageServer(options.pagePort);
  const outcomes: RunOutcome[] = [];
  try {
    for (const plan of plans) {
      try {
        outcomes.push(await recordPlan(plan, { options, janus, pageUrl: pageServer.url, media, environment }));
      } catch (error) {
        // The meeting is the point of the exercise; the codec runs are best effort.
        if (plan === MEETING_PLAN) {
          throw error;
        }
        outcomes.push({ plan, error: describeError(error) });
      }
    }
  } finally {
    await pageServer.close();
    await janus.stop();
  }
  console.log('recorded:');
  outcomes.forEach(printOutcome);
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const code = error instanceof RecorderError ? `${error.code}: ` : '';
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message.split('\n')[0]})` : '';
  return `${code}${error.message}${cause}`;
}

main().catch((error: unknown) => {
  console.error(`record-fixtures failed: ${describeError(error)}`);
  process.exitCode = 1;
});
