import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/app/test-processes.ts';

/** The checkout root, so `bin/godwit.mjs` resolves whatever the caller's working directory. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  url: string;
  pid: number;
  writeKey: string;
  secretKey: string;
  /** The first admin's console sign-in, as printed on first start (absent on a restart). */
  admin?: { email: string; password: string };
  /** The value of one unlabelled metric from GET /metrics. */
  metric(name: string): Promise<number>;
  /** Stops with SIGTERM (a clean close), returning the peak RSS in bytes read just before. */
  stop(): Promise<number>;
  /** What the server logged (warnings and errors only, at LOG_LEVEL=warn). */
  logged(): string;
}

export interface StartOptions {
  dataDir: string;
  databaseUrl?: string;
  /** Extra node flags for the server, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** On a restart the keys are not printed again: pass the ones the first start printed. */
  keys?: { writeKey: string; secretKey: string };
}

/** The environment Godwit processes get: the caller's, minus anything that would pick another store. */
export function godwitEnv(options: { dataDir: string; databaseUrl?: string; port?: number }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GODWIT_DATA_DIR: options.dataDir, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.GODWIT_CONFIG;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  if (options.port) env.PORT = String(options.port);
  return env;
}

/**
 * Starts `node bin/godwit.mjs start` as its own process on a free port, reads the first-start keys it
 * prints, and resolves once GET /healthz answers.
 */
export async function startServer(options: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), 'bin/godwit.mjs', 'start'], {
    cwd: repoRoot,
    env: godwitEnv({ ...options, port }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 100_000) stderr = stderr.slice(-50_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const keys = await waitForStart({ child, url, exited, known: options.keys, output: () => ({ stdout, stderr }) });
  const pid = child.pid as number;
  return {
    url,
    pid,
    ...keys,
    metric: (name) => readMetric(url, name),
    logged: () => stdout.split('Press Ctrl+C to stop.').slice(1).join('').trim() + stderr.trim(),
    async stop() {
      const peak = peakRss(pid);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
      return peak;
    },
  };
}

async function waitForStart(options: {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  known?: { writeKey: string; secretKey: string };
  output: () => { stdout: string; stderr: string };
}): Promise<{ writeKey: string; secretKey: string; admin?: { email: string; password: string } }> {
  let dead = false;
  void options.exited.then(() => {
    dead = true;
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { stdout, stderr } = options.output();
    if (dead) throw new Error(`the server exited during start:\n${stdout}\n${stderr}`);
    const writeKey = options.known?.writeKey ?? /Write key:\s+(\S+)/.exec(stdout)?.[1];
    const secretKey = options.known?.secretKey ?? /Secret key:\s+(\S+)/.exec(stdout)?.[1];
    const admin = /Admin sign-in:\s+(\S+) \/ (\S+)/.exec(stdout);
    if (writeKey && secretKey && (await healthy(options.url))) {
      return {
        writeKey,
        secretKey,
        admin: admin ? { email: admin[1] as string, password: admin[2] as string } : undefined,
      };
    }
    await sleep(100);
  }
  options.child.kill('SIGKILL');
  throw new Error(`the server did not become healthy (or print its first-start keys) within 60 s`);
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`)).ok;
  } catch {
    return false;
  }
}

async function readMetric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`metric ${name} not found in GET /metrics`);
  return Number(line.slice(name.length + 1));
}

/** VmHWM: the most resident memory the process has had, in bytes; 0 once it has gone. */
export function peakRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) the process has used so far, in ms; 0 once it has gone. */
export function cpuTime(pid: number): number {
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** USER_HZ, 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/** Polls the profile lag until it reaches 0; resolves with the time it took in ms. */
export async function waitForProfiles(server: ServerProcess, timeoutMs = 30 * 60_000): Promise<number> {
  const start = performance.now();
  while ((await server.metric('godwit_profile_lag_events')) > 0) {
    if (performance.now() - start > timeoutMs) throw new Error('profiles did not catch up in time');
    await sleep(25);
  }
  return performance.now() - start;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
