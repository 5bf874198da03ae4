import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { describeBlobStoreContract } from '../../test/support/blob-store-contract.js';
import { FileBlobStore } from './file-blob-store.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'reprise-blobs-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describeBlobStoreContract('FileBlobStore', () => new FileBlobStore(root));
