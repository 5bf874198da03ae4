/**
 * The API token: `REPRISE_API_TOKEN` when set; otherwise one generated at first start and kept in
 * `<data>/api-token` (mode 0600), so restarts keep it. Compared in constant time.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export type ApiToken = { token: string; generated: boolean; path: string | null };

type Secret = { value: string; from: 'environment' | 'file' | 'generated' };

/**
 * A secret from the environment when set; otherwise kept in a file of the data folder (mode 0600), created at
 * first start, so restarts keep it.
 */
const loadOrCreate = async (path: string, fromEnvironment: string | undefined, minLength: number, create: () => string): Promise<Secret> => {
  if (fromEnvironment !== undefined && fromEnvironment.trim() !== '') {
    return { value: fromEnvironment.trim(), from: 'environment' };
  }
  const existing = (await readFile(path, 'utf8').catch(() => '')).trim();
  if (existing.length >= minLength) {
    return { value: existing, from: 'file' };
  }
  await mkdir(dirname(path), { recursive: true });
  const value = create();
  await writeFile(path, `${value}\n`, { mode: 0o600 });
  return { value, from: 'generated' };
};

export const loadApiToken = async (dataDir: string, fromEnvironment = process.env['REPRISE_API_TOKEN']): Promise<ApiToken> => {
  const path = join(dataDir, 'api-token');
  const secret = await loadOrCreate(path, fromEnvironment, 16, () => randomBytes(24).toString('base64url'));
  return { token: secret.value, generated: secret.from === 'generated', path: secret.from === 'environment' ? null : path };
};

/** The media-signing secret, kept beside the token (`<data>/media-secret`), or REPRISE_MEDIA_SECRET. */
export const loadMediaSecret = async (dataDir: string, fromEnvironment = process.env['REPRISE_MEDIA_SECRET']): Promise<Buffer> => {
  const secret = await loadOrCreate(join(dataDir, 'media-secret'), fromEnvironment, 32, () => randomBytes(32).toString('base64url'));
  return secret.from === 'environment' ? Buffer.from(secret.value, 'utf8') : Buffer.from(secret.value, 'base64url');
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
