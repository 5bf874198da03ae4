/**
 * Assembles a running Reprise service: catalog database, job queue, workers, folder watcher, HTTP server.
 * `reprise serve` and `reprise worker` are thin shells over `startService`; tests start it in-process.
 */
import { hostname } from 'node:os';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { scanSessions } from '../api/sessions.js';
import { Catalog } from '../catalog/catalog.js';
import { startBoss, stopBoss } from '../jobs/boss.js';
import { buildApp } from '../server/app.js';
import { RepriseError } from '../shared/errors.js';
import { loadApiToken, loadMediaSecret } from '../server/api-token.js';
import { openDatabase, redactUrl } from '../store/database.js';
import { FileBlobStore } from '../store/file-blob-store.js';
import { dataLayout, type DataLayout } from './data-layout.js';
import { ingestSession } from './ingest.js';
import type { UploadLimits } from './upload.js';
import { JobService } from './jobs.js';
import { FolderWatcher } from './watch.js';

export type HttpOptions = { host: string; port: number; http2: boolean; tlsCertFile?: string; tlsKeyFile?: string };

export type ServiceOptions = {
  dataDir: string;
  databaseUrl?: string;
  watchDir?: string;
  quietMs?: number;
  watchIntervalMs?: number;
  leaseMs?: number;
  retryDelaySec?: number;
  worker: boolean;
  http: HttpOptions | null;
  /** Ingest the bundled sample meeting when the catalog is empty. */
  sample: boolean;
  logLevel?: string;
  /** Serve the web player from here (default: the package's web/dist). */
  webRoot?: string;
  /** How long signed media URLs stay valid (default 6 h). */
  mediaUrlTtlSec?: number;
  /** Upload size limits (default: 4 GiB per file, 16 GiB per upload, 1000 files). */
  uploadLimits?: UploadLimits;
};

export type RunningService = {
  layout: DataLayout;
  catalog: Catalog;
  jobs: JobService;
  app: FastifyInstance | null;
  /** http://host:port, when serving. */
  url: string | null;
  apiToken: string;
  databaseUrl: string;
  close(): Promise<void>;
};

const PACKAGE_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const SAMPLE_DIR = resolve(PACKAGE_ROOT, 'test/fixtures/real');

export const startService = async (options: ServiceOptions, print: (line: string) => void = () => undefined): Promise<RunningService> => {
  const layout = dataLayout(options.dataDir);
  const database = await openDatabase({ ...(options.databaseUrl === undefined ? {} : { url: options.databaseUrl }), dataDir: layout.root });
  const closers: Array<() => Promise<void>> = [() => database.close()];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse()) {
      await closer().catch((error) => print(`reprise: while stopping: ${(error as Error).message}`));
    }
  };
  try {
    const catalog = new Catalog(database.db);
    const boss = await startBoss(database.connectionString, { onError: (error) => print(`reprise: job queue: ${error.message}`) });
    closers.push(() => stopBoss(boss, { timeoutMs: 5000 }));
    const workerId = `${hostname()}:${process.pid}`;
    const media = new FileBlobStore(layout.mediaDir);
    const jobs = new JobService({
      boss,
      store: catalog,
      media,
      workerId,
      ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
      ...(options.retryDelaySec === undefined ? {} : { retryDelaySec: options.retryDelaySec }),
      log: (message, fields) => print(`reprise: ${message}${fields === undefined ? '' : ` ${JSON.stringify(fields)}`}`),
    });
    await jobs.init();
    // Every process sweeps for jobs lost by a dead worker; only workers run jobs.
    await jobs.startWorking({ sweepOnly: !options.worker });
    closers.push(() => jobs.stopWorking());
    const apiToken = await loadApiToken(layout.root);
    const mediaSecret = await loadMediaSecret(layout.root);
    let app: FastifyInstance | null = null;
    let url: string | null = null;
    if (options.http !== null) {
      const tls =
        options.http.tlsCertFile !== undefined && options.http.tlsKeyFile !== undefined
          ? { cert: await readFile(options.http.tlsCertFile), key: await readFile(options.http.tlsKeyFile) }
          : null;
      app = await buildApp({
        catalog,
        jobs,
        layout,
        media,
        apiToken: apiToken.token,
        mediaSecret,
        logLevel: options.logLevel ?? 'info',
        http2: options.http.http2,
        tls,
        webRoot: options.webRoot ?? resolve(PACKAGE_ROOT, 'web/dist'),
        ...(options.mediaUrlTtlSec === undefined ? {} : { mediaUrlTtlSec: options.mediaUrlTtlSec }),
        ...(options.uploadLimits === undefined ? {} : { uploadLimits: options.uploadLimits }),
        databasePing: async () => {
          await catalog.ping();
        },
      });
      closers.push(() => app!.close());
      const address = await app.listen({ host: options.http.host, port: options.http.port }).catch((error: NodeJS.ErrnoException) => {
        throw new RepriseError('SERVER_CONFIG', `cannot listen on ${options.http!.host}:${options.http!.port}: ${error.code === 'EADDRINUSE' ? 'the port is in use (choose another with --port)' : error.message}`, { cause: error });
      });
      url = address;
      print(`reprise: serving ${address} (catalog ${database.embedded ? `embedded, ${layout.catalogDir}, reachable at ${redactUrl(database.connectionString)}` : redactUrl(database.connectionString)})`);
      print(`reprise: open ${address}/#token=${apiToken.token}`);
      if (apiToken.generated) {
        print(`reprise: API token generated and kept in ${apiToken.path} (set REPRISE_API_TOKEN to choose one)`);
      }
    }
    if (options.watchDir !== undefined) {
      const watchDir = resolve(options.watchDir);
      const watcher = new FolderWatcher({
        folder: watchDir,
        quietMs: options.quietMs ?? 10_000,
        intervalMs: options.watchIntervalMs ?? 2000,
        onSession: async (session) => {
          const result = await ingestSession({ catalog, jobs }, session.manifest, session.folder, 'watch');
          print(`reprise: ${session.manifest.id}: ${result.action} (${session.files.length} recordings, ${session.manifest.participants.length} participants)`);
        },
        onRejected: async (recording) => {
          print(`reprise: skipped ${recording.path}: ${recording.code}: ${recording.message}`);
        },
        onError: (error) => print(`reprise: watching ${watchDir}: ${(error as Error).message}`),
      });
      watcher.start();
      closers.push(() => watcher.stop());
      print(`reprise: watching ${watchDir} (a recording is taken ${Math.round((options.quietMs ?? 10_000) / 1000)} s after it stops growing)`);
    }
    if (options.sample && (await catalog.listSessions({ limit: 1, offset: 0 })).total === 0) {
      const { sessions } = await scanSessions(SAMPLE_DIR, {});
      // The bundled meeting: the top-level recordings (sub-folders hold single-codec samples).
      const meeting = sessions.filter((session) => session.participants.every((participant) => participant.tracks.every((track) => !track.file.includes('/'))));
      for (const manifest of meeting) {
        await ingestSession({ catalog, jobs }, manifest, SAMPLE_DIR, 'sample');
        print(`reprise: sample meeting ${manifest.id} ingested (${manifest.participants.length} participants); processing starts now`);
      }
    }
    return { layout, catalog, jobs, app, url, apiToken: apiToken.token, databaseUrl: database.connectionString, close };
  } catch (error) {
    await close();
    throw error;
  }
};
