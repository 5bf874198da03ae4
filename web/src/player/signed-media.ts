/**
 * Signed media URLs (`/media/<session>/<expiresAtSec>.<signature>/<path>`, docs/api.md "Media origin"). The
 * signature is per session, so any URL of the session can take a fresher signature: the player rewrites each
 * request hls.js makes with the newest one it has, and playback survives the expiry. Pure.
 */
const SIGNED_PATH = /^(.*?\/media\/[^/?#]+\/)(\d+)\.([^/?#]+)(\/.*)$/;

export type SignedMediaUrl = { prefix: string; expiresAtSec: number; signature: string; rest: string };

export const parseSignedMediaUrl = (url: string): SignedMediaUrl | null => {
  const match = SIGNED_PATH.exec(url);
  if (match === null) {
    return null;
  }
  const [, prefix, expiresAtSec, signature, rest] = match;
  return { prefix: prefix!, expiresAtSec: Number(expiresAtSec), signature: signature!, rest: rest! };
};

/** `url` with the signature of `freshUrl` when both are signed URLs of the same session and the fresh one lasts longer. */
export const withFreshSignature = (url: string, freshUrl: string): string => {
  const target = parseSignedMediaUrl(url);
  const fresh = parseSignedMediaUrl(freshUrl);
  if (target === null || fresh === null) {
    return url;
  }
  const sameSession = target.prefix.replace(/^https?:\/\/[^/]+/, '') === fresh.prefix.replace(/^https?:\/\/[^/]+/, '');
  if (!sameSession || fresh.expiresAtSec <= target.expiresAtSec) {
    return url;
  }
  return `${target.prefix}${fresh.expiresAtSec}.${fresh.signature}${target.rest}`;
};
