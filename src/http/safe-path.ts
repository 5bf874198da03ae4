/**
 * The path rules of the media origin, before the file system is touched. Pure.
 *
 * Input is the raw request path (still percent-encoded) after `/media/<sessionId>/<token>/`. It is decoded
 * exactly once, segment by segment, and refused when any segment could name something other than a plain
 * file below the session folder:
 * - `.` and `..`, raw or encoded (`%2e`, `%2E.`, `.%2e` …): they decode to the same thing and are checked after
 *   decoding;
 * - a `%` left after the one decoding (`%252e` → `%2e`): double encoding only exists to get past a filter
 *   that decodes twice, and we never publish names with `%`;
 * - `/` inside a segment (`%2f`), which would make an absolute or multi-segment path out of one segment;
 * - `\` raw or `%5c` (a separator on Windows, and in some proxies' normalisation);
 * - NUL and other control characters (`%00` truncates C strings);
 * - empty segments (`a//b`, a leading `/`), which path.join would silently drop;
 * - undecodable percent-escapes (`%zz`, bad UTF-8).
 * Names we publish only transiently are refused as if absent: `<name>.tmp` (ffmpeg's temp_file segments and
 * our playlist writes), `<name>.partial` (store/atomic-file.ts) and anything starting with `.` (hidden
 * files). Symlinks are checked by the server against the root's realpath (src/server/media-files.ts).
 */

export type MediaPathRefusal =
  | 'empty'
  | 'too-deep'
  | 'encoding'
  | 'dot-segment'
  | 'double-encoding'
  | 'slash'
  | 'backslash'
  | 'control'
  | 'empty-segment'
  | 'hidden'
  | 'temporary';

export type MediaPathResult = { ok: true; segments: string[] } | { ok: false; reason: MediaPathRefusal };

/** Deeper than any layout we publish (`<rendition>/<file>`), and it bounds the work per request. */
export const MAX_PATH_SEGMENTS = 8;

const TEMPORARY_SUFFIXES = ['.tmp', '.partial'];

/** True for a decoded name that must never be served, existing or not: hidden and in-progress files. */
export const isUnpublishedName = (name: string): boolean => {
  if (name.startsWith('.')) {
    return true;
  }
  const lower = name.toLowerCase();
  return TEMPORARY_SUFFIXES.some((suffix) => lower.endsWith(suffix));
};

const hasControlCharacter = (text: string): boolean => {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) {
      return true;
    }
  }
  return false;
};

const decodeSegment = (raw: string): string | null => {
  if (!raw.includes('%')) {
    return raw;
  }
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
};

/** Checks one decoded segment; null when it may name a file. */
const refuseSegment = (name: string): MediaPathRefusal | null => {
  if (name === '') {
    return 'empty-segment';
  }
  if (name === '.' || name === '..') {
    return 'dot-segment';
  }
  if (name.includes('/')) {
    return 'slash';
  }
  if (name.includes('\\')) {
    return 'backslash';
  }
  if (hasControlCharacter(name)) {
    return 'control';
  }
  if (name.includes('%')) {
    return 'double-encoding';
  }
  if (isUnpublishedName(name)) {
    return name.startsWith('.') ? 'hidden' : 'temporary';
  }
  return null;
};

/** Raw path below the session → decoded segments, or why it is refused. See the file comment. */
export const parseMediaPath = (rawPath: string): MediaPathResult => {
  if (rawPath === '') {
    return { ok: false, reason: 'empty' };
  }
  if (rawPath.includes('\\')) {
    return { ok: false, reason: 'backslash' };
  }
  const rawSegments = rawPath.split('/');
  if (rawSegments.length > MAX_PATH_SEGMENTS) {
    return { ok: false, reason: 'too-deep' };
  }
  const segments: string[] = [];
  for (const raw of rawSegments) {
    const name = decodeSegment(raw);
    if (name === null) {
      return { ok: false, reason: 'encoding' };
    }
    const refusal = refuseSegment(name);
    if (refusal !== null) {
      return { ok: false, reason: refusal };
    }
    segments.push(name);
  }
  return { ok: true, segments };
};

/** Segments → the URL path below the session, each segment percent-encoded (the inverse of parseMediaPath). */
export const encodeMediaPath = (segments: readonly string[]): string => segments.map((segment) => encodeURIComponent(segment)).join('/');
