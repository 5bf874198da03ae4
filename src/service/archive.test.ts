import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeZip } from '../../test/support/zip-writer.js';
import { archiveKindOf, extractRecordings } from './archive.js';

const LIMITS = { maxTotalBytes: 1024 * 1024, maxEntries: 100 };

const tarOf = async (entries: Array<{ name: string; bytes: Uint8Array }>): Promise<Buffer> => {
  const pack = tarStream.pack();
  for (const entry of entries) {
    pack.entry({ name: entry.name, size: entry.bytes.length }, Buffer.from(entry.bytes));
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'reprise-archive-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const extractInto = async (bytes: Buffer, name: string) => {
  const archive = join(folder, name);
  await writeFile(archive, bytes);
  const out = join(folder, 'out');
  await import('node:fs/promises').then((fs) => fs.mkdir(out));
  const result = await extractRecordings(archive, archiveKindOf(name)!, out, LIMITS);
  return { result, out };
};

const entries = [
  { name: 'room/videoroom-1-user-2-3-audio-0.mjr', bytes: new Uint8Array([1, 2, 3]) },
  { name: 'room/rec-1.nfo', bytes: new TextEncoder().encode('[1]\nname = Alice\n') },
  { name: 'room/notes.txt', bytes: new Uint8Array([9]) },
];

describe('extractRecordings', () => {
  it('knows archive kinds by name', () => {
    expect(['a.tar', 'a.TGZ', 'a.tar.gz', 'a.zip', 'a.mjr'].map(archiveKindOf)).toEqual(['tar', 'tgz', 'tgz', 'zip', null]);
  });

  for (const kind of ['tar', 'tar.gz', 'zip', 'zip-deflate'] as const) {
    it(`takes recordings by base name from a ${kind} and lists the rest as ignored`, async () => {
      const bytes =
        kind === 'tar' ? await tarOf(entries) : kind === 'tar.gz' ? gzipSync(await tarOf(entries)) : writeZip(entries.map((entry) => ({ ...entry, deflate: kind === 'zip-deflate' })));
      const { result, out } = await extractInto(bytes, kind === 'zip-deflate' ? 'x.zip' : `x.${kind}`);
      expect(result.taken.map((entry) => entry.name).sort()).toEqual(['rec-1.nfo', 'videoroom-1-user-2-3-audio-0.mjr']);
      expect(result.ignored).toEqual(['room/notes.txt']);
      expect((await readdir(out)).sort()).toEqual(['rec-1.nfo', 'videoroom-1-user-2-3-audio-0.mjr']);
      expect([...(await readFile(join(out, 'videoroom-1-user-2-3-audio-0.mjr')))]).toEqual([1, 2, 3]);
    });
  }

  it('never writes outside the folder: traversal names are flattened to their base name', async () => {
    const { result, out } = await extractInto(writeZip([{ name: '../../evil.mjr', bytes: new Uint8Array([7]) }, { name: '..\\..\\win.mjr', bytes: new Uint8Array([8]) }]), 'x.zip');
    expect(result.taken.map((entry) => entry.name).sort()).toEqual(['evil.mjr', 'win.mjr']);
    expect((await readdir(out)).sort()).toEqual(['evil.mjr', 'win.mjr']);
    expect((await readdir(folder)).sort()).toEqual(['out', 'x.zip']);
  });

  it('refuses the same file name twice, archives over the size limit, and damaged archives', async () => {
    await expect(extractInto(writeZip([{ name: 'a/x.mjr', bytes: new Uint8Array([1]) }, { name: 'b/x.mjr', bytes: new Uint8Array([2]) }]), 'x.zip')).rejects.toMatchObject({ code: 'UPLOAD_ARCHIVE' });
    await rm(join(folder, 'out'), { recursive: true });
    await expect(extractInto(writeZip([{ name: 'big.mjr', bytes: new Uint8Array(LIMITS.maxTotalBytes + 1) }]), 'x.zip')).rejects.toMatchObject({ code: 'UPLOAD_TOO_LARGE' });
    await rm(join(folder, 'out'), { recursive: true });
    await expect(extractInto(Buffer.from('not a zip at all'), 'x.zip')).rejects.toMatchObject({ code: 'UPLOAD_ARCHIVE' });
    await rm(join(folder, 'out'), { recursive: true });
    await expect(extractInto(Buffer.from('not a tarball, just text that is long enough'.repeat(20)), 'y.tar.gz')).rejects.toMatchObject({ code: 'UPLOAD_ARCHIVE' });
  });
});
