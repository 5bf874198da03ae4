/**
 * Starts a throw-away nginx (Debian's /usr/sbin/nginx) serving one folder on 127.0.0.1, for comparison
 * tests and the origin bench. Everything nginx writes (pid, error and access logs, temp folders, config)
 * goes to its own temporary folder; `stop()` ends the master by its pid and removes the folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NGINX = process.env['NGINX'] ?? '/usr/sbin/nginx';

export const hasNginx = (): boolean => spawnSync(NGINX, ['-v'], { stdio: 'ignore' }).error === undefined;

/** The extension → type map nginx gets, the same as src/http/content-type.ts for what the tests use. */
const TYPES = `
    application/vnd.apple.mpegurl m3u8;
    video/iso.segment m4s;
    video/mp4 mp4;
    video/webm webm;
    text/vtt vtt;
    image/jpeg jpg;
    application/json json;
`;

export type NginxOptions = {
  root: string;
  port?: number;
  /** Access log in the temp folder (tests) or off (bench). */
  accessLog?: boolean;
  /** Extra directives inside `http { }`. */
  httpDirectives?: string;
  /** A command nginx runs under, e.g. `['taskset', '-c', '1']` (it must exec nginx, keeping the pid). */
  wrapper?: readonly string[];
};

export type NginxServer = { port: number; baseUrl: string; pid: number; dir: string; stop(): Promise<void> };

/** A port that was free a moment ago (the usual race, fine for tests). */
export const findFreePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export const renderNginxConfig = (dir: string, options: NginxOptions & { port: number }): string => `
# One worker: the benches compare one nginx process with one Node process.
worker_processes 1;
${process.getuid?.() === 0 ? 'user root root;  # as root, workers would otherwise run as nobody and not read 0700 temp folders' : ''}
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  types { ${TYPES} }
  default_type application/octet-stream;
  access_log ${options.accessLog === false ? 'off' : join(dir, 'access.log')};
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  sendfile on;
  tcp_nopush on;
  etag on;
  max_ranges 100;
  keepalive_requests 1000000;
  ${options.httpDirectives ?? ''}
  server {
    listen 127.0.0.1:${options.port};
    root ${options.root};
    location / { }
  }
}
`;

/** Starts nginx in the foreground (`daemon off`) and waits until it accepts connections. */
export const startNginx = async (options: NginxOptions): Promise<NginxServer> => {
  const dir = await mkdtemp(join(tmpdir(), 'reprise-nginx-'));
  const port = options.port ?? (await findFreePort());
  const configPath = join(dir, 'nginx.conf');
  await writeFile(configPath, renderNginxConfig(dir, { ...options, port }));
  const command = [...(options.wrapper ?? []), NGINX, '-p', dir, '-c', configPath, '-e', join(dir, 'error.log'), '-g', 'daemon off;'];
  const child: ChildProcess = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`nginx exited with ${child.exitCode}: ${stderr}`);
    }
    if (await canConnect(port)) {
      return { port, baseUrl: `http://127.0.0.1:${port}`, pid: child.pid!, dir, stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`nginx did not start listening on ${port}: ${stderr}`);
};
