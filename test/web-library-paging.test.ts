/** The library past its first page: 51 sessions in the catalog, 50 listed, "Show more" brings the last. */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scanSessions } from '../src/api/sessions.js';
import { launchChromium } from './support/browser.js';
import { startTestService, type TestService } from './support/serve.js';
import { buildWebPlayer } from './support/web-server.js';

const ROOT = resolve(import.meta.dirname, '..');
let service: TestService;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  buildWebPlayer();
  // No workers: the sessions are only catalogued (one real manifest, copied 51 times an hour apart).
  service = await startTestService({ worker: false, webRoot: join(ROOT, 'web', 'dist') });
  const folder = join(ROOT, 'test/fixtures/real/vp9');
  const [manifest] = (await scanSessions(folder)).sessions;
  for (let index = 0; index < 51; index += 1) {
    const originUs = manifest!.originUs + index * 3_600_000_000;
    await service.catalog.saveSession({ ...manifest!, id: `videoroom-1235-${Math.floor(originUs / 1e6)}`, originUs }, folder);
  }
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await service?.dispose();
});

it('lists the first 50 sessions and shows the rest on request', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${service.url}/#token=${service.apiToken}`);
  const cards = page.locator('[data-session-id]');
  await page.getByText('51 sessions').waitFor({ timeout: 15_000 });
  expect(await cards.count()).toBe(50);
  await page.getByRole('button', { name: 'Show more (1 more)' }).click();
  await page.waitForFunction('document.querySelectorAll("[data-session-id]").length === 51', undefined, { timeout: 15_000 });
  expect(await page.getByRole('button', { name: /Show more/ }).count()).toBe(0);
  await page.close();
}, 60_000);
