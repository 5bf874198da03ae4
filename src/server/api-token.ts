/**
 * The API token: `REPRISE_API_TOKEN` when set; otherwise one generated at first start and kept in
 * `<data>/api-token` (mode 0600), so restarts keep it. Compared in constant time.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type ApiToken = { token: string; generated: boolean; path: string | null };

export const loadApiToken = async (dataDir: string, fromEnvironment = process.env['REPRISE_API_TOKEN']): Promise<ApiToken> => {
  if (fromEnvironment !== undefined && fromEnvironment.trim() !== '') {
    return { token: fromEnvironment.trim(), generated: false, path: null };
  }
  const path = join(dataDir, 'api-token');
  const existing = await readFile(path, 'utf8').catch(() => null);
  if (existing !== null && existing.trim().length >= 16) {
    return { token: existing.trim(), generated: false, path };
  }
  await mkdir(dataDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  return { token, generated: true, path };
};

/** The media-signing secret, kept beside the token (`<data>/media-secret`), or REPRISE_MEDIA_SECRET. */
export const loadMediaSecret = async (dataDir: string, fromEnvironment = process.env['REPRISE_MEDIA_SECRET']): Promise<Buffer> => {
  if (fromEnvironment !== undefined && fromEnvironment.trim() !== '') {
    return Buffer.from(fromEnvironment.trim(), 'utf8');
  }
  const path = join(dataDir, 'media-secret');
  const existing = await readFile(path, 'utf8').catch(() => null);
  if (existing !== null && existing.trim().length >= 32) {
    return Buffer.from(existing.trim(), 'base64url');
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32);
  await writeFile(path, `${secret.toString('base64url')}\n`, { mode: 0o600 });
  return secret;
};

export const tokensEqual = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** The token of a request: `Authorization: Bearer <token>`, or `?token=` (EventSource cannot send headers). */
export const requestToken = (authorization: string | undefined, query: unknown): string | null => {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (bearer !== null) {
    return bearer[1]!;
  }
  const fromQuery = (query as { token?: unknown } | null)?.token;
  return typeof fromQuery === 'string' ? fromQuery : null;
};
