/**
 * Golden files: `expectGolden(name, text)` compares text with test/golden/<name>. A normal run fails when the file
 * is missing or differs; `UPDATE_GOLDEN=1` (re)writes it, to be reviewed in the diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';

const GOLDEN_DIR = join(import.meta.dirname, '..', 'golden');

export const expectGolden = (name: string, actual: string): void => {
  const path = join(GOLDEN_DIR, name);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) {
    throw new Error(`golden file test/golden/${name} is missing: run the test with UPDATE_GOLDEN=1 to create it, then review it`);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
};
