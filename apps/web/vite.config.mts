import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The instructor dashboard. React's JSX is compiled by Vite's own transform (oxc, automatic runtime);
// the production build is served by the api (apps/api/src/web/web-app.ts), same origin.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      onLog(level, log, handler) {
        // TanStack Query's "use client" markers mean nothing to a client-only build.
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
  server: {
    // `npx vite apps/web` during development: the api (npm run demo) answers /v1 and friends.
    proxy: Object.fromEntries(['/v1', '/docs', '/health', '/oidc'].map((path) => [path, 'http://127.0.0.1:3000'])),
  },
});
