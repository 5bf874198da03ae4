/**
 * The web player's build: `npm run build:web` (= `vite build --config web/vite.config.ts`) writes web/dist,
 * served by `reprise serve` at `/`. hls.js is imported lazily, so it lands in its own chunk.
 * `vite --config web/vite.config.ts` serves the sources with the API and media proxied to REPRISE_API (default:
 * `reprise serve` on port 8080).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env['REPRISE_API'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  // hls.js is one lazy chunk of ~580 kB (180 kB gzipped), loaded only on the replay page.
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 650 },
  server: { proxy: { '/api': api, '/media': api } },
});
