/**
 * The web player's files (web/dist, built by Vite) at /: hashed assets cached for good, index.html revalidated,
 * and every other path answered with index.html so the player's own routes (/sessions/<id>) load directly.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { contentTypeFor } from '../http/content-type.js';

const RESERVED = ['/api/', '/media/', '/healthz', '/metrics'];

export const registerWebRoutes = async (app: FastifyInstance, webRoot: string): Promise<void> => {
  const root = await realpath(webRoot).catch(() => null);
  const index = root === null ? null : await readFile(join(root, 'index.html')).catch(() => null);
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = decodeURIComponent(request.url.split('?')[0]!);
    if (RESERVED.some((prefix) => path.startsWith(prefix))) {
      return reply.status(404).send({ error: { code: 'API_NOT_FOUND', message: `no route ${request.method} ${path}` } });
    }
    if (root === null || index === null) {
      return reply
        .status(503)
        .type('text/html; charset=utf-8')
        .send('<!doctype html><title>Reprise</title><p>The web player is not built: run <code>npm run build:web</code> (the API is at <code>/api</code>).</p>');
    }
    if (path.startsWith('/assets/') && !path.includes('\0') && !path.includes('..')) {
      const file = join(root, path);
      const real = await realpath(file).catch(() => null);
      if (real !== null && real.startsWith(root + sep) && (await stat(real)).isFile()) {
        return reply
          .header('cache-control', 'public, max-age=31536000, immutable')
          .type(contentTypeFor(real))
          .send(await readFile(real));
      }
      return reply.status(404).send({ error: { code: 'API_NOT_FOUND', message: `no file ${path}` } });
    }
    const direct = /^\/[A-Za-z0-9._-]+\.(svg|png|ico|txt|webmanifest)$/.test(path) ? await readFile(join(root, path)).catch(() => null) : null;
    if (direct !== null) {
      return reply.header('cache-control', 'public, max-age=3600').type(contentTypeFor(path)).send(direct);
    }
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index);
  });
};
