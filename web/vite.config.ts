import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The dashboard builds into dist/web, which the server serves at /. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // npm run dev:web: hot reload here, the API from a server on its default port.
  server: {
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:8081', ws: true },
      '/api': 'http://127.0.0.1:8081',
    },
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
  },
});
