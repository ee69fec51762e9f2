import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The checkout root, so `bin/godwit.mjs` runs as a user would run it. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const godwitBin = fileURLToPath(new URL('../../bin/godwit.mjs', import.meta.url));

export interface StoreEnv {
  /** Where the embedded SQLite file lives (always set, so a stray ./data is never touched). */
  dataDir: string;
  /** A postgres:// URL switches the child to PostgreSQL. */
  databaseUrl?: string;
}

/** The child's environment: ours, minus any store settings we did not choose. */
function childEnv(store: StoreEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', GODWIT_DATA_DIR: store.dataDir, ...extra };
  delete env.DATABASE_URL;
  delete env.GODWIT_CONFIG;
  if (store.databaseUrl) env.DATABASE_URL = store.databaseUrl;
  return env;
}

/** A port that was free a moment ago, for tests that need to know it before starting a server. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Present only when this start created the first workspace and printed its keys. */
  firstStart?: { writeKey: string; secretKey: string };
  /** Everything printed on stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited, with its signal or exit code. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (graceful) unless told otherwise; resolves once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `godwit start` in a child process and waits until it answers GET /healthz. */
export async function startServerProcess(
  store: StoreEnv,
  options: { timeoutMs?: number; port?: number; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  // By default PORT=0: the OS picks a free port and the banner prints it, so no two tests race for one.
  const child = spawn(process.execPath, [godwitBin, 'start'], {
    cwd: repoRoot,
    env: childEnv(store, { ...options.env, PORT: String(options.port ?? 0) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const printedUrl = () => /API:\s+(http:\/\/\S+)\/v1/.exec(out)?.[1];
  // The banner is printed after listen(), so wait for both it and a healthy answer.
  while (!(out.includes('Press Ctrl+C to stop.') && (await healthy(printedUrl())))) {
    if (gone || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`godwit start did not come up (exited: ${gone})\nstdout:\n${out}\nstderr:\n${err}`);
    }
    await sleep(50);
  }
  const url = printedUrl() as string;
  const writeKey = /Write key:\s+(\S+)/.exec(out)?.[1];
  const secretKey = /Secret key:\s+(\S+)/.exec(out)?.[1];
  return {
    child,
    url,
    firstStart: writeKey && secretKey ? { writeKey, secretKey } : undefined,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (!gone) child.kill(signal);
      return exited;
    },
  };
}

async function healthy(url: string | undefined): Promise<boolean> {
  if (!url) return false;
  try {
    const response = await fetch(`${url}/healthz`);
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Runs one `godwit <args>` command to completion. */
export function runCli(
  args: string[],
  store: StoreEnv,
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [godwitBin, ...args], {
      cwd: repoRoot,
      env: childEnv(store, options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`godwit ${args.join(' ')} timed out\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
