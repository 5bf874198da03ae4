import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { fileTarget, MediaFileSource, type ResolvedFile } from './media-cache.js';
import { closeQuietly, MediaFileOpener, type OpenFailure } from './media-files.js';

let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'reprise-media-cache-'));
  root = join(base, 'root');
  await mkdir(join(root, 'dir'), { recursive: true });
  await writeFile(join(base, 'outside.m4s'), 'outside');
  await symlink(join(base, 'outside.m4s'), join(root, 'escape.m4s'));
  for (const name of ['a.m4s', 'b.m4s', 'c.m4s']) {
    await writeFile(join(root, name), randomBytes(4_000));
  }
  await writeFile(join(root, 'large.mp4'), randomBytes(20_000));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const kindOf = (resolved: ResolvedFile | OpenFailure): string => {
  if (typeof resolved === 'string') {
    return resolved;
  }
  if (resolved.kind === 'descriptor') {
    closeQuietly(resolved.fd);
  }
  return resolved.kind;
};

const memoryOf = (resolved: ResolvedFile | OpenFailure): Extract<ResolvedFile, { kind: 'memory' }> => {
  if (typeof resolved === 'string' || resolved.kind !== 'memory') {
    throw new Error(`expected a file in memory, got ${kindOf(resolved)}`);
  }
  return resolved;
};

describe('MediaFileSource', () => {
  const source = (maxBytes = 10_000): MediaFileSource => new MediaFileSource(new MediaFileOpener(Date.now), { maxBytes, maxFileBytes: 8_000 }, Date.now);

  test.each([
    [['a.m4s'], 'memory'],
    [['large.mp4'], 'descriptor'],
    [['missing.m4s'], 'not-found'],
    [['dir'], 'not-found'],
    [['escape.m4s'], 'outside-root'],
  ])('%j → %s', async (segments, kind) => {
    expect(kindOf(await source().resolve(fileTarget(root, segments, false)))).toBe(kind);
  });

  test('maxBytes 0: always a descriptor', async () => {
    expect(kindOf(await source(0).resolve(fileTarget(root, ['a.m4s'], false)))).toBe('descriptor');
  });

  test('least recently used files leave first, within maxBytes', async () => {
    const files = source();
    for (const name of ['a.m4s', 'b.m4s', 'a.m4s', 'c.m4s']) {
      expect(kindOf(await files.resolve(fileTarget(root, [name], false)))).toBe('memory');
    }
    expect(files.sizeBytes).toBe(8_000);
    const opener = (files as unknown as { opener: MediaFileOpener }).opener;
    const open = vi.spyOn(opener, 'open');
    await files.resolve(fileTarget(root, ['a.m4s'], false)); // kept: used after b
    await files.resolve(fileTarget(root, ['c.m4s'], false));
    expect(open).not.toHaveBeenCalled();
    await files.resolve(fileTarget(root, ['b.m4s'], false)); // evicted
    expect(open).toHaveBeenCalledTimes(1);
  });

  test('a burst of requests for a cold file reads it once', async () => {
    const files = source();
    const open = vi.spyOn((files as unknown as { opener: MediaFileOpener }).opener, 'open');
    const results = await Promise.all(Array.from({ length: 10 }, () => files.resolve(fileTarget(root, ['b.m4s'], false))));
    expect(results.map(kindOf)).toEqual(Array(10).fill('memory'));
    expect(open).toHaveBeenCalledTimes(1);
  });

  test('a file replaced by rename is read again', async () => {
    const files = source();
    const before = memoryOf(await files.resolve(fileTarget(root, ['c.m4s'], false)));
    const replacement = randomBytes(4_000);
    await writeFile(join(root, 'c.m4s.tmp'), replacement);
    await rename(join(root, 'c.m4s.tmp'), join(root, 'c.m4s'));
    const after = memoryOf(await files.resolve(fileTarget(root, ['c.m4s'], false)));
    expect(after.facts.inode).not.toBe(before.facts.inode);
    expect(after.content.equals(replacement)).toBe(true);
  });

  test('immutable files are re-checked once per window, others on every request', async () => {
    let nowMs = 1_000_000;
    const files = new MediaFileSource(new MediaFileOpener(() => nowMs), { maxBytes: 100_000, maxFileBytes: 8_000, immutableRecheckMs: 1_000 }, () => nowMs);
    const original = memoryOf(await files.resolve(fileTarget(root, ['a.m4s'], true)));
    const replacement = randomBytes(4_000);
    await writeFile(join(root, 'a.m4s.tmp'), replacement);
    await rename(join(root, 'a.m4s.tmp'), join(root, 'a.m4s'));
    nowMs += 999;
    expect(memoryOf(await files.resolve(fileTarget(root, ['a.m4s'], true))).content).toBe(original.content);
    expect(memoryOf(await files.resolve(fileTarget(root, ['a.m4s'], false))).content.equals(replacement)).toBe(true);
    nowMs += 1;
    expect(memoryOf(await files.resolve(fileTarget(root, ['a.m4s'], true))).content.equals(replacement)).toBe(true);
  });
});
