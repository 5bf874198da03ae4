import { describe, expect, test } from 'vitest';
import { parseSignedMediaUrl, withFreshSignature } from './signed-media';

const OLD = 'http://host/media/videoroom-1/1000.oldsig/out-1/hls/mosaic/seg-00001.m4s';
const FRESH = '/media/videoroom-1/2000.newsig/out-1/hls/master.m3u8';

describe('signed media URLs', () => {
  test('parse the session prefix, expiry, signature and path', () => {
    expect(parseSignedMediaUrl(OLD)).toEqual({ prefix: 'http://host/media/videoroom-1/', expiresAtSec: 1000, signature: 'oldsig', rest: '/out-1/hls/mosaic/seg-00001.m4s' });
    expect(parseSignedMediaUrl('http://host/api/sessions')).toBeNull();
  });
  test('a request takes the newer signature of the same session', () => {
    expect(withFreshSignature(OLD, FRESH)).toBe('http://host/media/videoroom-1/2000.newsig/out-1/hls/mosaic/seg-00001.m4s');
  });
  test('another session, an older signature, or an unsigned URL are left alone', () => {
    expect(withFreshSignature(OLD, '/media/other/2000.x/out-1/a')).toBe(OLD);
    expect(withFreshSignature(OLD, '/media/videoroom-1/900.x/out-1/a')).toBe(OLD);
    expect(withFreshSignature('http://host/x.m3u8', FRESH)).toBe('http://host/x.m3u8');
  });
});
