/**
 * The media origin against nginx 1.22 (`etag on`, `max_ranges 100`, defaults otherwise) on one table of
 * range and conditional requests, on the same files. reprise is driven through `app.inject()`, nginx
 * through `fetch`. For each case we compare status, Content-Range, Content-Length and the body bytes (for
 * multipart: each part's range and bytes, not the boundary); each side uses its own ETag, since the two
 * servers build them differently.
 *
 * Where nginx answers differently from RFC 9110, the case carries `nginx: { expect, rfc }`: each side is
 * checked against its own answer and the clause is named. Error bodies (412/416) are not compared: nginx
 * sends an HTML page, reprise no content.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatHttpDate } from '../src/http/validators.js';
import { signMediaPath } from '../src/http/signing.js';
import { registerMediaRoutes } from '../src/server/media.js';
import { hasNginx, startNginx, type NginxServer } from './support/nginx.js';

const SIZE_BYTES = 100_003;
const MTIME_SEC = Date.UTC(2024, 2, 5, 6, 7, 8) / 1000;
const SECRET = 'origin-nginx-test-secret-0123456789';
const SESSION_ID = 'videoroom-1234-1700000000';

type Validators = { etag: string; lastModified: string };

/** What a response must be: the status, and the bytes of the file it carries (by inclusive ranges). */
type Expected = { status: number; body: 'full' | 'none' | [number, number] | Array<[number, number]> };

type Case = {
  name: string;
  method?: 'GET' | 'HEAD';
  headers: (own: Validators) => Record<string, string>;
  /** The RFC 9110 answer; reprise must give it. */
  expect: Expected;
  /** Only where nginx deviates: its answer and the clause it departs from. */
  nginx?: { expect: Expected; rfc: string };
};

const PLAYLIST = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4.000000,\nseg-00001.m4s\n#EXT-X-ENDLIST\n';

const older = formatHttpDate(MTIME_SEC - 86_400);
const newer = formatHttpDate(MTIME_SEC + 86_400);
const range = (value: string) => (): Record<string, string> => ({ range: value });
const last = SIZE_BYTES - 1;

const CASES: Case[] = [
  { name: 'no Range', headers: () => ({}), expect: { status: 200, body: 'full' } },
  { name: 'bytes=0-0', headers: range('bytes=0-0'), expect: { status: 206, body: [0, 0] } },
  { name: 'bytes=0-499', headers: range('bytes=0-499'), expect: { status: 206, body: [0, 499] } },
  { name: 'bytes=500- (open)', headers: range('bytes=500-'), expect: { status: 206, body: [500, last] } },
  { name: 'bytes=-500 (suffix)', headers: range('bytes=-500'), expect: { status: 206, body: [SIZE_BYTES - 500, last] } },
  { name: 'bytes=-0 is unsatisfiable', headers: range('bytes=-0'), expect: { status: 416, body: 'none' } },
  { name: 'bytes=0- (the whole file as a range)', headers: range('bytes=0-'), expect: { status: 206, body: [0, last] } },
  { name: 'end past the length is clamped', headers: range('bytes=100000-200000'), expect: { status: 206, body: [100_000, last] } },
  { name: 'start == length is unsatisfiable', headers: range(`bytes=${SIZE_BYTES}-`), expect: { status: 416, body: 'none' } },
  { name: 'start > length is unsatisfiable', headers: range('bytes=200000-300000'), expect: { status: 416, body: 'none' } },
  {
    name: 'bytes=500-400 (last < first) is invalid: ignored',
    headers: range('bytes=500-400'),
    expect: { status: 200, body: 'full' },
    nginx: { expect: { status: 416, body: 'none' }, rfc: '§14.1.1 makes the set invalid; §15.5.17 keeps 416 for unsatisfiable or excessive sets' },
  },
  {
    name: 'bytes=abc is invalid: ignored',
    headers: range('bytes=abc'),
    expect: { status: 200, body: 'full' },
    nginx: { expect: { status: 416, body: 'none' }, rfc: '§14.2: an invalid ranges-specifier may be ignored; 416 (§15.5.17) claims it was unsatisfiable' },
  },
  { name: 'items=0-5 (unknown unit) is ignored', headers: range('items=0-5'), expect: { status: 200, body: 'full' } },
  { name: 'two ranges → multipart', headers: range('bytes=0-9,20-29'), expect: { status: 206, body: [[0, 9], [20, 29]] } },
  { name: 'two overlapping ranges are served as asked', headers: range('bytes=0-99,50-149'), expect: { status: 206, body: [[0, 99], [50, 149]] } },
  { name: 'bytes=0-9,-5 → multipart', headers: range('bytes=0-9,-5'), expect: { status: 206, body: [[0, 9], [SIZE_BYTES - 5, last]] } },
  { name: 'one satisfiable range of two → single part', headers: range('bytes=0-9,200000-'), expect: { status: 206, body: [0, 9] } },
  { name: 'ranges adding up to more than the file → 200', headers: range('bytes=0-,0-'), expect: { status: 200, body: 'full' } },
  {
    name: '101 ranges → 200 (max_ranges 100)',
    headers: range(`bytes=${Array.from({ length: 101 }, (_, i) => `${i * 10}-${i * 10 + 4}`).join(',')}`),
    expect: { status: 200, body: 'full' },
  },
  {
    name: 'three ranges overlapping each other → 200 (reprise guard)',
    headers: range('bytes=0-9,5-14,10-19'),
    expect: { status: 200, body: 'full' },
    nginx: { expect: { status: 206, body: [[0, 9], [5, 14], [10, 19]] }, rfc: '§14.2 allows ignoring "more than two overlapping ranges"; nginx only caps the total size' },
  },
  { name: 'If-Range: current ETag', headers: (own) => ({ range: 'bytes=0-99', 'if-range': own.etag }), expect: { status: 206, body: [0, 99] } },
  { name: 'If-Range: stale ETag', headers: () => ({ range: 'bytes=0-99', 'if-range': '"5e1b2c3d-186a3"' }), expect: { status: 200, body: 'full' } },
  { name: 'If-Range: weak ETag never matches', headers: (own) => ({ range: 'bytes=0-99', 'if-range': `W/${own.etag}` }), expect: { status: 200, body: 'full' } },
  { name: 'If-Range: the Last-Modified date', headers: (own) => ({ range: 'bytes=0-99', 'if-range': own.lastModified }), expect: { status: 206, body: [0, 99] } },
  { name: 'If-Range: an older date', headers: () => ({ range: 'bytes=0-99', 'if-range': older }), expect: { status: 200, body: 'full' } },
  { name: 'If-None-Match: current ETag → 304', headers: (own) => ({ 'if-none-match': own.etag }), expect: { status: 304, body: 'none' } },
  { name: 'If-None-Match: weak form of the current ETag → 304', headers: (own) => ({ 'if-none-match': `W/${own.etag}` }), expect: { status: 304, body: 'none' } },
  { name: 'If-None-Match: * → 304', headers: () => ({ 'if-none-match': '*' }), expect: { status: 304, body: 'none' } },
  { name: 'If-None-Match: stale ETag → 200', headers: () => ({ 'if-none-match': '"5e1b2c3d-186a3"' }), expect: { status: 200, body: 'full' } },
  { name: 'If-Modified-Since: equal → 304', headers: (own) => ({ 'if-modified-since': own.lastModified }), expect: { status: 304, body: 'none' } },
  { name: 'If-Modified-Since: older → 200', headers: () => ({ 'if-modified-since': older }), expect: { status: 200, body: 'full' } },
  {
    name: 'If-Modified-Since: newer → 304',
    headers: () => ({ 'if-modified-since': newer }),
    expect: { status: 304, body: 'none' },
    nginx: { expect: { status: 200, body: 'full' }, rfc: '§13.1.3 (false when Last-Modified ≤ date); nginx defaults to `if_modified_since exact`' },
  },
  { name: 'If-Modified-Since: invalid date is ignored', headers: () => ({ 'if-modified-since': 'yesterday' }), expect: { status: 200, body: 'full' } },
  {
    name: 'If-None-Match wins over If-Modified-Since',
    headers: (own) => ({ 'if-none-match': own.etag, 'if-modified-since': older }),
    expect: { status: 304, body: 'none' },
    nginx: { expect: { status: 200, body: 'full' }, rfc: '§13.1.3/§13.2.2 step 4: If-Modified-Since is ignored when If-None-Match is present' },
  },
  { name: 'If-Match: current ETag → 200', headers: (own) => ({ 'if-match': own.etag }), expect: { status: 200, body: 'full' } },
  { name: 'If-Match: stale ETag → 412', headers: () => ({ 'if-match': '"5e1b2c3d-186a3"' }), expect: { status: 412, body: 'none' } },
  { name: 'If-Unmodified-Since: older → 412', headers: () => ({ 'if-unmodified-since': older }), expect: { status: 412, body: 'none' } },
  {
    name: 'If-Unmodified-Since: invalid date is ignored',
    headers: () => ({ 'if-unmodified-since': 'not a date' }),
    expect: { status: 200, body: 'full' },
    nginx: { expect: { status: 412, body: 'none' }, rfc: '§13.1.4: a recipient MUST ignore an If-Unmodified-Since that is not a valid HTTP-date' },
  },
  {
    name: 'If-Match wins over If-Unmodified-Since',
    headers: (own) => ({ 'if-match': own.etag, 'if-unmodified-since': older }),
    expect: { status: 200, body: 'full' },
    nginx: { expect: { status: 412, body: 'none' }, rfc: '§13.1.4/§13.2.2 step 2: If-Unmodified-Since is evaluated only without If-Match' },
  },
  {
    name: 'HEAD with Range → 200 with the full length',
    method: 'HEAD',
    headers: range('bytes=0-499'),
    expect: { status: 200, body: 'none' },
    nginx: { expect: { status: 206, body: 'none' }, rfc: '§14.2: a server MUST ignore Range on methods other than GET' },
  },
];

type Observed = { status: number; headers: Record<string, string | undefined>; body: Buffer };

/** multipart/byteranges body → parts with their Content-Range and bytes. */
const parseMultipart = (contentType: string, body: Buffer): Array<{ contentRange: string; bytes: Buffer }> => {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  expect(boundary, `no boundary in ${contentType}`).toBeDefined();
  const delimiter = Buffer.from(`--${boundary!}`);
  const parts: Array<{ contentRange: string; bytes: Buffer }> = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const afterDelimiter = at + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') {
      break;
    }
    const headerEnd = body.indexOf('\r\n\r\n', afterDelimiter);
    const headerText = body.subarray(afterDelimiter, headerEnd).toString('latin1');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd);
    parts.push({ contentRange: /content-range: *([^\r\n]+)/i.exec(headerText)?.[1] ?? '', bytes: body.subarray(headerEnd + 4, next) });
    at = next + 2;
  }
  return parts;
};

describe('media origin vs nginx (RFC 9110 ranges and preconditions)', () => {
  let folder: string;
  let data: Buffer;
  let nginx: NginxServer;
  let app: FastifyInstance;
  /** The same routes with the memory cache off, so both ways of reading a file are held to the table. */
  let uncachedApp: FastifyInstance;
  let reprisePath: string;
  const own = { reprise: { etag: '', lastModified: '' }, nginx: { etag: '', lastModified: '' } };

  beforeAll(async () => {
    // The comparison is the point: without nginx the table fails rather than passing unchecked.
    if (!hasNginx()) {
      throw new Error('nginx is not installed: run the tests through scripts/test, or apt-get install nginx');
    }
    folder = await mkdtemp(join(tmpdir(), 'reprise-origin-'));
    data = randomBytes(SIZE_BYTES);
    await writeFile(join(folder, 'data.bin'), data);
    await utimes(join(folder, 'data.bin'), MTIME_SEC, MTIME_SEC);
    await writeFile(join(folder, 'playlist.m3u8'), PLAYLIST);
    await writeFile(join(folder, 'seg-00001.m4s'), randomBytes(4_321));
    nginx = await startNginx({ root: folder });
    app = Fastify();
    registerMediaRoutes(app, { resolveSessionRoot: async (id) => (id === SESSION_ID ? folder : null), secret: SECRET });
    await app.ready();
    uncachedApp = Fastify();
    registerMediaRoutes(uncachedApp, { resolveSessionRoot: async (id) => (id === SESSION_ID ? folder : null), secret: SECRET, memoryCache: { maxBytes: 0, maxFileBytes: 0 } });
    await uncachedApp.ready();
    reprisePath = signMediaPath({ sessionId: SESSION_ID, expiresAtSec: Math.floor(Date.now() / 1000) + 3600, secret: SECRET, path: 'data.bin' });
    const [mine, theirs] = await Promise.all([app.inject({ method: 'HEAD', url: reprisePath }), fetch(`${nginx.baseUrl}/data.bin`, { method: 'HEAD' })]);
    own.reprise = { etag: String(mine.headers['etag']), lastModified: String(mine.headers['last-modified']) };
    own.nginx = { etag: theirs.headers.get('etag') ?? '', lastModified: theirs.headers.get('last-modified') ?? '' };
  });

  afterAll(async () => {
    await app?.close();
    await uncachedApp?.close();
    await nginx?.stop();
    if (folder !== undefined) {
      await rm(folder, { recursive: true, force: true });
    }
  });

  const askReprise = async (testCase: Case, server = app): Promise<Observed> => {
    const response = await server.inject({ method: testCase.method ?? 'GET', url: reprisePath, headers: testCase.headers(own.reprise) });
    const headers = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, value === undefined ? undefined : String(value)]));
    return { status: response.statusCode, headers, body: response.rawPayload };
  };

  const askNginx = async (testCase: Case): Promise<Observed> => {
    // One connection per request: after a 412, nginx 1.22 closes the connection it has just announced as
    // keep-alive, and a pooled fetch would send the next request into the closed socket.
    const headers = { ...testCase.headers(own.nginx), connection: 'close' };
    const response = await fetch(`${nginx.baseUrl}/data.bin`, { method: testCase.method ?? 'GET', headers });
    const received: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      received[name] = value;
    });
    return { status: response.status, headers: received, body: Buffer.from(await response.arrayBuffer()) };
  };

  /** Checks one side against what it should answer, byte for byte. */
  const checkAgainst = (observed: Observed, expected: Expected, method: 'GET' | 'HEAD'): void => {
    expect(observed.status).toBe(expected.status);
    const { body } = expected;
    if (expected.status === 416) {
      expect(observed.headers['content-range']).toBe(`bytes */${SIZE_BYTES}`);
    }
    if (body === 'none') {
      if (method === 'HEAD' || expected.status === 304) {
        expect(observed.body.length).toBe(0);
      }
      return;
    }
    if (body === 'full') {
      expect(observed.headers['content-range']).toBeUndefined();
      expect(observed.headers['content-length']).toBe(String(SIZE_BYTES));
      expect(observed.body.equals(data)).toBe(true);
      return;
    }
    if (typeof body[0] === 'number') {
      const [first, lastByte] = body as [number, number];
      expect(observed.headers['content-range']).toBe(`bytes ${first}-${lastByte}/${SIZE_BYTES}`);
      expect(observed.headers['content-length']).toBe(String(lastByte - first + 1));
      expect(observed.body.equals(data.subarray(first, lastByte + 1))).toBe(true);
      return;
    }
    const ranges = body as Array<[number, number]>;
    expect(observed.headers['content-type']).toMatch(/^multipart\/byteranges; boundary=/);
    expect(observed.headers['content-length']).toBe(String(observed.body.length));
    const parts = parseMultipart(observed.headers['content-type']!, observed.body);
    expect(parts.map((part) => part.contentRange)).toEqual(ranges.map(([first, lastByte]) => `bytes ${first}-${lastByte}/${SIZE_BYTES}`));
    parts.forEach((part, index) => {
      const [first, lastByte] = ranges[index]!;
      expect(part.bytes.equals(data.subarray(first, lastByte + 1))).toBe(true);
    });
  };

  test.each(CASES)('$name', async (testCase) => {
    const [mine, uncached, theirs] = await Promise.all([askReprise(testCase), askReprise(testCase, uncachedApp), askNginx(testCase)]);
    const method = testCase.method ?? 'GET';
    checkAgainst(mine, testCase.expect, method);
    checkAgainst(uncached, testCase.expect, method);
    checkAgainst(theirs, testCase.nginx?.expect ?? testCase.expect, method);
    if (testCase.nginx === undefined && mine.status < 300) {
      // Same answer: the same framing too (multipart bodies differ only by their boundary strings).
      expect(mine.headers['content-range']).toBe(theirs.headers['content-range']);
      if (!String(mine.headers['content-type']).startsWith('multipart/')) {
        expect(mine.headers['content-length']).toBe(theirs.headers['content-length']);
        expect(mine.body.equals(theirs.body)).toBe(true);
      }
    }
  });

  test.each([
    ['playlist.m3u8', 'application/vnd.apple.mpegurl'],
    ['seg-00001.m4s', 'video/iso.segment'],
  ])('%s: same type, bytes and ranges as nginx', async (name, contentType) => {
    const url = signMediaPath({ sessionId: SESSION_ID, expiresAtSec: Math.floor(Date.now() / 1000) + 3600, secret: SECRET, path: name });
    const variants: Array<Record<string, string>> = [{}, { range: 'bytes=0-9' }, { range: 'bytes=-7' }];
    for (const headers of variants) {
      const mine = await app.inject({ url, headers });
      const theirs = await fetch(`${nginx.baseUrl}/${name}`, { headers: { ...headers, connection: 'close' } });
      const theirBody = Buffer.from(await theirs.arrayBuffer());
      expect(mine.statusCode).toBe(theirs.status);
      expect(mine.headers['content-type']).toBe(contentType);
      expect(theirs.headers.get('content-type')).toBe(contentType);
      expect(mine.headers['content-range']).toBe(theirs.headers.get('content-range') ?? undefined);
      expect(mine.headers['content-length']).toBe(theirs.headers.get('content-length'));
      expect(mine.rawPayload.equals(theirBody)).toBe(true);
    }
  });

  test('the validators agree where they should', () => {
    expect(own.reprise.lastModified).toBe(own.nginx.lastModified);
    expect(own.reprise.lastModified).toBe(formatHttpDate(MTIME_SEC));
    expect(own.reprise.etag).toMatch(/^"[0-9a-f]+-186a3-[0-9a-f]+"$/);
    expect(own.nginx.etag).toBe(`"${MTIME_SEC.toString(16)}-186a3"`);
  });
});
