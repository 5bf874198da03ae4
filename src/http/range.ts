/**
 * Byte ranges and conditional requests for a static representation: RFC 9110 §13 (preconditions) and §14
 * (range requests). Pure: the caller passes the file's validators and the clock, and gets back what to answer.
 *
 * Range header (§14.1.1, §14.2):
 * - Only the `bytes` unit (case-insensitive, §14.1); any other unit → the header is ignored (200).
 * - `first-last`, `first-` and `-suffix`, as a comma list with OWS and empty elements allowed (§5.6.1).
 * - A syntactically invalid set, including `last < first`, is ignored (200). §14.2 lets a server "ignore or
 *   reject" it; 416 means "none of the ranges are satisfiable" (§15.5.17), which is not the case. nginx
 *   answers 416 here; see test/origin-nginx.test.ts.
 * - Unsatisfiable (no range starts inside the representation, or `-0`) → 416 with `Content-Range: bytes
 *   *\/<size>` (§14.1.1, §15.5.17).
 * - A zero-length representation ignores Range (200 with no content), as nginx does; §15.5.17's note allows
 *   it and a client gets exactly the (empty) representation.
 * - Guards against abusive range sets, all answered 200 with the full representation (§14.2 lets a server
 *   ignore such a set; a 200 is an answer every client can use, a 416 makes a client fail or retry):
 *   more than MAX_RANGES ranges (nginx `max_ranges`), satisfiable ranges adding up to more bytes than the
 *   representation (nginx's rule: overlap can never amplify a response), and more than two ranges that
 *   overlap another (§14.2's own example). Two overlapping ranges are served as asked, as nginx does.
 * - Ranges are served in the order asked and not coalesced (§15.3.7.2 SHOULD), clamped to the end.
 *
 * Preconditions are evaluated in §13.2.2 order: If-Match, If-Unmodified-Since (only without If-Match),
 * If-None-Match (GET/HEAD → 304), If-Modified-Since (GET/HEAD, only without If-None-Match), then If-Range,
 * and Range only for GET (§14.2: HEAD ignores Range).
 *
 * If-Range (§13.1.5) is true only for a strong validator equal to the current one:
 * - an entity-tag must be strong and equal (strong comparison, §8.8.3.2); a weak one is always false;
 * - an HTTP-date must equal Last-Modified exactly, and counts as strong (§8.8.2.2) only once the second it
 *   names is over at the time of the request: before that the file can still change within the same second
 *   and keep the same Last-Modified. No server can tell from one mtime whether the file changed twice within
 *   an earlier second; our files are replaced by rename, and clients that have our ETag send it instead.
 */
import { formatHttpDate, parseEntityTag, parseEtagList, parseHttpDate, strongEtagMatch, weakEtagMatch, type EntityTag } from './validators.js';

/** Byte offsets into the representation, both inclusive, as in Content-Range. */
export type ByteRange = { firstByte: number; lastByte: number };

export type RangeIgnoredReason = 'absent' | 'unit' | 'syntax' | 'empty-representation' | 'too-many' | 'exceeds-length' | 'overlap';

export type RangeHeaderResult =
  | { kind: 'ignored'; reason: RangeIgnoredReason }
  | { kind: 'unsatisfiable' }
  | { kind: 'ranges'; ranges: ByteRange[] };

/** More ranges than this and the header is ignored (200). */
export const MAX_RANGES = 100;

const INT_RANGE = /^(\d+)[ \t]*-[ \t]*(\d*)$/;
const SUFFIX_RANGE = /^-[ \t]*(\d+)$/;

type RangeSpec = { kind: 'int'; first: number; last: number | null } | { kind: 'suffix'; lengthBytes: number };

const parseRangeSet = (set: string): RangeSpec[] | RangeIgnoredReason => {
  const specs: RangeSpec[] = [];
  for (const rawElement of set.split(',')) {
    const element = rawElement.trim();
    if (element === '') {
      continue;
    }
    if (specs.length === MAX_RANGES) {
      return 'too-many';
    }
    const intMatch = INT_RANGE.exec(element);
    if (intMatch !== null) {
      const first = Number(intMatch[1]);
      const last = intMatch[2] === '' ? null : Number(intMatch[2]);
      if (last !== null && last < first) {
        return 'syntax';
      }
      specs.push({ kind: 'int', first, last });
      continue;
    }
    const suffixMatch = SUFFIX_RANGE.exec(element);
    if (suffixMatch === null) {
      return 'syntax';
    }
    specs.push({ kind: 'suffix', lengthBytes: Number(suffixMatch[1]) });
  }
  return specs.length === 0 ? 'syntax' : specs;
};

/** Satisfiable specs (§14.1.1) clamped to the representation; unsatisfiable ones are dropped. */
const resolveSpecs = (specs: readonly RangeSpec[], sizeBytes: number): ByteRange[] => {
  const ranges: ByteRange[] = [];
  for (const spec of specs) {
    if (spec.kind === 'int') {
      if (spec.first < sizeBytes) {
        ranges.push({ firstByte: spec.first, lastByte: spec.last === null ? sizeBytes - 1 : Math.min(spec.last, sizeBytes - 1) });
      }
    } else if (spec.lengthBytes > 0) {
      ranges.push({ firstByte: Math.max(0, sizeBytes - spec.lengthBytes), lastByte: sizeBytes - 1 });
    }
  }
  return ranges;
};

export const rangeLengthBytes = (range: ByteRange): number => range.lastByte - range.firstByte + 1;

/** How many ranges share at least one byte with another range of the set. */
const countOverlappingRanges = (ranges: readonly ByteRange[]): number => {
  const sorted = [...ranges].sort((a, b) => a.firstByte - b.firstByte);
  const overlapping = new Set<number>();
  let reachIndex = 0;
  for (let index = 1; index < sorted.length; index += 1) {
    if (sorted[index]!.firstByte <= sorted[reachIndex]!.lastByte) {
      overlapping.add(index);
      overlapping.add(reachIndex);
    }
    if (sorted[index]!.lastByte > sorted[reachIndex]!.lastByte) {
      reachIndex = index;
    }
  }
  return overlapping.size;
};

/** The Range field value → ranges to serve, 416, or a reason to ignore it. See the file comment for the rules. */
export const parseRangeHeader = (value: string | undefined, sizeBytes: number): RangeHeaderResult => {
  if (value === undefined) {
    return { kind: 'ignored', reason: 'absent' };
  }
  const equals = value.indexOf('=');
  if (equals < 0) {
    return { kind: 'ignored', reason: 'syntax' };
  }
  if (value.slice(0, equals).toLowerCase() !== 'bytes') {
    return { kind: 'ignored', reason: 'unit' };
  }
  const specs = parseRangeSet(value.slice(equals + 1));
  if (typeof specs === 'string') {
    return { kind: 'ignored', reason: specs };
  }
  if (sizeBytes === 0) {
    return { kind: 'ignored', reason: 'empty-representation' };
  }
  const ranges = resolveSpecs(specs, sizeBytes);
  if (ranges.length === 0) {
    return { kind: 'unsatisfiable' };
  }
  if (ranges.reduce((sum, range) => sum + rangeLengthBytes(range), 0) > sizeBytes) {
    return { kind: 'ignored', reason: 'exceeds-length' };
  }
  if (ranges.length > 2 && countOverlappingRanges(ranges) > 2) {
    return { kind: 'ignored', reason: 'overlap' };
  }
  return { kind: 'ranges', ranges };
};

/** One part of a multipart/byteranges body (§14.6): its header block, then the bytes of `range`. */
export type MultipartPart = { header: string; range: ByteRange };
export type MultipartPlan = { boundary: string; parts: MultipartPart[]; trailer: string; totalBytes: number };

const asciiLength = (text: string): number => {
  for (let index = 0; index < text.length; index += 1) {
    if (text.charCodeAt(index) > 0x7f) {
      throw new Error(`Internal error: multipart header is not ASCII: ${JSON.stringify(text)}`);
    }
  }
  return text.length;
};

/**
 * The multipart/byteranges body (§14.6, RFC 2046 §5.1.1), laid out up front so Content-Length is exact.
 * Each part starts with CRLF + delimiter (the CRLF belongs to the delimiter), and the body ends with the
 * close delimiter and CRLF, as nginx writes it.
 */
export const planMultipart = (ranges: readonly ByteRange[], sizeBytes: number, contentType: string, boundary: string): MultipartPlan => {
  const parts = ranges.map((range) => ({
    header: `\r\n--${boundary}\r\nContent-Type: ${contentType}\r\nContent-Range: bytes ${range.firstByte}-${range.lastByte}/${sizeBytes}\r\n\r\n`,
    range,
  }));
  const trailer = `\r\n--${boundary}--\r\n`;
  const totalBytes = parts.reduce((sum, part) => sum + asciiLength(part.header) + rangeLengthBytes(part.range), asciiLength(trailer));
  return { boundary, parts, trailer, totalBytes };
};

/** The request fields that matter here (lower-case names, as Node gives them). */
export type ConditionalRequest = {
  method: string;
  range?: string | undefined;
  'if-range'?: string | undefined;
  'if-match'?: string | undefined;
  'if-none-match'?: string | undefined;
  'if-modified-since'?: string | undefined;
  'if-unmodified-since'?: string | undefined;
};

/** What the caller knows about the file (from fstat); `lastModified` may be passed in when already formatted. */
export type Representation = { sizeBytes: number; etag: string; mtimeMs: number; contentType: string; lastModified?: string };

export type ResponsePlan = {
  status: 200 | 206 | 304 | 412 | 416;
  /** Representation and range headers for this status (lower-case names); the caller adds caching and CORS. */
  headers: Record<string, string>;
  /** The file's bytes to send, in order: [] when there is no content, one range for 200/206, several for multipart. */
  ranges: ByteRange[];
  multipart: MultipartPlan | null;
};

const lastModifiedSecOf = (representation: Representation): number => Math.floor(representation.mtimeMs / 1000);

/** §13.1.1 If-Match: `*` or a strong match with the current ETag. */
const ifMatchPasses = (value: string, current: EntityTag): boolean => {
  const list = parseEtagList(value);
  return list.kind === 'any' || list.tags.some((tag) => strongEtagMatch(tag, current));
};

/** §13.1.2 If-None-Match: false for `*` or a weak match with the current ETag. */
const ifNoneMatchPasses = (value: string, current: EntityTag): boolean => {
  const list = parseEtagList(value);
  return list.kind === 'tags' && !list.tags.some((tag) => weakEtagMatch(tag, current));
};

/** §13.1.5 If-Range; see the file comment for when a date counts as strong. */
const ifRangePasses = (value: string, current: EntityTag, representation: Representation, nowMs: number): boolean => {
  const trimmed = value.trim();
  if (trimmed.startsWith('"') || trimmed.startsWith('W/')) {
    const tag = parseEntityTag(trimmed);
    return tag !== null && strongEtagMatch(tag, current);
  }
  const dateSec = parseHttpDate(trimmed, nowMs / 1000);
  const lastModifiedSec = lastModifiedSecOf(representation);
  return dateSec !== null && dateSec === lastModifiedSec && nowMs >= (lastModifiedSec + 1) * 1000;
};

const isGetOrHead = (method: string): boolean => method === 'GET' || method === 'HEAD';

/** 304/412 and the §13.2.2 steps 1–4; null when the request should proceed. */
const evaluatePreconditions = (request: ConditionalRequest, current: EntityTag, representation: Representation, nowSec: number): 304 | 412 | null => {
  const lastModifiedSec = lastModifiedSecOf(representation);
  const ifMatch = request['if-match'];
  if (ifMatch !== undefined) {
    if (!ifMatchPasses(ifMatch, current)) {
      return 412;
    }
  } else if (request['if-unmodified-since'] !== undefined) {
    const dateSec = parseHttpDate(request['if-unmodified-since'].trim(), nowSec);
    if (dateSec !== null && lastModifiedSec > dateSec) {
      return 412;
    }
  }
  const ifNoneMatch = request['if-none-match'];
  if (ifNoneMatch !== undefined) {
    if (!ifNoneMatchPasses(ifNoneMatch, current)) {
      return isGetOrHead(request.method) ? 304 : 412;
    }
  } else if (isGetOrHead(request.method) && request['if-modified-since'] !== undefined) {
    const dateSec = parseHttpDate(request['if-modified-since'].trim(), nowSec);
    if (dateSec !== null && lastModifiedSec <= dateSec) {
      return 304;
    }
  }
  return null;
};

/**
 * The whole decision for a GET or HEAD of a static file: preconditions, If-Range, Range → status, headers
 * and the bytes to send. `createBoundary` is called only for a multipart answer. HEAD gets the same plan as
 * GET would without Range; the caller sends no content for HEAD.
 */
export const planResponse = (request: ConditionalRequest, representation: Representation, nowMs: number, createBoundary: () => string): ResponsePlan => {
  const { sizeBytes, etag, contentType } = representation;
  // A strong entity-tag is `"…"`; its opaque part is what the comparisons need (cheaper than parsing it).
  if (etag.length < 2 || !etag.startsWith('"') || !etag.endsWith('"') || etag.indexOf('"', 1) !== etag.length - 1) {
    throw new Error(`Internal error: the representation's ETag must be a strong entity-tag, got ${etag}`);
  }
  const current: EntityTag = { weak: false, opaque: etag.slice(1, -1) };
  const validatorHeaders = { etag, 'accept-ranges': 'bytes' };
  const precondition = evaluatePreconditions(request, current, representation, nowMs / 1000);
  if (precondition === 304) {
    return { status: 304, headers: validatorHeaders, ranges: [], multipart: null };
  }
  if (precondition === 412) {
    return { status: 412, headers: { 'content-length': '0' }, ranges: [], multipart: null };
  }
  const fullHeaders = { ...validatorHeaders, 'last-modified': representation.lastModified ?? formatHttpDate(lastModifiedSecOf(representation)) };
  const full: ResponsePlan = {
    status: 200,
    headers: { ...fullHeaders, 'content-type': contentType, 'content-length': String(sizeBytes) },
    ranges: sizeBytes > 0 ? [{ firstByte: 0, lastByte: sizeBytes - 1 }] : [],
    multipart: null,
  };
  if (request.method !== 'GET' || request.range === undefined) {
    return full;
  }
  const ifRange = request['if-range'];
  if (ifRange !== undefined && !ifRangePasses(ifRange, current, representation, nowMs)) {
    return full;
  }
  const parsed = parseRangeHeader(request.range, sizeBytes);
  if (parsed.kind === 'ignored') {
    return full;
  }
  if (parsed.kind === 'unsatisfiable') {
    return { status: 416, headers: { ...fullHeaders, 'content-range': `bytes */${sizeBytes}`, 'content-length': '0' }, ranges: [], multipart: null };
  }
  const { ranges } = parsed;
  if (ranges.length === 1) {
    const range = ranges[0]!;
    return {
      status: 206,
      headers: {
        ...fullHeaders,
        'content-type': contentType,
        'content-range': `bytes ${range.firstByte}-${range.lastByte}/${sizeBytes}`,
        'content-length': String(rangeLengthBytes(range)),
      },
      ranges,
      multipart: null,
    };
  }
  const multipart = planMultipart(ranges, sizeBytes, contentType, createBoundary());
  return {
    status: 206,
    headers: { ...fullHeaders, 'content-type': `multipart/byteranges; boundary=${multipart.boundary}`, 'content-length': String(multipart.totalBytes) },
    ranges,
    multipart,
  };
};
