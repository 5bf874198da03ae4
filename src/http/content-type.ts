/**
 * Content-Type by file extension for what a session folder publishes. Pure.
 *
 * - `.m3u8`: `application/vnd.apple.mpegurl`, one of the two types RFC 8216 §4 names for playlists.
 * - `.m4s`: `video/iso.segment`, the IANA registration for ISO BMFF media segments (also what Debian's
 *   /etc/mime.types says). hls.js never looks at a segment's Content-Type (it fetches an ArrayBuffer and
 *   probes the bytes), and Safari takes the segment format from the playlist and the EXT-X-MAP init section,
 *   so the registered type costs nothing; `video/mp4` would work as well. The init section is `.mp4` and
 *   gets `video/mp4`.
 * - Text types carry `charset=utf-8`. Playlists are UTF-8 by definition (RFC 8216 §4), and their type has no
 *   charset parameter, so none is added there.
 */

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  m3u8: 'application/vnd.apple.mpegurl',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  m4a: 'audio/mp4',
  m4v: 'video/mp4',
  ts: 'video/mp2t',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  mka: 'audio/x-matroska',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
  vtt: 'text/vtt; charset=utf-8',
  srt: 'application/x-subrip; charset=utf-8',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  json: 'application/json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  // The web player's files (web/dist).
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  map: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  webmanifest: 'application/manifest+json',
};

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** The extension after the last `.` of the last path segment, lower-cased; '' when there is none. */
export const extensionOf = (path: string): string => {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? path.slice(dot + 1).toLowerCase() : '';
};

export const contentTypeFor = (path: string): string => CONTENT_TYPES[extensionOf(path)] ?? DEFAULT_CONTENT_TYPE;
