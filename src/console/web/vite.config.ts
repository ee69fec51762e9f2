import { mkdirSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Lists every source file of the repository that went into the bundle (the console imports a few of
 * the server's modules), so `consoleBuildIsStale` can tell when a change anywhere needs a new build.
 */
function recordSources(): Plugin {
  return {
    name: 'godwit-record-sources',
    generateBundle() {
      const files = [...this.getModuleIds()]
        .map((id) => id.split('?')[0] ?? id)
        .filter((id) => id.startsWith(repoRoot) && !id.includes('/node_modules/'))
        .map((id) => relative(repoRoot, id));
      mkdirSync(new URL('../../../dist/', import.meta.url), { recursive: true });
      writeFileSync(new URL('../../../dist/console-sources.json', import.meta.url), JSON.stringify(files.sort()));
    },
  };
}

/** The console's build: `npm run build:console` (also run by install and start) writes dist/console. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  plugins: [recordSources()],
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
