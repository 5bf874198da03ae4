/**
 * Real Chromium for tests (Debian's /usr/bin/chromium through playwright-core; never `playwright install`),
 * and a tiny static file server on 127.0.0.1 to feed it.
 */
import { createReadStream, mkdtempSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const launchChromium = async (): Promise<{ context: BrowserContext; close: () => Promise<void> }> => {
  const userDataDir = mkdtempSync(join(tmpdir(), 'reprise-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  return { context, close: () => context.close() };
};

export type { Browser };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
  '.vtt': 'text/vtt; charset=utf-8',
  '.jpg': 'image/jpeg',
};

/** Serves files from the given roots (url prefix → folder) on 127.0.0.1, on a free port. */
export const serveStatic = async (roots: Record<string, string>): Promise<{ url: string; close: () => Promise<void> }> => {
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const prefix = Object.keys(roots).find((candidate) => path.startsWith(candidate));
    if (prefix === undefined) {
      response.writeHead(404).end();
      return;
    }
    const relative = normalize(path.slice(prefix.length)).replace(/^(\.\.[/\\])+/, '');
    const file = join(roots[prefix]!, relative);
    try {
      if (!statSync(file).isFile()) {
        throw new Error('not a file');
      }
    } catch {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'access-control-allow-origin': '*' });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
};
