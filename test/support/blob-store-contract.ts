/**
 * What every blob store adapter must do (the file-system one now, S3 later): run with
 * `describeBlobStoreContract(name, create)` beside the adapter.
 */
import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/store/blob-store.js';

const text = async (stream: NodeJS.ReadableStream): Promise<string> => {
  let out = '';
  for await (const chunk of stream) {
    out += chunk.toString();
  }
  return out;
};

export const describeBlobStoreContract = (name: string, create: () => BlobStore): void => {
  describe(`${name}: the blob store contract`, () => {
    it('stores whole objects and reads them back, whole or by byte span', async () => {
      const store = create();
      await store.put('s1/o1/hls/master.m3u8', '#EXTM3U\n');
      await store.put('s1/o1/hls/720p/seg-00000.m4s', new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
      expect(await store.readText('s1/o1/hls/master.m3u8')).toBe('#EXTM3U\n');
      expect(await store.stat('s1/o1/hls/720p/seg-00000.m4s')).toMatchObject({ key: 's1/o1/hls/720p/seg-00000.m4s', sizeBytes: 10 });
      const bytes: number[] = [];
      for await (const chunk of await store.read('s1/o1/hls/720p/seg-00000.m4s', { firstByte: 2, lastByte: 4 })) {
        bytes.push(...(chunk as Buffer));
      }
      expect(bytes).toEqual([2, 3, 4]);
      expect(await text(await store.read('s1/o1/hls/master.m3u8'))).toBe('#EXTM3U\n');
    });

    it('replaces an object whole, and says when there is none', async () => {
      const store = create();
      await store.put('s/a.json', '{"v":1}');
      await store.put('s/a.json', '{"v":2}');
      expect(await store.readText('s/a.json')).toBe('{"v":2}');
      expect(await store.stat('s/none.json')).toBeNull();
      expect(await store.readText('s/none.json')).toBeNull();
      await expect(store.read('s/none.json')).rejects.toMatchObject({ code: 'IO_NOT_FOUND' });
    });

    it('lists and removes by prefix, and nothing else', async () => {
      const store = create();
      for (const key of ['a/1/x.m4s', 'a/1/y/z.m4s', 'a/2/x.m4s', 'ab/1/x.m4s']) {
        await store.put(key, key);
      }
      expect(await store.list('a/1/')).toEqual(['a/1/x.m4s', 'a/1/y/z.m4s']);
      expect(await store.list('a/')).toEqual(['a/1/x.m4s', 'a/1/y/z.m4s', 'a/2/x.m4s']);
      expect(await store.list('zz/')).toEqual([]);
      await store.removePrefix('a/1/');
      expect(await store.list('a/')).toEqual(['a/2/x.m4s']);
      expect(await store.list('ab/')).toEqual(['ab/1/x.m4s']);
      await store.removePrefix('nothing/here/');
    });

    it('refuses keys that could leave the store', async () => {
      const store = create();
      for (const key of ['../x', 'a/../../x', '/abs', 'a//b', 'a/.hidden', '', 'a\\b', 'a/b\0']) {
        await expect(store.put(key, 'x'), key).rejects.toMatchObject({ code: 'MEDIA_FORBIDDEN' });
      }
      await expect(store.removePrefix('../')).rejects.toMatchObject({ code: 'MEDIA_FORBIDDEN' });
    });
  });
};
