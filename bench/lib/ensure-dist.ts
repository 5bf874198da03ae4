/** The CLI under test runs from dist/: build it when it is missing, warn when src/ changed after the build. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Returns a warning when dist/ looks older than src/, or null. Throws when a needed build fails.
 * `rebuildWhenStale`: build instead of warning when src/ changed after the last build; if that build fails
 * (src/ mid-edit) but tsc still emitted dist/, warn instead of throwing.
 */
export const ensureDist = (repoRoot: string, options: { forceBuild: boolean; rebuildWhenStale?: boolean }): string | null => {
  const entry = join(repoRoot, 'dist/cli/main.js');
  const newer = existsSync(entry) ? findNewestSource(join(repoRoot, 'src')) : null;
  const stale = newer !== null && newer.modifiedMs > statSync(entry).mtimeMs;
  if (options.forceBuild || !existsSync(entry) || (stale && options.rebuildWhenStale === true)) {
    const reason = options.forceBuild ? 'building dist/' : stale ? `dist/ is older than ${newer!.path}` : 'dist/ is missing';
    console.log(`${reason}: npm run build…`);
    const result = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
    if (result.status !== 0) {
      const problem = `npm run build failed (${result.error?.message ?? `exit code ${result.status}`})`;
      // src/ may be in the middle of someone's edit: tsc still emits, so a stale-triggered rebuild measures that.
      if (stale && !options.forceBuild && existsSync(entry)) {
        return `${problem}: measuring dist/ as tsc emitted it`;
      }
      throw new Error(problem);
    }
    return null;
  }
  return stale ? `dist/ is older than ${newer!.path}: measuring the last build (run with --build to rebuild)` : null;
};

const findNewestSource = (folder: string): { path: string; modifiedMs: number } | null => {
  let newest: { path: string; modifiedMs: number } | null = null;
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      const path = join(entry.parentPath, entry.name);
      const modifiedMs = statSync(path).mtimeMs;
      if (newest === null || modifiedMs > newest.modifiedMs) {
        newest = { path, modifiedMs };
      }
    }
  }
  return newest;
};
