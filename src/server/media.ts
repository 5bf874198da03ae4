/**
 * The media origin of `reprise serve`: GET, HEAD and OPTIONS on `/media/<sessionId>/<token>/<path>`,
 * serving the published files of one session (playlists, init sections, segments, thumbnails, MP4s) with
 * RFC 9110 range and conditional semantics (src/http/range.ts), signed URLs (src/http/signing.ts), path
 * rules (src/http/safe-path.ts) and symlink containment (media-files.ts).
 *
 * The request path is read from the raw request target, not from fastify's decoded params: the router
 * decodes `%2F` into `/` and clients normalise `..` differently, so the one decoding that counts happens in
 * parseMediaPath. The routes must therefore be mounted at the root (no prefix, no rewriteUrl).
 *
 * Hot path: no schema, no serializer, no sync fs, no await that can be avoided. Small files come from the
 * memory cache (media-cache.ts) and are sent as views of the cached bytes; a fresh immutable segment needs no
 * I/O at all. From a descriptor, bodies up to SMALL_BODY_BYTES are read in one call and sent as a Buffer (fd
 * closed before sending); larger ones stream through FileBodyStream, which closes the fd when the body ends or
 * the client goes away. Good tokens, validators and the ENDLIST check are memoised.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contentTypeFor, extensionOf } from '../http/content-type.js';
import { planResponse, rangeLengthBytes, type ByteRange, type ConditionalRequest, type ResponsePlan } from '../http/range.js';
import { parseMediaPath, type MediaPathRefusal } from '../http/safe-path.js';
import { createMediaToken, MEDIA_URL_PREFIX, verifyMediaToken, type MediaTokenCheck } from '../http/signing.js';
import { formatHttpDate, formatStrongEtag } from '../http/validators.js';
import { RepriseError, type ErrorCode } from '../shared/errors.js';
import { DEFAULT_MEMORY_CACHE, fileTarget, MediaFileSource, type FileFacts, type MemoryCacheOptions, type ResolvedFile } from './media-cache.js';
import { closeQuietly, FileBodyStream, MediaFileOpener, multipartPieces, readExactly } from './media-files.js';

export type MediaRouteOptions = {
  /** The folder of that session's published media, or null when there is no such session. */
  resolveSessionRoot: (sessionId: string) => Promise<string | null>;
  /** The HMAC key of signed media URLs (at least 16 bytes). */
  secret: Buffer | string;
  /** Milliseconds since the Unix epoch; Date.now by default. */
  now?: () => number;
  /** Cache-Control for a file, by its path inside the session; the defaults below otherwise. */
  cacheControl?: (relativePath: string, sessionRoot: string) => string;
  /** Small hot files kept in memory (media-cache.ts); DEFAULT_MEMORY_CACHE, `{ maxBytes: 0, … }` for none. */
  memoryCache?: MemoryCacheOptions;
};

/** Bodies up to this size are read in one call and sent from memory. */
export const SMALL_BODY_BYTES = 1024 * 1024;

export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** A playlist with EXT-X-ENDLIST no longer changes while its composition stands. */
export const ENDED_PLAYLIST_CACHE_CONTROL = 'public, max-age=3600';
/** Anything that can still change (running playlists, master playlists, VTT, JSON): revalidate every time (304s). */
export const REVALIDATE_CACHE_CONTROL = 'no-cache';

/** Written once under their final name (segments, init sections, MP4s, thumbnails): never revalidated. */
const IMMUTABLE_EXTENSIONS = new Set(['m4s', 'mp4', 'm4a', 'm4v', 'ts', 'webm', 'mkv', 'mka', 'ogg', 'opus', 'wav', 'jpg', 'jpeg', 'png', 'webp']);

const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'Content-Range, Content-Length, Accept-Ranges, ETag',
} as const;
const PREFLIGHT_HEADERS = {
  ...CORS_HEADERS,
  allow: ALLOWED_METHODS,
  'access-control-allow-methods': ALLOWED_METHODS,
  'access-control-allow-headers': 'Range, If-Range, If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since',
  // Browsers cap this (Chrome at 2 h); one preflight per URL prefix and day at most.
  'access-control-max-age': '86400',
} as const;

const STATUS_BY_CODE = {
  API_BAD_REQUEST: 400,
  MEDIA_FORBIDDEN: 403,
  MEDIA_SIGNATURE_INVALID: 403,
  MEDIA_SIGNATURE_EXPIRED: 403,
  MEDIA_NOT_FOUND: 404,
} as const satisfies Partial<Record<ErrorCode, number>>;

type MediaErrorCode = keyof typeof STATUS_BY_CODE;

const REFUSAL_CODES: Record<MediaPathRefusal, MediaErrorCode> = {
  empty: 'MEDIA_NOT_FOUND',
  hidden: 'MEDIA_NOT_FOUND',
  temporary: 'MEDIA_NOT_FOUND',
  encoding: 'API_BAD_REQUEST',
  'too-deep': 'MEDIA_FORBIDDEN',
  'dot-segment': 'MEDIA_FORBIDDEN',
  'double-encoding': 'MEDIA_FORBIDDEN',
  slash: 'MEDIA_FORBIDDEN',
  backslash: 'MEDIA_FORBIDDEN',
  control: 'MEDIA_FORBIDDEN',
  'empty-segment': 'MEDIA_FORBIDDEN',
};

const sendError = (reply: FastifyReply, error: RepriseError & { code: MediaErrorCode }): FastifyReply =>
  reply
    .code(STATUS_BY_CODE[error.code])
    .headers({ ...CORS_HEADERS, 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' })
    .send(JSON.stringify({ error: { code: error.code, message: error.message } }));

const mediaError = (code: MediaErrorCode, message: string): RepriseError & { code: MediaErrorCode } =>
  new RepriseError(code, message) as RepriseError & { code: MediaErrorCode };

type MediaUrl = { sessionId: string; token: string; rawPath: string };

/** `/media/<sessionId>/<token>/<rawPath>?…` → its three parts, still encoded; null when it has fewer. */
export const splitMediaUrl = (rawUrl: string): MediaUrl | null => {
  const queryAt = rawUrl.indexOf('?');
  const path = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
  const start = MEDIA_URL_PREFIX.length + 1;
  if (!path.startsWith(`${MEDIA_URL_PREFIX}/`)) {
    return null;
  }
  const sessionEnd = path.indexOf('/', start);
  const tokenEnd = sessionEnd < 0 ? -1 : path.indexOf('/', sessionEnd + 1);
  if (tokenEnd < 0) {
    return null;
  }
  return { sessionId: path.slice(start, sessionEnd), token: path.slice(sessionEnd + 1, tokenEnd), rawPath: path.slice(tokenEnd + 1) };
};

const ENDLIST_TAIL_BYTES = 256;
const ENDLIST = /(^|\n)#EXT-X-ENDLIST[ \t]*(\r?\n|$)/;

/** The last bytes of a file, wherever its bytes are. */
const readTail = async (file: ResolvedFile, lengthBytes: number): Promise<Buffer> => {
  const { sizeBytes } = file.facts;
  const tailBytes = Math.min(lengthBytes, sizeBytes);
  return file.kind === 'memory' ? file.content.subarray(sizeBytes - tailBytes) : readExactly(file.fd, sizeBytes - tailBytes, tailBytes);
};

/**
 * Default Cache-Control (see the constants); playlists are told apart by reading their last bytes, once per
 * version (ETag). Synchronous whenever no read is needed.
 */
const createDefaultCacheControl = (): ((relativePath: string, file: ResolvedFile, etag: string) => string | Promise<string>) => {
  const endedByEtag = new Map<string, boolean>();
  const forPlaylist = (ended: boolean): string => (ended ? ENDED_PLAYLIST_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL);
  return (relativePath, file, etag) => {
    const extension = extensionOf(relativePath);
    if (IMMUTABLE_EXTENSIONS.has(extension)) {
      return IMMUTABLE_CACHE_CONTROL;
    }
    if (extension !== 'm3u8') {
      return REVALIDATE_CACHE_CONTROL;
    }
    const known = endedByEtag.get(etag);
    if (known !== undefined) {
      return forPlaylist(known);
    }
    return readTail(file, ENDLIST_TAIL_BYTES).then((tail) => {
      const ended = ENDLIST.test(tail.toString('latin1'));
      if (endedByEtag.size >= 10_000) {
        endedByEtag.clear();
      }
      endedByEtag.set(etag, ended);
      return forPlaylist(ended);
    });
  };
};

type Validators = { etag: string; lastModified: string };

/** ETag and Last-Modified of a file; memoised per cached file (its facts object lives as long as the entry). */
const createValidatorsOf = (): ((facts: FileFacts) => Validators) => {
  const memo = new WeakMap<FileFacts, Validators>();
  return (facts) => {
    let validators = memo.get(facts);
    if (validators === undefined) {
      validators = { etag: formatStrongEtag(facts), lastModified: formatHttpDate(Math.floor(facts.mtimeMs / 1000)) };
      memo.set(facts, validators);
    }
    return validators;
  };
};

/**
 * verifyMediaToken with a memo of good tokens: a player sends the same token with every request, and the
 * answer for (session, token) never changes except by expiry, which is checked each time.
 */
const createTokenChecker = (secret: Buffer | string): ((sessionId: string, token: string, nowSec: number) => MediaTokenCheck) => {
  const expiresAtSecByToken = new Map<string, number>();
  return (sessionId, token, nowSec) => {
    const key = `${sessionId}/${token}`;
    const expiresAtSec = expiresAtSecByToken.get(key);
    if (expiresAtSec !== undefined) {
      return nowSec < expiresAtSec ? { ok: true, expiresAtSec } : { ok: false, code: 'MEDIA_SIGNATURE_EXPIRED' };
    }
    const check = verifyMediaToken({ sessionId, token, secret, nowSec });
    if (check.ok) {
      if (expiresAtSecByToken.size >= 10_000) {
        expiresAtSecByToken.clear();
      }
      expiresAtSecByToken.set(key, check.expiresAtSec);
    }
    return check;
  };
};

/** Repeated fields arrive as arrays for some names; as one list they fail the single-value parsers, as they should. */
const fieldValue = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value.join(', ') : value);

const createBoundary = (): string => randomBytes(12).toString('hex');

/** Registers GET, HEAD and OPTIONS on `/media/:sessionId/:token/*`. */
export const registerMediaRoutes = (app: FastifyInstance, options: MediaRouteOptions): void => {
  createMediaToken({ sessionId: 'check', expiresAtSec: 0, secret: options.secret }); // fails early on a short secret
  const now = options.now ?? Date.now;
  const files = new MediaFileSource(new MediaFileOpener(now), options.memoryCache ?? DEFAULT_MEMORY_CACHE, now);
  const defaultCacheControl = createDefaultCacheControl();
  const validatorsOf = createValidatorsOf();
  const checkToken = createTokenChecker(options.secret);
  const url = `${MEDIA_URL_PREFIX}/:sessionId/:token/*`;

  const serve = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const parts = splitMediaUrl(request.raw.url ?? '');
    if (parts === null) {
      return sendError(reply, mediaError('MEDIA_NOT_FOUND', 'not a media URL'));
    }
    const nowMs = now();
    const check = checkToken(parts.sessionId, parts.token, nowMs / 1000);
    if (!check.ok) {
      const message = check.code === 'MEDIA_SIGNATURE_EXPIRED' ? 'this media URL has expired' : 'this media URL is not validly signed';
      return sendError(reply, mediaError(check.code, message));
    }
    const path = parseMediaPath(parts.rawPath);
    if (!path.ok) {
      return sendError(reply, mediaError(REFUSAL_CODES[path.reason], `refused media path (${path.reason})`));
    }
    const root = await options.resolveSessionRoot(parts.sessionId);
    if (root === null) {
      return sendError(reply, mediaError('MEDIA_NOT_FOUND', 'no such session'));
    }
    const relativePath = path.segments.join('/');
    const target = fileTarget(root, path.segments, IMMUTABLE_EXTENSIONS.has(extensionOf(relativePath)));
    const file = files.peekFresh(target) ?? (await files.resolve(target));
    if (file === 'not-found') {
      return sendError(reply, mediaError('MEDIA_NOT_FOUND', 'no such file'));
    }
    if (file === 'outside-root') {
      return sendError(reply, mediaError('MEDIA_FORBIDDEN', 'the file is outside the session folder'));
    }
    return sendFile(request, reply, file, { relativePath, root, nowMs });
  };

  const sendFile = async (request: FastifyRequest, reply: FastifyReply, file: ResolvedFile, context: { relativePath: string; root: string; nowMs: number }): Promise<FastifyReply> => {
    let owned = file.kind === 'descriptor'; // whether file.fd must be closed here
    try {
      const { sizeBytes, mtimeMs } = file.facts;
      const { etag, lastModified } = validatorsOf(file.facts);
      const headers = request.headers;
      const conditional: ConditionalRequest = {
        method: request.method,
        range: fieldValue(headers.range),
        'if-range': fieldValue(headers['if-range']),
        'if-match': fieldValue(headers['if-match']),
        'if-none-match': fieldValue(headers['if-none-match']),
        'if-modified-since': fieldValue(headers['if-modified-since']),
        'if-unmodified-since': fieldValue(headers['if-unmodified-since']),
      };
      const plan = planResponse(conditional, { sizeBytes, etag, mtimeMs, lastModified, contentType: contentTypeFor(context.relativePath) }, context.nowMs, createBoundary);
      const cacheControlOrPending = options.cacheControl?.(context.relativePath, context.root) ?? defaultCacheControl(context.relativePath, file, etag);
      const cacheControl = typeof cacheControlOrPending === 'string' ? cacheControlOrPending : await cacheControlOrPending;
      reply.code(plan.status).headers({ ...plan.headers, ...CORS_HEADERS, 'cache-control': cacheControl });
      if (request.method === 'HEAD' || plan.ranges.length === 0) {
        return reply.send();
      }
      const bodyOrPending = bodyOf(file, plan);
      const body = Buffer.isBuffer(bodyOrPending) || bodyOrPending instanceof FileBodyStream ? bodyOrPending : await bodyOrPending;
      if (body instanceof FileBodyStream) {
        owned = false;
      }
      return reply.send(body);
    } finally {
      if (owned && file.kind === 'descriptor') {
        closeQuietly(file.fd);
      }
    }
  };

  app.route({ method: ['GET', 'HEAD'], url, handler: serve });
  app.route({ method: 'OPTIONS', url, handler: (_request, reply) => reply.code(204).headers(PREFLIGHT_HEADERS).send() });
};

/**
 * The content. From memory: views into the cached bytes (a multipart body is assembled, it is at most about
 * the size of the file). From a descriptor: one read for small single-part bodies, otherwise a stream that
 * takes over the descriptor.
 */
const bodyOf = (file: ResolvedFile, plan: ResponsePlan): Buffer | FileBodyStream | Promise<Buffer> => {
  if (file.kind === 'memory') {
    const slice = (range: ByteRange): Buffer => file.content.subarray(range.firstByte, range.lastByte + 1);
    return plan.multipart === null
      ? slice(plan.ranges[0]!)
      : Buffer.concat(multipartPieces(plan.multipart).map((piece) => (Buffer.isBuffer(piece) ? piece : slice(piece))));
  }
  if (plan.multipart !== null) {
    return new FileBodyStream(file.fd, multipartPieces(plan.multipart));
  }
  const range = plan.ranges[0]!;
  if (rangeLengthBytes(range) <= SMALL_BODY_BYTES) {
    return readExactly(file.fd, range.firstByte, rangeLengthBytes(range));
  }
  return new FileBodyStream(file.fd, [range]);
};
