/** `reprise serve --http2`: cleartext HTTP/2 (h2c) answers the API, health and media origin. */
import { connect } from 'node:http2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from './support/serve.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ http: { host: '127.0.0.1', port: 0, http2: true }, worker: false });
});
afterAll(async () => {
  await service?.dispose();
});

const get = (path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const client = connect(service.url!);
    client.on('error', reject);
    const request = client.request({ ':path': path, ...headers });
    let status = 0;
    let body = '';
    request.on('response', (response) => (status = Number(response[':status'])));
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      client.close();
      resolve({ status, body });
    });
    request.on('error', reject);
    request.end();
  });

it('serves the API and health over h2c', async () => {
  expect((await get('/healthz')).status).toBe(200);
  expect((await get('/api/sessions')).status).toBe(401);
  const sessions = await get('/api/sessions', { authorization: `Bearer ${service.apiToken}` });
  expect(sessions.status).toBe(200);
  expect(JSON.parse(sessions.body)).toEqual({ total: 0, items: [] });
  expect((await get('/media/x/1.abc/hls/master.m3u8')).status).toBe(403);
});
