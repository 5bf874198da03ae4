import { appendFileSync } from 'node:fs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { RecorderError } from './recorder-error.js';
import type { FakeMediaFiles } from './fake-media.js';
import type { Participant } from './scenario.js';
import { withTimeout } from './wait.js';

/** One headless Chromium publishing a participant's fake camera and microphone into a VideoRoom. */
export type PageEvent = { type: string; atMs: number; detail: unknown };

export type Publisher = {
  participant: Participant;
  join: (room: number) => Promise<{ id: number }>;
  publish: (withData: boolean) => Promise<void>;
  sendText: (text: string) => Promise<void>;
  unpublishAndLeave: () => Promise<void>;
  readEvents: () => Promise<PageEvent[]>;
  readStats: () => Promise<unknown>;
  close: () => Promise<void>;
};

export type PublisherOptions = {
  participant: Participant;
  media: FakeMediaFiles;
  userDataDir: string;
  pageUrl: string;
  janusApiUrl: string;
  logPath: string;
};

const STEP_TIMEOUT_MS = 20_000;

export const buildChromiumArgs = (media: FakeMediaFiles): string[] => [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  `--use-file-for-fake-video-capture=${media.videoPath}`,
  `--use-file-for-fake-audio-capture=${media.audioPath}`,
  // Plain host candidates (no mDNS names), which Janus can use directly.
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  // Keep timers and the capture pipeline running at full rate in a page nobody looks at.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

async function launchContext(options: PublisherOptions): Promise<BrowserContext> {
  try {
    return await chromium.launchPersistentContext(options.userDataDir, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: buildChromiumArgs(options.media),
      timeout: 30_000,
    });
  } catch (error) {
    throw new RecorderError('REC_BROWSER', `could not launch Chromium for ${options.participant.name}`, { cause: error });
  }
}

export async function launchPublisher(options: PublisherOptions): Promise<Publisher> {
  const { participant } = options;
  const log = (line: string): void => appendFileSync(options.logPath, `${new Date().toISOString()} ${line}\n`);
  const context = await launchContext(options);
  const page: Page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => log(`console.${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => log(`pageerror: ${error.message}`));

  const step = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    log(`step ${what}`);
    try {
      return await withTimeout(run(), STEP_TIMEOUT_MS, `${participant.name}: ${what}`);
    } catch (error) {
      log(`step ${what} failed: ${String(error)}`);
      throw error;
    }
  };

  await step('load page', () => page.goto(options.pageUrl, { waitUntil: 'load', timeout: STEP_TIMEOUT_MS }));
  await step('connect', () => page.evaluate((url) => (globalThis as unknown as PageGlobal).reprise.connect(url), options.janusApiUrl));
  await step('capture', () => page.evaluate(() => (globalThis as unknown as PageGlobal).reprise.capture()));

  return {
    participant,
    join: (room) =>
      step('join', () =>
        page.evaluate(({ room, id, display }) => (globalThis as unknown as PageGlobal).reprise.join(room, id, display), {
          room,
          id: participant.publisherId,
          display: participant.display,
        }),
      ),
    publish: (withData) => step('publish', () => page.evaluate((data) => (globalThis as unknown as PageGlobal).reprise.publish(data), withData)),
    sendText: (text) => step(`send "${text}"`, () => page.evaluate((value) => (globalThis as unknown as PageGlobal).reprise.sendText(value), text)),
    unpublishAndLeave: async () => {
      await step('unpublish', () => page.evaluate(() => (globalThis as unknown as PageGlobal).reprise.unpublish()));
      await step('leave', () => page.evaluate(() => (globalThis as unknown as PageGlobal).reprise.leave()));
    },
    readEvents: () => step('read events', () => page.evaluate(() => (globalThis as unknown as PageGlobal).reprise.events)),
    readStats: () => step('read stats', () => page.evaluate(() => (globalThis as unknown as PageGlobal).reprise.readStats())),
    close: async () => {
      log('close');
      await withTimeout(context.close(), 15_000, `${participant.name}: close browser`).catch((error: unknown) => log(`close failed: ${String(error)}`));
    },
  };
}

/** The API publisher-page.html puts on window. */
type PageApi = {
  events: PageEvent[];
  connect: (serverUrl: string) => Promise<void>;
  capture: () => Promise<void>;
  join: (room: number, publisherId: number, display: string) => Promise<{ id: number }>;
  publish: (withData: boolean) => Promise<void>;
  sendText: (text: string) => Promise<void>;
  unpublish: () => Promise<void>;
  leave: () => Promise<void>;
  readStats: () => Promise<unknown>;
};

/** What page.evaluate callbacks see as their global object (they run in the page, not in Node). */
type PageGlobal = { reprise: PageApi };
