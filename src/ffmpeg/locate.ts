/**
 * Where the ffmpeg and ffprobe binaries are: `FFMPEG_PATH` / `FFPROBE_PATH` when set, else the first
 * executable of that name on `PATH` (ffprobe is looked for next to a configured ffmpeg first). The answer is
 * cached per process for each set of the three variables, so tests can pass their own `env`.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { RepriseError } from '../shared/errors.js';

export type FfmpegPaths = { ffmpeg: string; ffprobe: string };

export type LocateFfmpegOptions = { env?: Record<string, string | undefined> };

const INSTALL_HINT = 'install it with "apt-get install ffmpeg" (Debian/Ubuntu)';

const cache = new Map<string, FfmpegPaths>();

/** Forgets the cached answers (tests that change the binaries on disk). */
export const clearFfmpegLocationCache = (): void => {
  cache.clear();
};

const isExecutableFile = (path: string): boolean => {
  try {
    if (!statSync(path).isFile()) {
      return false;
    }
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const executableNames = (name: string, env: Record<string, string | undefined>): string[] => {
  if (process.platform !== 'win32') {
    return [name];
  }
  const extensions = (env['PATHEXT'] ?? '.EXE;.CMD;.BAT').split(';').filter((extension) => extension.length > 0);
  return [name, ...extensions.map((extension) => name + extension.toLowerCase())];
};

const searchPath = (name: string, env: Record<string, string | undefined>): string | null => {
  for (const directory of (env['PATH'] ?? '').split(delimiter)) {
    if (directory.length === 0) {
      continue;
    }
    for (const candidate of executableNames(name, env)) {
      const path = join(directory, candidate);
      if (isExecutableFile(path)) {
        return path;
      }
    }
  }
  return null;
};

const hasSeparator = (value: string): boolean => value.includes('/') || (process.platform === 'win32' && value.includes('\\'));

/** A configured value: a path (absolute, or relative to the working directory), or a bare name looked up on PATH. */
const fromVariable = (value: string, env: Record<string, string | undefined>): string | null => {
  if (!hasSeparator(value) && !isAbsolute(value)) {
    return searchPath(value, env);
  }
  const path = resolve(value);
  return isExecutableFile(path) ? path : null;
};

const missing = (tool: 'ffmpeg' | 'ffprobe', variable: string, configured: string | undefined): RepriseError => {
  const message =
    configured === undefined
      ? `${tool} not found: ${INSTALL_HINT} or set ${variable}`
      : `${tool} not found: ${variable} is ${JSON.stringify(configured)}, which is not an executable file; fix it, or unset it and ${INSTALL_HINT}`;
  return new RepriseError('FFMPEG_MISSING', message, { details: { tool, variable, configured: configured ?? null } });
};

const configuredValue = (env: Record<string, string | undefined>, variable: string): string | undefined => {
  const value = env[variable];
  return value === undefined || value.trim() === '' ? undefined : value;
};

/** Finds ffmpeg and ffprobe, or throws `FFMPEG_MISSING` saying how to install them. */
export const locateFfmpeg = ({ env = process.env }: LocateFfmpegOptions = {}): FfmpegPaths => {
  const ffmpegVariable = configuredValue(env, 'FFMPEG_PATH');
  const ffprobeVariable = configuredValue(env, 'FFPROBE_PATH');
  const key = JSON.stringify([ffmpegVariable ?? null, ffprobeVariable ?? null, env['PATH'] ?? null, process.cwd()]);
  const cached = cache.get(key);
  if (cached !== undefined) {
    return cached;
  }
  const ffmpeg = ffmpegVariable === undefined ? searchPath('ffmpeg', env) : fromVariable(ffmpegVariable, env);
  if (ffmpeg === null) {
    throw missing('ffmpeg', 'FFMPEG_PATH', ffmpegVariable);
  }
  let ffprobe: string | null;
  if (ffprobeVariable !== undefined) {
    ffprobe = fromVariable(ffprobeVariable, env);
  } else {
    const besideFfmpeg = executableNames('ffprobe', env)
      .map((name) => join(dirname(ffmpeg), name))
      .find(isExecutableFile);
    ffprobe = besideFfmpeg ?? searchPath('ffprobe', env);
  }
  if (ffprobe === null) {
    throw missing('ffprobe', 'FFPROBE_PATH', ffprobeVariable);
  }
  const paths = { ffmpeg, ffprobe };
  cache.set(key, paths);
  return paths;
};
