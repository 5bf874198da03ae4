/**
 * The HTTP application: `buildApp(deps)` wires routes to the catalog, jobs and media folder; listening is the
 * caller's business (tests use `app.inject()`). Routes: /api (token), /media (signed URLs), /healthz, /metrics,
 * and the web player at /.
 */
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Catalog } from '../catalog/catalog.js';
import type { BlobStore } from '../store/blob-store.js';
import { RepriseError } from '../shared/errors.js';
import type { DataLayout } from '../service/data-layout.js';
import type { JobService } from '../service/jobs.js';
import type { UploadLimits } from '../service/upload.js';
import { registerSessionRoutes } from './api-sessions.js';
import { requestToken, tokensEqual } from './api-token.js';
import { registerUploadRoutes } from './api-uploads.js';
import { errorHandler } from './errors.js';
import { EventHub, registerEventRoute } from './events.js';
import { registerMediaRoutes } from './media.js';
import { createMetrics, type ServerMetrics } from './metrics.js';
import { registerWebRoutes } from './web.js';

export type AppDeps = {
  catalog: Catalog;
  jobs: JobService;
  layout: DataLayout;
  /** The published media (the origin serves its local folders). */
  media: BlobStore;
  apiToken: string;
  mediaSecret: Buffer;
  logLevel?: string;
  http2?: boolean;
  tls?: { cert: Buffer; key: Buffer } | null;
  webRoot?: string | null;
  uploadLimits?: UploadLimits;
  mediaUrlTtlSec?: number;
  /** Throws when the database cannot answer (for /healthz). */
  databasePing: () => Promise<void>;
  metrics?: ServerMetrics;
  now?: () => number;
};

const MAX_JSON_BODY_BYTES = 1024 * 1024;

const createServer = (deps: AppDeps): FastifyInstance => {
  const logger = deps.logLevel === 'silent' ? false : { level: deps.logLevel ?? 'info' };
  const common = {
    logger,
    bodyLimit: MAX_JSON_BODY_BYTES,
    trustProxy: false,
    return503OnClosing: true,
    // A line per API request; none per media request (a player fetches a segment every few seconds).
    logController: new LogController({ disableRequestLogging: (request: { url?: string }) => request.url?.startsWith('/media/') === true }),
    // Undecodable URLs (`%zz`) get the same coded JSON error as everything else.
    frameworkErrors: (error: Error, _request: unknown, reply: { status(code: number): { send(body: unknown): void } }) => {
      reply.status(400).send({ error: { code: 'API_BAD_REQUEST', message: error.message } });
    },
  };
  // One call shape for HTTP/1.1, HTTPS, h2c and h2: fastify's overloads differ only in the server type.
  const build = Fastify as unknown as (options: Record<string, unknown>) => FastifyInstance;
  const tls = deps.tls === null || deps.tls === undefined ? null : { cert: deps.tls.cert, key: deps.tls.key };
  if (deps.http2 === true) {
    return build({ ...common, http2: true, ...(tls === null ? {} : { https: { allowHTTP1: true, ...tls } }) });
  }
  return build({ ...common, ...(tls === null ? {} : { https: tls }) });
};

export const buildApp = async (deps: AppDeps): Promise<FastifyInstance> => {
  const app = createServer(deps);
  const metrics = deps.metrics ?? createMetrics();
  app.setErrorHandler(errorHandler);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Reprise', description: 'Janus recordings as synced meeting replays: catalog, jobs, uploads and a media origin.', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(multipart, { limits: { fieldNameSize: 200, headerPairs: 200 } });

  app.addHook('onRequest', async (request) => {
    (request as { startedAt?: bigint }).startedAt = process.hrtime.bigint();
    const path = request.url.split('?')[0]!;
    if (path.startsWith('/api/') && path !== '/api/docs') {
      const token = requestToken(request.headers.authorization, request.query);
      if (token === null || !tokensEqual(token, deps.apiToken)) {
        throw new RepriseError('API_UNAUTHORIZED', 'this API needs a token: Authorization: Bearer <token> (REPRISE_API_TOKEN, or the one printed at first start)');
      }
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    const startedAt = (request as { startedAt?: bigint }).startedAt;
    if (startedAt !== undefined) {
      metrics.durations.observe({ method: request.method, route }, Number(process.hrtime.bigint() - startedAt) / 1e9);
    }
  });

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await deps.databasePing();
      return { status: 'ok', database: 'ok' };
    } catch (error) {
      return reply.status(503).send({ status: 'unavailable', database: (error as Error).message });
    }
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    for (const row of await deps.catalog.jobCounts()) {
      metrics.jobs.set({ kind: row.kind, state: row.state }, row.count);
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const hub = new EventHub(async (sinceMs) => deps.catalog.changesSince(sinceMs));
  app.addHook('onClose', async () => hub.stop());
  registerEventRoute(app, hub);
  registerSessionRoutes(app, {
    catalog: deps.catalog,
    jobs: deps.jobs,
    layout: deps.layout,
    media: deps.media,
    mediaSecret: deps.mediaSecret,
    ...(deps.mediaUrlTtlSec === undefined ? {} : { mediaUrlTtlSec: deps.mediaUrlTtlSec }),
    ...(deps.now === undefined ? {} : { now: deps.now }),
  });
  registerUploadRoutes(app, { catalog: deps.catalog, jobs: deps.jobs, layout: deps.layout, ...(deps.uploadLimits === undefined ? {} : { limits: deps.uploadLimits }) });
  registerMediaRoutes(app, {
    secret: deps.mediaSecret,
    ...(deps.now === undefined ? {} : { now: deps.now }),
    // A missing folder answers 404 on its own: no stat here, on the origin's hot path.
    resolveSessionRoot: async (sessionId) => {
      try {
        return deps.media.localFolder(`${sessionId}/`);
      } catch {
        return null; // not a storage key (the store's own check)
      }
    },
  });
  app.get('/api/docs', { schema: { hide: true } }, async () => app.swagger());
  if (deps.webRoot !== null && deps.webRoot !== undefined) {
    await registerWebRoutes(app, deps.webRoot);
  }
  return app;
};
