import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The console's build: `npm run build:console` (also run by install and start) writes dist/console. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Pages and heavy libraries (charts, graph, editor) are lazy chunks; sizes are measured by `npm run bench -- console`.
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      // React Flow marks itself "use client" for server-component bundlers; meaningless in a plain SPA.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
