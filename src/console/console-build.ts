import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, the console's sources and where its build goes (not committed: built on install and start). */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CONSOLE_SOURCE = join(ROOT, 'src', 'console', 'web');
export const CONSOLE_DIST = join(ROOT, 'dist', 'console');
/** Written by the build: every repository file in the bundle, including the server modules the console imports. */
const BUNDLED_SOURCES = join(ROOT, 'dist', 'console-sources.json');

function newestChange(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

const changedAt = (path: string) => {
  try {
    return newestChange(path);
  } catch {
    return Number.POSITIVE_INFINITY; // gone: build again
  }
};

/** True when there is no build, or a file that went into it (or the console folder, or the lock file) changed since. */
export function consoleBuildIsStale(): boolean {
  let built: number;
  let sources: string[];
  try {
    built = statSync(join(CONSOLE_DIST, 'index.html')).mtimeMs;
    sources = JSON.parse(readFileSync(BUNDLED_SOURCES, 'utf8'));
  } catch {
    return true;
  }
  const inputs = [CONSOLE_SOURCE, join(ROOT, 'package-lock.json'), ...sources.map((file) => join(ROOT, file))];
  return inputs.some((path) => changedAt(path) > built);
}

/** Builds the console with Vite when it is missing or stale (or always with `force`); throws when the build fails. */
export function ensureConsoleBuilt(options: { force?: boolean; quiet?: boolean } = {}): boolean {
  if (!options.force && !consoleBuildIsStale()) return false;
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(
    process.execPath,
    [
      vite,
      'build',
      '--config',
      join(CONSOLE_SOURCE, 'vite.config.ts'),
      ...(options.quiet ? ['--logLevel', 'warn'] : []),
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (result.status !== 0) throw new Error(`console build failed (vite exited with ${result.status})`);
  return true;
}
