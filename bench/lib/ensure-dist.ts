/** The CLI under test runs from dist/: build it when it is missing, warn when src/ changed after the build. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Returns a warning when dist/ looks older than src/, or null. Throws when a needed build fails. */
export const ensureDist = (repoRoot: string, options: { forceBuild: boolean }): string | null => {
  const entry = join(repoRoot, 'dist/cli/main.js');
  if (options.forceBuild || !existsSync(entry)) {
    console.log(options.forceBuild ? 'building dist/ (npm run build)…' : 'dist/ is missing: npm run build…');
    const result = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
    if (result.status !== 0) {
      throw new Error(`npm run build failed (${result.error?.message ?? `exit code ${result.status}`})`);
    }
    return null;
  }
  const builtMs = statSync(entry).mtimeMs;
  const newer = findNewestSource(join(repoRoot, 'src'));
  return newer !== null && newer.modifiedMs > builtMs ? `dist/ is older than ${newer.path}: measuring the last build (run with --build to rebuild)` : null;
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
