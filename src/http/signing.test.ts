import { describe, expect, test } from 'vitest';
import { createMediaToken, signMediaPath, verifyMediaToken } from './signing.js';

describe('signed media URLs', () => {
  const secret = 'a-test-secret-of-32-bytes-length';
  const sessionId = 'videoroom-1234-1700000000';
  const expiresAtSec = 1_800_000_000;

  test('the token sits before the path so relative playlist URIs stay signed', () => {
    const path = signMediaPath({ sessionId, expiresAtSec, secret, path: 'hls/720p/playlist.m3u8' });
    expect(path).toMatch(/^\/media\/videoroom-1234-1700000000\/1800000000\.[A-Za-z0-9_-]{43}\/hls\/720p\/playlist\.m3u8$/);
    const segment = new URL('seg-00001.m4s', `http://origin${path}`).pathname;
    const master = new URL('../master.m3u8', `http://origin${path}`).pathname;
    const token = path.split('/')[3]!;
    expect(segment).toBe(`/media/${sessionId}/${token}/hls/720p/seg-00001.m4s`);
    expect(master).toBe(`/media/${sessionId}/${token}/hls/master.m3u8`);
  });

  test('names are percent-encoded', () => {
    expect(signMediaPath({ sessionId, expiresAtSec, secret, path: 'a b/é.jpg' })).toMatch(/\/a%20b\/%C3%A9\.jpg$/);
  });

  test.each(['../x', 'a//b', '/abs', 'x.tmp', '.hidden', ''])('refuses to sign %j', (path) => {
    expect(() => signMediaPath({ sessionId, expiresAtSec, secret, path })).toThrow(TypeError);
  });

  test('refuses bad arguments', () => {
    expect(() => createMediaToken({ sessionId: 'a/b', expiresAtSec, secret })).toThrow(/sessionId/);
    expect(() => createMediaToken({ sessionId, expiresAtSec: 1.5, secret })).toThrow(/expiresAtSec/);
    expect(() => createMediaToken({ sessionId, expiresAtSec, secret: 'short' })).toThrow(/secret/);
  });

  const token = createMediaToken({ sessionId, expiresAtSec, secret });
  const [digits, signature] = token.split('.') as [string, string];
  const flip = (text: string): string => `${text.slice(0, -2)}${text.at(-2) === 'A' ? 'B' : 'A'}${text.at(-1)!}`;
  const cases: Array<{ name: string; sessionId?: string; token?: string; secret?: string | Buffer; nowSec?: number; expected: string }> = [
    { name: 'valid', expected: 'ok' },
    { name: 'valid until the second before expiry', nowSec: expiresAtSec - 1, expected: 'ok' },
    { name: 'secret as a Buffer', secret: Buffer.from(secret), expected: 'ok' },
    { name: 'expired at expiresAtSec', nowSec: expiresAtSec, expected: 'MEDIA_SIGNATURE_EXPIRED' },
    { name: 'expired later', nowSec: expiresAtSec + 3600, expected: 'MEDIA_SIGNATURE_EXPIRED' },
    { name: 'wrong session', sessionId: 'videoroom-1234-1700000001', expected: 'MEDIA_SIGNATURE_INVALID' },
    { name: 'tampered signature', token: `${digits}.${flip(signature)}`, expected: 'MEDIA_SIGNATURE_INVALID' },
    { name: 'tampered expiry (later)', token: `${Number(digits) + 3600}.${signature}`, expected: 'MEDIA_SIGNATURE_INVALID' },
    { name: 'tampered expiry, already past, still reads as invalid', token: `100.${signature}`, nowSec: 200, expected: 'MEDIA_SIGNATURE_INVALID' },
    { name: 'leading zero in the expiry', token: `0${token}`, expected: 'MEDIA_SIGNATURE_INVALID' },
    { name: 'other secret', secret: 'another-secret-of-32-bytes-lengt', expected: 'MEDIA_SIGNATURE_INVALID' },
    { name: 'truncated signature', token: token.slice(0, -1), expected: 'MEDIA_SIGNATURE_INVALID' },
    { name: 'padded signature', token: `${token}=`, expected: 'MEDIA_SIGNATURE_INVALID' },
    { name: 'no dot', token: token.replace('.', ''), expected: 'MEDIA_SIGNATURE_INVALID' },
    { name: 'empty', token: '', expected: 'MEDIA_SIGNATURE_INVALID' },
    { name: 'bad session id', sessionId: '..', expected: 'MEDIA_SIGNATURE_INVALID' },
  ];
  test.each(cases)('$name', (testCase) => {
    const result = verifyMediaToken({
      sessionId: testCase.sessionId ?? sessionId,
      token: testCase.token ?? token,
      secret: testCase.secret ?? secret,
      nowSec: testCase.nowSec ?? expiresAtSec - 600,
    });
    expect(result.ok ? 'ok' : result.code).toBe(testCase.expected);
  });
});
