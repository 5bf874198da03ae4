/**
 * `reprise serve` (HTTP server + workers, the default) and `reprise worker` (workers only, for more machines on
 * the same database and data folder).
 */
import { parseArgs } from 'node:util';
import { isRepriseError, RepriseError } from '../../shared/errors.js';
import { startService, type ServiceOptions } from '../../service/runtime.js';
import type { CliIo } from '../io.js';

const SERVE_USAGE = `Usage: reprise serve [options]

Runs the catalog, the processing workers and the HTTP server (API, media origin, web player).
With no options: an embedded database under ./reprise-data, and the bundled sample meeting ingested.

Options:
  --data <dir>          data folder: catalog, recordings, media (default ./reprise-data)
  --database <url>      a PostgreSQL server (postgres://…) instead of the embedded catalog
  --watch <dir>         a Janus rec_dir: finished recordings are grouped and processed automatically
  --quiet-sec <n>       how long a recording must stop growing before it is taken (default 10)
  --host <addr>         listen address (default 127.0.0.1)
  --port <n>            listen port (default 8080; 0 = any free port)
  --http2               HTTP/2 (with --tls-cert and --tls-key: h2 over TLS; without: cleartext h2c)
  --tls-cert <file>     TLS certificate (PEM)
  --tls-key <file>      TLS private key (PEM)
  --no-worker           no workers in this process (run 'reprise worker' elsewhere)
  --no-sample           do not ingest the bundled sample meeting into an empty catalog
  --log-level <level>   fatal, error, warn, info, debug (default info)
`;

const WORKER_USAGE = `Usage: reprise worker --database <url> [--data <dir>]

Runs processing workers only: convert, compose, package and thumbnails jobs from the shared database.
The data folder must be the one the server uses (a shared file system).
`;

const intOption = (value: string | undefined, name: string, fallback: number): number => {
  if (value === undefined) {
    return fallback;
  }
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    throw new RepriseError('CLI_USAGE', `--${name} takes a non-negative number, not ${JSON.stringify(value)}`);
  }
  return parsed;
};

export const runServe = async (args: string[], io: CliIo, mode: 'serve' | 'worker' = 'serve'): Promise<number> => {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      database: { type: 'string' },
      watch: { type: 'string' },
      'quiet-sec': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      http2: { type: 'boolean' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'no-worker': { type: 'boolean' },
      'no-sample': { type: 'boolean' },
      'lease-sec': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    io.stdout.write(mode === 'serve' ? SERVE_USAGE : WORKER_USAGE);
    return 0;
  }
  if (mode === 'worker' && values.database === undefined) {
    io.stderr.write(`reprise worker: --database is required (workers share the server's PostgreSQL)\n\n${WORKER_USAGE}`);
    return 2;
  }
  const options: ServiceOptions = {
    dataDir: values.data ?? 'reprise-data',
    ...(values.database === undefined ? {} : { databaseUrl: values.database }),
    ...(values.watch === undefined ? {} : { watchDir: values.watch }),
    quietMs: intOption(values['quiet-sec'], 'quiet-sec', 10) * 1000,
    leaseMs: intOption(values['lease-sec'], 'lease-sec', 60) * 1000,
    worker: mode === 'worker' || values['no-worker'] !== true,
    http:
      mode === 'serve'
        ? {
            host: values.host ?? '127.0.0.1',
            port: intOption(values.port, 'port', 8080),
            http2: values.http2 === true,
            ...(values['tls-cert'] === undefined ? {} : { tlsCertFile: values['tls-cert'] }),
            ...(values['tls-key'] === undefined ? {} : { tlsKeyFile: values['tls-key'] }),
          }
        : null,
    sample: mode === 'serve' && values['no-sample'] !== true && values.watch === undefined,
    logLevel: values['log-level'] ?? 'info',
  };
  let service: Awaited<ReturnType<typeof startService>>;
  try {
    service = await startService(options, (line) => io.stdout.write(`${line}\n`));
  } catch (error) {
    if (isRepriseError(error)) {
      io.stderr.write(`reprise ${mode}: ${error.code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  io.stdout.write('reprise: stopping (jobs in progress are taken over by another worker or at the next start)\n');
  await service.close();
  return 0;
};
