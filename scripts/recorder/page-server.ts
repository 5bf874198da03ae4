import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** Serves the publisher page and the Debian-packaged janus.js and webrtc-adapter on 127.0.0.1. */
const ROUTES: Record<string, { path: string; type: string }> = {
  '/': { path: fileURLToPath(new URL('./publisher-page.html', import.meta.url)), type: 'text/html; charset=utf-8' },
  '/lib/janus.js': { path: '/usr/share/javascript/janus-gateway/janus.js', type: 'text/javascript' },
  '/lib/adapter.js': { path: '/usr/share/javascript/webrtc-adapter/adapter.js', type: 'text/javascript' },
};

export type PageServer = { url: string; close: () => Promise<void> };

export async function startPageServer(port: number): Promise<PageServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    const route = ROUTES[path];
    if (request.method !== 'GET' || route === undefined) {
      response.writeHead(404).end();
      return;
    }
    readFile(route.path).then(
      (body) => response.writeHead(200, { 'content-type': route.type, 'cache-control': 'no-store' }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
