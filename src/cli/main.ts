/** `reprise <command>`: argv in, exit code out. Nothing else in Reprise decides the exit code. */
import { createRequire } from 'node:module';
import { runCompose } from './commands/compose.js';
import { runConvert } from './commands/convert.js';
import { runInspect } from './commands/inspect.js';
import { runServe } from './commands/serve.js';
import { runSessions } from './commands/sessions.js';
import type { CliIo, Command } from './io.js';

const USAGE = `Usage: reprise <command> [options]

Commands:
  inspect <file.mjr>... [--json]          what Janus recordings hold: codec, times, packets, damage
  convert <in.mjr> [<in2.mjr>] -o <out>   recordings to WebM/MP4/Ogg/WAV/WebVTT, audio and video merged
  sessions <dir> [--json]                 a folder of recordings as sessions, participants and tracks
  compose <dir> --layout L -o <out.mp4>   the whole meeting in one picture, voices mixed
  serve [--watch <dir>] [--data <dir>]    the service: catalog, processing, API, media origin, web player
  worker --database <url>                 processing workers only, on a shared database (more machines)

Run 'reprise <command> --help' for a command's options.
`;

const COMMANDS: Record<string, Command> = {
  inspect: runInspect,
  convert: runConvert,
  sessions: runSessions,
  compose: runCompose,
  serve: (args, io) => runServe(args, io, 'serve'),
  worker: (args, io) => runServe(args, io, 'worker'),
};

const packageVersion = (): string => {
  const require = createRequire(import.meta.url);
  return (require('../../package.json') as { version: string }).version;
};

export const main = async (argv: string[], io: CliIo): Promise<number> => {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr.write(`reprise: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(args, io);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      io.stderr.write(`reprise ${name}: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
};
