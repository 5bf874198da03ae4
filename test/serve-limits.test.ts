/** Upload and request size limits of `reprise serve`: refused with a coded 413, nothing kept. */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from './support/serve.js';

const FIXTURES = resolve(import.meta.dirname, 'fixtures/real');
let service: TestService;

beforeAll(async () => {
  service = await startTestService({ worker: false, uploadLimits: { maxFileBytes: 100_000, maxTotalBytes: 150_000, maxFiles: 3 } });
});
afterAll(async () => {
  await service?.dispose();
});

const upload = async (files: Array<{ name: string; bytes: Uint8Array }>) => {
  const form = new FormData();
  for (const file of files) {
    form.append('files', new Blob([file.bytes]), file.name);
  }
  return service.api<{ error: { code: string } }>('/api/uploads', { method: 'POST', body: form });
};

it('refuses a file over the per-file limit, an upload over the total, and too many files; keeps nothing', async () => {
  const names = (await readdir(FIXTURES)).filter((name) => name.startsWith('videoroom-1234-') && name.endsWith('.mjr'));
  const video = names.find((name) => name.includes('-video-'))!;
  const big = await upload([{ name: video, bytes: await readFile(join(FIXTURES, video)) }]);
  expect(big.status).toBe(413);
  expect(big.body.error.code).toBe('UPLOAD_TOO_LARGE');
  const chunk = new Uint8Array(60_000);
  const total = await upload([1, 2, 3].map((index) => ({ name: `videoroom-9-user-${index}-1-audio-0.mjr`, bytes: chunk })));
  expect(total.status).toBe(413);
  const many = await upload([1, 2, 3, 4].map((index) => ({ name: `videoroom-9-user-${index}-1-audio-0.mjr`, bytes: new Uint8Array(10) })));
  expect(many.status).toBe(413);
  expect(await readdir(join(service.dataDir, 'uploads')).catch(() => [])).toEqual([]);
  expect((await service.api<{ total: number }>('/api/sessions')).body.total).toBe(0);
});

it('refuses a JSON body over the request limit', async () => {
  const response = await fetch(`${service.url}/api/sessions/x/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${service.apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024) }),
  });
  expect(response.status).toBe(413);
});
