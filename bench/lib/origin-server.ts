/**
 * The reprise side of bench/origin.ts, run as its own process: a fastify app, as `reprise serve` builds it
 * (logger off, nothing but the media routes), serving one session folder on 127.0.0.1.
 *
 *   node --import tsx bench/lib/origin-server.ts <root> <port> [<memory cache MiB>]
 *   (env REPRISE_MEDIA_SECRET, REPRISE_SESSION_ID)
 *
 * Prints `listening <port>` once it accepts connections; stops on SIGTERM.
 */
import Fastify from 'fastify';
import { DEFAULT_MEMORY_CACHE } from '../../src/server/media-cache.js';
import { registerMediaRoutes } from '../../src/server/media.js';

const [root, portText, cacheMibText] = process.argv.slice(2);
const secret = process.env['REPRISE_MEDIA_SECRET'];
const sessionId = process.env['REPRISE_SESSION_ID'];
if (root === undefined || portText === undefined || secret === undefined || sessionId === undefined) {
  console.error('usage: origin-server.ts <root> <port>, with REPRISE_MEDIA_SECRET and REPRISE_SESSION_ID set');
  process.exit(2);
}

const app = Fastify({ logger: false, keepAliveTimeout: 60_000 });
const memoryCache = cacheMibText === undefined ? DEFAULT_MEMORY_CACHE : { ...DEFAULT_MEMORY_CACHE, maxBytes: Number(cacheMibText) * 1024 * 1024 };
registerMediaRoutes(app, { resolveSessionRoot: async (id) => (id === sessionId ? root : null), secret, memoryCache });
await app.listen({ host: '127.0.0.1', port: Number(portText) });
console.log(`listening ${portText}`);

// Nothing to flush: exit at once, whatever keep-alive connections wrk left open.
process.once('SIGTERM', () => process.exit(0));
