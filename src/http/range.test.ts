import { describe, expect, test } from 'vitest';
import { MAX_RANGES, parseRangeHeader, planMultipart, planResponse, type ConditionalRequest, type RangeHeaderResult, type Representation } from './range.js';
import { formatHttpDate } from './validators.js';

const SIZE = 1_000;

describe('parseRangeHeader', () => {
  const cases: Array<{ name: string; header: string | undefined; size?: number; expected: RangeHeaderResult }> = [
    { name: 'absent', header: undefined, expected: { kind: 'ignored', reason: 'absent' } },
    { name: 'first-last', header: 'bytes=0-499', expected: { kind: 'ranges', ranges: [{ firstByte: 0, lastByte: 499 }] } },
    { name: 'one byte', header: 'bytes=0-0', expected: { kind: 'ranges', ranges: [{ firstByte: 0, lastByte: 0 }] } },
    { name: 'open-ended', header: 'bytes=500-', expected: { kind: 'ranges', ranges: [{ firstByte: 500, lastByte: 999 }] } },
    { name: 'suffix', header: 'bytes=-300', expected: { kind: 'ranges', ranges: [{ firstByte: 700, lastByte: 999 }] } },
    { name: 'suffix longer than the file is the whole file', header: 'bytes=-5000', expected: { kind: 'ranges', ranges: [{ firstByte: 0, lastByte: 999 }] } },
    { name: 'last past the end is clamped', header: 'bytes=900-5000', expected: { kind: 'ranges', ranges: [{ firstByte: 900, lastByte: 999 }] } },
    { name: 'a huge last-pos is clamped', header: 'bytes=0-99999999999999999999999', expected: { kind: 'ranges', ranges: [{ firstByte: 0, lastByte: 999 }] } },
    { name: 'unit is case-insensitive (§14.1)', header: 'Bytes=0-1', expected: { kind: 'ranges', ranges: [{ firstByte: 0, lastByte: 1 }] } },
    { name: 'OWS and empty list elements (§5.6.1)', header: 'bytes= 0-1 ,, 5-6 ', expected: { kind: 'ranges', ranges: [{ firstByte: 0, lastByte: 1 }, { firstByte: 5, lastByte: 6 }] } },
    { name: 'multiple ranges keep the order asked', header: 'bytes=20-29,0-9', expected: { kind: 'ranges', ranges: [{ firstByte: 20, lastByte: 29 }, { firstByte: 0, lastByte: 9 }] } },
    { name: 'two overlapping ranges are kept', header: 'bytes=0-99,50-149', expected: { kind: 'ranges', ranges: [{ firstByte: 0, lastByte: 99 }, { firstByte: 50, lastByte: 149 }] } },
    { name: 'unsatisfiable ranges are dropped from a set', header: 'bytes=0-9,5000-', expected: { kind: 'ranges', ranges: [{ firstByte: 0, lastByte: 9 }] } },
    { name: 'start == length', header: 'bytes=1000-', expected: { kind: 'unsatisfiable' } },
    { name: 'start > length', header: 'bytes=2000-3000', expected: { kind: 'unsatisfiable' } },
    { name: 'suffix of zero', header: 'bytes=-0', expected: { kind: 'unsatisfiable' } },
    { name: 'all unsatisfiable', header: 'bytes=1000-,-0', expected: { kind: 'unsatisfiable' } },
    { name: 'last < first is invalid', header: 'bytes=500-400', expected: { kind: 'ignored', reason: 'syntax' } },
    { name: 'not a number', header: 'bytes=abc', expected: { kind: 'ignored', reason: 'syntax' } },
    { name: 'negative first', header: 'bytes=--5', expected: { kind: 'ignored', reason: 'syntax' } },
    { name: 'one bad element spoils the set', header: 'bytes=0-9,x', expected: { kind: 'ignored', reason: 'syntax' } },
    { name: 'empty set', header: 'bytes=', expected: { kind: 'ignored', reason: 'syntax' } },
    { name: 'only commas', header: 'bytes=,,', expected: { kind: 'ignored', reason: 'syntax' } },
    { name: 'no equals sign', header: 'bytes', expected: { kind: 'ignored', reason: 'syntax' } },
    { name: 'other unit', header: 'items=0-5', expected: { kind: 'ignored', reason: 'unit' } },
    { name: 'unit with a space', header: 'bytes =0-5', expected: { kind: 'ignored', reason: 'unit' } },
    { name: 'zero-length representation', header: 'bytes=0-', size: 0, expected: { kind: 'ignored', reason: 'empty-representation' } },
    { name: 'sum beyond the length (overlap amplification)', header: 'bytes=0-,0-', expected: { kind: 'ignored', reason: 'exceeds-length' } },
    { name: 'three mutually overlapping ranges', header: 'bytes=0-9,5-14,10-19', expected: { kind: 'ignored', reason: 'overlap' } },
    { name: 'two separate overlapping pairs', header: 'bytes=0-9,5-14,100-109,105-114', expected: { kind: 'ignored', reason: 'overlap' } },
    { name: 'adjacent ranges do not overlap', header: 'bytes=0-9,10-19,20-29', expected: { kind: 'ranges', ranges: [{ firstByte: 0, lastByte: 9 }, { firstByte: 10, lastByte: 19 }, { firstByte: 20, lastByte: 29 }] } },
  ];
  test.each(cases)('$name: $header', ({ header, size, expected }) => {
    expect(parseRangeHeader(header, size ?? SIZE)).toEqual(expected);
  });

  test(`more than ${MAX_RANGES} ranges are ignored, ${MAX_RANGES} are served`, () => {
    const header = (count: number): string => `bytes=${Array.from({ length: count }, (_, index) => `${index * 5}-${index * 5 + 1}`).join(',')}`;
    expect(parseRangeHeader(header(MAX_RANGES + 1), 10_000)).toEqual({ kind: 'ignored', reason: 'too-many' });
    const served = parseRangeHeader(header(MAX_RANGES), 10_000);
    expect(served.kind === 'ranges' && served.ranges.length).toBe(MAX_RANGES);
  });
});

describe('planMultipart', () => {
  test('Content-Length is the exact body length, headers as nginx writes them', () => {
    const plan = planMultipart([{ firstByte: 0, lastByte: 9 }, { firstByte: 990, lastByte: 999 }], SIZE, 'video/mp4', 'b0undary');
    expect(plan.parts[0]!.header).toBe('\r\n--b0undary\r\nContent-Type: video/mp4\r\nContent-Range: bytes 0-9/1000\r\n\r\n');
    expect(plan.trailer).toBe('\r\n--b0undary--\r\n');
    const bodyLength = plan.parts.reduce((sum, part) => sum + part.header.length + part.range.lastByte - part.range.firstByte + 1, plan.trailer.length);
    expect(plan.totalBytes).toBe(bodyLength);
  });
});

describe('planResponse', () => {
  const MTIME_MS = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
  const LAST_MODIFIED = formatHttpDate(MTIME_MS / 1000);
  const NOW_MS = MTIME_MS + 60_000;
  const representation: Representation = { sizeBytes: SIZE, etag: '"abc-3e8-1"', mtimeMs: MTIME_MS, contentType: 'video/mp4' };
  const plan = (request: Omit<ConditionalRequest, 'method'> & { method?: string }, nowMs = NOW_MS) =>
    planResponse({ method: 'GET', ...request }, representation, nowMs, () => 'BOUNDARY');

  const cases: Array<{ name: string; request: Omit<ConditionalRequest, 'method'> & { method?: string }; status: number; contentRange?: string }> = [
    { name: 'plain GET', request: {}, status: 200 },
    { name: 'Range', request: { range: 'bytes=0-9' }, status: 206, contentRange: 'bytes 0-9/1000' },
    { name: 'unsatisfiable Range', request: { range: 'bytes=5000-' }, status: 416, contentRange: 'bytes */1000' },
    { name: 'HEAD ignores Range (§14.2)', request: { method: 'HEAD', range: 'bytes=0-9' }, status: 200 },
    { name: 'HEAD ignores an unsatisfiable Range', request: { method: 'HEAD', range: 'bytes=5000-' }, status: 200 },
    { name: 'If-Match *', request: { 'if-match': '*' }, status: 200 },
    { name: 'If-Match in a list', request: { 'if-match': '"x", "abc-3e8-1"' }, status: 200 },
    { name: 'If-Match weak never matches (strong comparison)', request: { 'if-match': 'W/"abc-3e8-1"' }, status: 412 },
    { name: 'If-Match fails before Range', request: { 'if-match': '"x"', range: 'bytes=0-9' }, status: 412 },
    { name: 'If-Match passes: If-Unmodified-Since is not looked at', request: { 'if-match': '"abc-3e8-1"', 'if-unmodified-since': formatHttpDate(0) }, status: 200 },
    { name: 'If-Unmodified-Since older', request: { 'if-unmodified-since': formatHttpDate(MTIME_MS / 1000 - 1) }, status: 412 },
    { name: 'If-Unmodified-Since equal (same second)', request: { 'if-unmodified-since': LAST_MODIFIED }, status: 200 },
    { name: 'If-Unmodified-Since invalid is ignored', request: { 'if-unmodified-since': 'soon' }, status: 200 },
    { name: 'If-None-Match weak comparison', request: { 'if-none-match': 'W/"abc-3e8-1"' }, status: 304 },
    { name: 'If-None-Match *', request: { 'if-none-match': '*' }, status: 304 },
    { name: 'If-None-Match other', request: { 'if-none-match': '"x"' }, status: 200 },
    { name: 'If-None-Match on HEAD', request: { method: 'HEAD', 'if-none-match': '"abc-3e8-1"' }, status: 304 },
    { name: 'If-None-Match mismatch: If-Modified-Since ignored', request: { 'if-none-match': '"x"', 'if-modified-since': LAST_MODIFIED }, status: 200 },
    { name: 'If-None-Match beats Range', request: { 'if-none-match': '"abc-3e8-1"', range: 'bytes=0-9' }, status: 304 },
    { name: 'If-Modified-Since equal', request: { 'if-modified-since': LAST_MODIFIED }, status: 304 },
    { name: 'If-Modified-Since newer', request: { 'if-modified-since': formatHttpDate(MTIME_MS / 1000 + 10) }, status: 304 },
    { name: 'If-Modified-Since older', request: { 'if-modified-since': formatHttpDate(MTIME_MS / 1000 - 10) }, status: 200 },
    { name: 'If-Modified-Since in RFC 850 form', request: { 'if-modified-since': 'Tuesday, 02-Jan-24 03:04:05 GMT' }, status: 304 },
    { name: 'If-Modified-Since in asctime form', request: { 'if-modified-since': 'Tue Jan  2 03:04:05 2024' }, status: 304 },
    { name: 'If-Range strong ETag', request: { 'if-range': '"abc-3e8-1"', range: 'bytes=0-9' }, status: 206, contentRange: 'bytes 0-9/1000' },
    { name: 'If-Range weak ETag', request: { 'if-range': 'W/"abc-3e8-1"', range: 'bytes=0-9' }, status: 200 },
    { name: 'If-Range stale ETag', request: { 'if-range': '"x"', range: 'bytes=0-9' }, status: 200 },
    { name: 'If-Range list is not an entity-tag', request: { 'if-range': '"abc-3e8-1", "x"', range: 'bytes=0-9' }, status: 200 },
    { name: 'If-Range date equal', request: { 'if-range': LAST_MODIFIED, range: 'bytes=0-9' }, status: 206, contentRange: 'bytes 0-9/1000' },
    { name: 'If-Range date older', request: { 'if-range': formatHttpDate(MTIME_MS / 1000 - 1), range: 'bytes=0-9' }, status: 200 },
    { name: 'If-Range garbage', request: { 'if-range': 'tomorrow', range: 'bytes=0-9' }, status: 200 },
    { name: 'If-Range true, Range unsatisfiable', request: { 'if-range': '"abc-3e8-1"', range: 'bytes=5000-' }, status: 416, contentRange: 'bytes */1000' },
    { name: 'If-Range false beats unsatisfiable Range', request: { 'if-range': '"x"', range: 'bytes=5000-' }, status: 200 },
    { name: 'If-Range without Range', request: { 'if-range': '"abc-3e8-1"' }, status: 200 },
  ];
  test.each(cases)('$name → $status', ({ request, status, contentRange }) => {
    const result = plan(request);
    expect(result.status).toBe(status);
    expect(result.headers['content-range']).toBe(contentRange);
  });

  test('an If-Range date is weak while its second is still running (§8.8.2.2)', () => {
    const request = { 'if-range': LAST_MODIFIED, range: 'bytes=0-9' };
    expect(plan(request, MTIME_MS + 100).status).toBe(200);
    expect(plan(request, Math.ceil(MTIME_MS / 1000) * 1000).status).toBe(206);
  });

  test('headers per status', () => {
    expect(plan({}).headers).toEqual({ etag: '"abc-3e8-1"', 'accept-ranges': 'bytes', 'last-modified': LAST_MODIFIED, 'content-type': 'video/mp4', 'content-length': '1000' });
    expect(plan({ 'if-none-match': '*' }).headers).toEqual({ etag: '"abc-3e8-1"', 'accept-ranges': 'bytes' });
    expect(plan({ range: 'bytes=0-9' }).headers['content-length']).toBe('10');
    expect(plan({ range: 'bytes=999-' }).ranges).toEqual([{ firstByte: 999, lastByte: 999 }]);
    const multi = plan({ range: 'bytes=0-9,-10' });
    expect(multi.headers['content-type']).toBe('multipart/byteranges; boundary=BOUNDARY');
    expect(multi.headers['content-length']).toBe(String(multi.multipart!.totalBytes));
    expect(plan({ range: 'bytes=5000-' }).ranges).toEqual([]);
  });

  test('an empty file is a 200 with no bytes, whatever the Range', () => {
    const empty = planResponse({ method: 'GET', range: 'bytes=0-' }, { ...representation, sizeBytes: 0 }, NOW_MS, () => 'B');
    expect(empty.status).toBe(200);
    expect(empty.ranges).toEqual([]);
    expect(empty.headers['content-length']).toBe('0');
  });

  test('a weak representation ETag is a bug', () => {
    expect(() => planResponse({ method: 'GET' }, { ...representation, etag: 'W/"x"' }, NOW_MS, () => 'B')).toThrow(/Internal error/);
  });
});
