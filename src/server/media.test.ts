import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readlink, rename, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMediaToken, signMediaPath } from '../http/signing.js';
import { ENDED_PLAYLIST_CACHE_CONTROL, IMMUTABLE_CACHE_CONTROL, registerMediaRoutes, REVALIDATE_CACHE_CONTROL, SMALL_BODY_BYTES } from './media.js';

const SECRET = 'media-test-secret-0123456789abcdef';
const SESSION_ID = 'videoroom-1234-1700000000';
const BIG_BYTES = 3 * 1024 * 1024 + 17;

const nowSec = (): number => Math.floor(Date.now() / 1000);
const sign = (path: string, sessionId = SESSION_ID, expiresAtSec = nowSec() + 3600): string => signMediaPath({ sessionId, expiresAtSec, secret: SECRET, path });
const prefix = (): string => sign('x').slice(0, -'x'.length);

const CONFIGURATIONS = [
  { label: 'with the memory cache', memoryCache: undefined },
  { label: 'without the memory cache (descriptors only)', memoryCache: { maxBytes: 0, maxFileBytes: 0 } },
];

describe.each(CONFIGURATIONS)('media routes $label', ({ memoryCache }) => {
  let base: string;
  let root: string;
  let big: Buffer;
  let app: FastifyInstance;
  let port: number;

  /** One raw HTTP/1.1 exchange on its own socket: the request target goes out exactly as written. */
  const rawRequest = (target: string, method = 'GET', headers = ''): Promise<{ status: number; head: string; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('end', () => {
        const response = Buffer.concat(chunks);
        const headEnd = response.indexOf('\r\n\r\n');
        const head = response.subarray(0, headEnd).toString('latin1');
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), head, body: response.subarray(headEnd + 4) });
      });
      socket.write(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headers}\r\n`);
    });

  const errorCode = (body: string | Buffer): string => (JSON.parse(body.toString()) as { error: { code: string } }).error.code;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'reprise-media-'));
    root = join(base, 'session');
    const outside = join(base, 'outside');
    await mkdir(join(root, '720p'), { recursive: true });
    await mkdir(join(root, 'thumbs'));
    await mkdir(outside);
    big = randomBytes(BIG_BYTES);
    const files: Record<string, string | Buffer> = {
      'master.m3u8': '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000000\n720p/playlist.m3u8\n',
      '720p/playlist.m3u8': '#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4.0,\nseg-00001.m4s\n#EXT-X-ENDLIST\n',
      '720p/running.m3u8': '#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:4.0,\nseg-00001.m4s\n',
      '720p/init.mp4': randomBytes(700),
      '720p/seg-00001.m4s': randomBytes(5_000),
      '720p/seg-00002.m4s.tmp': 'in progress',
      '720p/playlist.m3u8.partial': 'in progress',
      '.secret': 'hidden',
      'thumbnails.vtt': 'WEBVTT\n',
      'thumbs/0001.jpg': randomBytes(300),
      'session.json': '{}',
      'meeting.mp4': big,
    };
    for (const [name, content] of Object.entries(files)) {
      await writeFile(join(root, name), content);
    }
    await writeFile(join(outside, 'secret.m4s'), 'outside the root');
    await symlink(join(outside, 'secret.m4s'), join(root, 'escape.m4s'));
    await symlink(outside, join(root, 'outdir'));
    await symlink(join(root, '720p', 'seg-00001.m4s'), join(root, 'alias.m4s'));
    app = Fastify();
    registerMediaRoutes(app, { resolveSessionRoot: async (id) => (id === SESSION_ID ? root : null), secret: SECRET, memoryCache });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });

  afterAll(async () => {
    await app?.close();
    await rm(base, { recursive: true, force: true });
  });

  describe('signatures', () => {
    test('a signed URL is served', async () => {
      const response = await app.inject({ url: sign('720p/seg-00001.m4s') });
      expect(response.statusCode).toBe(200);
      expect(response.rawPayload.length).toBe(5_000);
    });

    test.each([
      ['expired', () => sign('master.m3u8', SESSION_ID, nowSec() - 1), 'MEDIA_SIGNATURE_EXPIRED'],
      ['signed for another session', () => sign('master.m3u8', 'videoroom-1234-1700000001').replace('1700000001', '1700000000'), 'MEDIA_SIGNATURE_INVALID'],
      ['tampered expiry', () => sign('master.m3u8').replace(/\/(\d+)\./, (_, digits: string) => `/${Number(digits) + 1}.`), 'MEDIA_SIGNATURE_INVALID'],
      ['tampered signature', () => sign('master.m3u8').replace(/\.([A-Za-z0-9_-])/, (_, char: string) => `.${char === 'A' ? 'B' : 'A'}`), 'MEDIA_SIGNATURE_INVALID'],
      ['no token', () => `/media/${SESSION_ID}/nothing/master.m3u8`, 'MEDIA_SIGNATURE_INVALID'],
    ])('%s → 403', async (_name, url, code) => {
      const response = await app.inject({ url: url() });
      expect(response.statusCode).toBe(403);
      expect(errorCode(response.body)).toBe(code);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['access-control-allow-origin']).toBe('*');
    });

    test('a validly signed unknown session → 404', async () => {
      const response = await app.inject({ url: sign('master.m3u8', 'videoroom-9-1') });
      expect(response.statusCode).toBe(404);
      expect(JSON.parse(response.body)).toEqual({ error: { code: 'MEDIA_NOT_FOUND', message: 'no such session' } });
    });

    test('the signature is checked before the path', async () => {
      const response = await rawRequest(`/media/${SESSION_ID}/1.AAAA/../../etc/passwd`);
      expect(response.status).toBe(403);
      expect(errorCode(response.body)).toBe('MEDIA_SIGNATURE_INVALID');
    });
  });

  describe('path traversal, over a real socket (no client normalisation)', () => {
    test.each([
      ['../outside/secret.m4s', 403, 'MEDIA_FORBIDDEN'],
      ['720p/../../outside/secret.m4s', 403, 'MEDIA_FORBIDDEN'],
      ['%2e%2e/outside/secret.m4s', 403, 'MEDIA_FORBIDDEN'],
      ['%2E%2E/outside/secret.m4s', 403, 'MEDIA_FORBIDDEN'],
      ['%2E./outside/secret.m4s', 403, 'MEDIA_FORBIDDEN'],
      ['.%2e/outside/secret.m4s', 403, 'MEDIA_FORBIDDEN'],
      ['./master.m3u8', 403, 'MEDIA_FORBIDDEN'],
      ['%252e%252e/outside/secret.m4s', 403, 'MEDIA_FORBIDDEN'],
      ['..%2foutside%2fsecret.m4s', 403, 'MEDIA_FORBIDDEN'],
      ['%2f{BASE_ENCODED}%2foutside%2fsecret.m4s', 403, 'MEDIA_FORBIDDEN'],
      ['..\\outside\\secret.m4s', 403, 'MEDIA_FORBIDDEN'],
      ['..%5coutside%5csecret.m4s', 403, 'MEDIA_FORBIDDEN'],
      ['master.m3u8%00.jpg', 403, 'MEDIA_FORBIDDEN'],
      ['/{BASE}/outside/secret.m4s', 403, 'MEDIA_FORBIDDEN'],
      ['720p//seg-00001.m4s', 403, 'MEDIA_FORBIDDEN'],
      ['escape.m4s', 403, 'MEDIA_FORBIDDEN'],
      ['outdir/secret.m4s', 403, 'MEDIA_FORBIDDEN'],
      ['thumbs/', 403, 'MEDIA_FORBIDDEN'],
    ])('%s → %i', async (pathTemplate, status, code) => {
      // {BASE} is the temp folder without its leading slash (known only once beforeAll ran).
      const path = pathTemplate.replace('{BASE_ENCODED}', base.slice(1).replaceAll('/', '%2f')).replace('{BASE}', base.slice(1));
      const response = await rawRequest(`${prefix()}${path}`);
      expect(response.status).toBe(status);
      expect(errorCode(response.body)).toBe(code);
      expect(response.body.toString()).not.toContain('outside the root');
    });

    test('an undecodable path → 400 (the router refuses it before our handler: FST_ERR_BAD_URL)', async () => {
      const response = await rawRequest(`${prefix()}%zz`);
      expect(response.status).toBe(400);
    });

    test('a symlink that stays inside the root is served', async () => {
      const response = await rawRequest(`${prefix()}alias.m4s`);
      expect(response.status).toBe(200);
      expect(response.body.length).toBe(5_000);
    });
  });

  describe('unpublished and missing files', () => {
    test.each(['720p/seg-00002.m4s.tmp', '720p/playlist.m3u8.partial', '.secret', 'nothing.m4s', '720p', ''])('%j → 404', async (path) => {
      const response = await rawRequest(`${prefix()}${path}`);
      expect(response.status).toBe(404);
      expect(errorCode(response.body)).toBe('MEDIA_NOT_FOUND');
    });
  });

  describe('headers', () => {
    test.each([
      ['master.m3u8', 'application/vnd.apple.mpegurl', REVALIDATE_CACHE_CONTROL],
      ['720p/running.m3u8', 'application/vnd.apple.mpegurl', REVALIDATE_CACHE_CONTROL],
      ['720p/playlist.m3u8', 'application/vnd.apple.mpegurl', ENDED_PLAYLIST_CACHE_CONTROL],
      ['720p/init.mp4', 'video/mp4', IMMUTABLE_CACHE_CONTROL],
      ['720p/seg-00001.m4s', 'video/iso.segment', IMMUTABLE_CACHE_CONTROL],
      ['thumbs/0001.jpg', 'image/jpeg', IMMUTABLE_CACHE_CONTROL],
      ['meeting.mp4', 'video/mp4', IMMUTABLE_CACHE_CONTROL],
      ['thumbnails.vtt', 'text/vtt; charset=utf-8', REVALIDATE_CACHE_CONTROL],
      ['session.json', 'application/json; charset=utf-8', REVALIDATE_CACHE_CONTROL],
    ])('%s: %s, %s', async (path, contentType, cacheControl) => {
      const response = await app.inject({ url: sign(path) });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe(contentType);
      expect(response.headers['cache-control']).toBe(cacheControl);
      expect(response.headers['accept-ranges']).toBe('bytes');
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.headers['access-control-expose-headers']).toBe('Content-Range, Content-Length, Accept-Ranges, ETag');
    });

    test('304 carries the validators and Cache-Control, no content', async () => {
      const url = sign('720p/playlist.m3u8');
      const first = await app.inject({ url });
      const second = await app.inject({ url, headers: { 'if-none-match': String(first.headers['etag']) } });
      expect(second.statusCode).toBe(304);
      expect(second.headers['etag']).toBe(first.headers['etag']);
      expect(second.headers['cache-control']).toBe(ENDED_PLAYLIST_CACHE_CONTROL);
      expect(second.headers['content-length']).toBeUndefined();
      expect(second.rawPayload.length).toBe(0);
    });

    test('HEAD: the same headers as GET, no content', async () => {
      const url = sign('720p/seg-00001.m4s');
      const [get, head] = await Promise.all([app.inject({ url }), app.inject({ method: 'HEAD', url })]);
      expect(head.statusCode).toBe(200);
      const { date: _getDate, ...getHeaders } = get.headers;
      const { date: _headDate, ...headHeaders } = head.headers;
      expect(headHeaders).toEqual(getHeaders);
      expect(head.rawPayload.length).toBe(0);
    });

    test('a file replaced by rename gets a new ETag', async () => {
      const url = sign('session.json');
      const before = await app.inject({ url });
      await writeFile(join(root, 'session.json.tmp'), '{}');
      await rename(join(root, 'session.json.tmp'), join(root, 'session.json'));
      const after = await app.inject({ url, headers: { 'if-none-match': String(before.headers['etag']) } });
      expect(after.statusCode).toBe(200);
      expect(after.headers['etag']).not.toBe(before.headers['etag']);
    });

    test('the cacheControl option replaces the defaults', async () => {
      const custom = Fastify();
      const calls: string[] = [];
      registerMediaRoutes(custom, {
        resolveSessionRoot: async () => root,
        secret: SECRET,
        cacheControl: (relativePath, sessionRoot) => {
          calls.push(`${relativePath} in ${sessionRoot === root ? 'root' : sessionRoot}`);
          return 'private, max-age=5';
        },
      });
      const response = await custom.inject({ url: sign('720p/seg-00001.m4s') });
      expect(response.headers['cache-control']).toBe('private, max-age=5');
      expect(calls).toEqual(['720p/seg-00001.m4s in root']);
      await custom.close();
    });

    test('a short secret is refused at registration', () => {
      expect(() => registerMediaRoutes(Fastify(), { resolveSessionRoot: async () => root, secret: 'short' })).toThrow(/secret/);
    });
  });

  describe('CORS', () => {
    test('the preflight for Range → 204', async () => {
      const response = await app.inject({
        method: 'OPTIONS',
        url: sign('720p/seg-00001.m4s'),
        headers: { origin: 'https://player.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'range' },
      });
      expect(response.statusCode).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.headers['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS');
      expect(String(response.headers['access-control-allow-headers']).toLowerCase().split(', ')).toEqual(
        expect.arrayContaining(['range', 'if-range', 'if-none-match', 'if-modified-since']),
      );
      expect(response.headers['access-control-max-age']).toBe('86400');
      expect(response.headers['allow']).toBe('GET, HEAD, OPTIONS');
    });
  });

  describe('bodies over a real socket', () => {
    const url = (): string => sign('meeting.mp4');

    test(`a file larger than ${SMALL_BODY_BYTES} bytes streams whole`, async () => {
      const response = await rawRequest(url());
      expect(response.status).toBe(200);
      expect(response.body.equals(big)).toBe(true);
    });

    test('a large range streams', async () => {
      const response = await rawRequest(url(), 'GET', 'Range: bytes=100-2500000\r\n');
      expect(response.status).toBe(206);
      expect(response.head.toLowerCase()).toContain(`content-range: bytes 100-2500000/${BIG_BYTES}`);
      expect(response.body.equals(big.subarray(100, 2_500_001))).toBe(true);
    });

    test('multipart/byteranges: exact Content-Length and bytes', async () => {
      const response = await rawRequest(url(), 'GET', 'Range: bytes=0-9,1000000-1700000\r\n');
      expect(response.status).toBe(206);
      const length = Number(/content-length: (\d+)/i.exec(response.head)?.[1]);
      expect(response.body.length).toBe(length);
      const boundary = /boundary=(\w+)/.exec(response.head)![1]!;
      const text = response.body.toString('latin1');
      expect(text.startsWith(`\r\n--${boundary}\r\nContent-Type: video/mp4\r\nContent-Range: bytes 0-9/${BIG_BYTES}\r\n\r\n`)).toBe(true);
      expect(text.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true);
      const secondStart = response.body.indexOf(`Content-Range: bytes 1000000-1700000/${BIG_BYTES}\r\n\r\n`) + `Content-Range: bytes 1000000-1700000/${BIG_BYTES}\r\n\r\n`.length;
      expect(response.body.subarray(secondStart, secondStart + 700_001).equals(big.subarray(1_000_000, 1_700_001))).toBe(true);
    });

    const openDescriptorsOf = async (path: string): Promise<number> => {
      let count = 0;
      for (const fd of await readdir('/proc/self/fd')) {
        const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
        count += target === path ? 1 : 0;
      }
      return count;
    };

    test.runIf(process.platform === 'linux')('a client that disconnects mid-body leaves no open descriptor', async () => {
      // 64 MiB (sparse): more than the loopback socket buffers hold, so the server is mid-body while we stall.
      const path = join(root, 'huge.mp4');
      await writeFile(path, '');
      await truncate(path, 64 * 1024 * 1024);
      for (const range of ['', 'Range: bytes=0-9,100-60000000\r\n']) {
        const socket = connect(port, '127.0.0.1');
        await new Promise<void>((resolve, reject) => {
          socket.once('data', () => {
            socket.pause();
            resolve();
          });
          socket.on('error', reject);
          socket.write(`GET ${sign('huge.mp4')} HTTP/1.1\r\nHost: 127.0.0.1\r\n${range}\r\n`);
        });
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(await openDescriptorsOf(path)).toBe(1);
        socket.destroy();
        let open = 1;
        for (let attempt = 0; attempt < 100 && open > 0; attempt += 1) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          open = await openDescriptorsOf(path);
        }
        expect(open).toBe(0);
      }
    });

    test('tokens are per session: the same token fails on another session id', async () => {
      const token = createMediaToken({ sessionId: SESSION_ID, expiresAtSec: nowSec() + 60, secret: SECRET });
      const response = await rawRequest(`/media/videoroom-1234-1700000001/${token}/master.m3u8`);
      expect(response.status).toBe(403);
    });
  });
});
