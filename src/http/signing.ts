/**
 * Signed media URLs: `/media/<sessionId>/<expiresAtSec>.<signature>/<path inside the session>`.
 *
 * The token sits in the path, before the file, so every relative URI in a playlist (`720p/playlist.m3u8`,
 * `seg-00001.m4s`, `init.mp4`, `../thumbnails.vtt` …) resolves (RFC 3986 §5.2) under the same signed prefix:
 * hls.js and Safari follow the whole tree from one signed master URL, and playlists are served as written.
 * The consequence is that a token grants one session's folder, not one file, until it expires.
 *
 * signature = base64url(HMAC-SHA256(secret, "reprise-media-v1\n<sessionId>\n<expiresAtSec>")), unpadded.
 * The expiry digits are signed exactly as they appear in the URL. Verification recomputes the signature and
 * compares in constant time; the expiry is looked at only after the signature is good, so a tampered expiry
 * reads as invalid, and "expired" is only said of URLs we issued.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { encodeMediaPath, parseMediaPath } from './safe-path.js';

export const MEDIA_URL_PREFIX = '/media';

/** Session ids as src/sessions makes them (`videoroom-1234-1795567682`); 100 is fastify's default maxParamLength. */
const SESSION_ID = /^[A-Za-z0-9._-]{1,100}$/;

const TOKEN = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

const MIN_SECRET_BYTES = 16;

export const isValidSessionId = (sessionId: string): boolean => SESSION_ID.test(sessionId) && sessionId !== '.' && sessionId !== '..';

const secretBytes = (secret: Buffer | string): Buffer => {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new TypeError(`secret must be at least ${MIN_SECRET_BYTES} bytes, got ${bytes.length}`);
  }
  return bytes;
};

const computeSignature = (secret: Buffer | string, sessionId: string, expiresAtDigits: string): string =>
  createHmac('sha256', secretBytes(secret)).update(`reprise-media-v1\n${sessionId}\n${expiresAtDigits}`).digest('base64url');

export type MediaTokenOptions = { sessionId: string; expiresAtSec: number; secret: Buffer | string };

/** `<expiresAtSec>.<signature>`, the path segment that grants `sessionId` until `expiresAtSec` (exclusive). */
export const createMediaToken = ({ sessionId, expiresAtSec, secret }: MediaTokenOptions): string => {
  if (!isValidSessionId(sessionId)) {
    throw new TypeError(`sessionId must match ${SESSION_ID.source}, got ${JSON.stringify(sessionId)}`);
  }
  if (!Number.isSafeInteger(expiresAtSec) || expiresAtSec < 0 || expiresAtSec > 999_999_999_999) {
    throw new TypeError(`expiresAtSec must be a whole number of Unix seconds, got ${expiresAtSec}`);
  }
  const digits = String(expiresAtSec);
  return `${digits}.${computeSignature(secret, sessionId, digits)}`;
};

/**
 * The signed URL path of `path` (relative to the session folder, `/`-separated, e.g. `hls/master.m3u8`).
 * Throws a TypeError for a path the origin would refuse (dot segments, hidden or temporary names …).
 */
export const signMediaPath = (options: MediaTokenOptions & { path: string }): string => {
  const parsed = parseMediaPath(encodeMediaPath(options.path.split('/')));
  if (!parsed.ok) {
    throw new TypeError(`path cannot be served (${parsed.reason}): ${JSON.stringify(options.path)}`);
  }
  const token = createMediaToken(options);
  return `${MEDIA_URL_PREFIX}/${options.sessionId}/${token}/${encodeMediaPath(parsed.segments)}`;
};

export type MediaTokenCheck = { ok: true; expiresAtSec: number } | { ok: false; code: 'MEDIA_SIGNATURE_INVALID' | 'MEDIA_SIGNATURE_EXPIRED' };

export type VerifyMediaTokenOptions = { sessionId: string; token: string; secret: Buffer | string; nowSec: number };

/** Checks a token segment for `sessionId` at `nowSec`; invalid (forged, other session, malformed) vs expired. */
export const verifyMediaToken = ({ sessionId, token, secret, nowSec }: VerifyMediaTokenOptions): MediaTokenCheck => {
  const match = TOKEN.exec(token);
  if (match === null || !isValidSessionId(sessionId)) {
    return { ok: false, code: 'MEDIA_SIGNATURE_INVALID' };
  }
  const expected = Buffer.from(computeSignature(secret, sessionId, match[1]!), 'ascii');
  const given = Buffer.from(match[2]!, 'ascii');
  // Both are 43 base64url characters here (the regex), so timingSafeEqual's equal-length rule holds.
  if (!timingSafeEqual(expected, given)) {
    return { ok: false, code: 'MEDIA_SIGNATURE_INVALID' };
  }
  const expiresAtSec = Number(match[1]);
  if (nowSec >= expiresAtSec) {
    return { ok: false, code: 'MEDIA_SIGNATURE_EXPIRED' };
  }
  return { ok: true, expiresAtSec };
};
