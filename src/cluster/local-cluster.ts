import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NatsBus } from '../bus/nats-bus.ts';

const godwitBin = fileURLToPath(new URL('../../bin/godwit.mjs', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface LocalClusterOptions {
  apis: number;
  workers: number;
  /** postgres:// URL of the database every process shares. */
  databaseUrl: string;
  natsUrl: string;
  /** Stream and subject prefix of this cluster on the NATS server (default: fresh random names). */
  stream?: string;
  prefix?: string;
  partitions?: number;
  /** Roles of every worker (default all). */
  roles?: string;
  /** More environment for every process (e.g. GODWIT_CONCURRENCY). */
  env?: Record<string, string>;
  /** Where a process's output goes besides being kept (e.g. the terminal of `npm run cluster`). */
  echo?: (name: string, line: string) => void;
}

/** One `godwit api` or `godwit worker` child process; restartable. */
export class GodwitProcess {
  child: ChildProcess | undefined;
  url = '';
  private output = '';
  private exit: Promise<void> = Promise.resolve();
  startedAt = 0;

  constructor(
    readonly name: string,
    readonly command: 'api' | 'worker',
    private readonly env: NodeJS.ProcessEnv,
    private readonly echo?: (name: string, line: string) => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the process printed (the last 200 KB). */
  logs(): string {
    return this.output;
  }

  /** Starts the process and resolves once it answers GET /readyz with 200. */
  async start(timeoutMs = 60_000): Promise<void> {
    const child = spawn(process.execPath, [godwitBin, this.command], {
      cwd: repoRoot,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.startedAt = Date.now();
    this.url = '';
    let printed = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.output = (this.output + text).slice(-200_000);
      for (const line of text.split('\n')) if (line.trim()) this.echo?.(this.name, line);
      // This incarnation's address (a restart gets a new port).
      if (!this.url) printed += text;
      this.url ||= /(http:\/\/[\d.]+:\d+)(\/v1|\/metrics)/.exec(printed)?.[1] ?? '';
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    this.exit = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + timeoutMs;
    while (!(this.url && (await ready(this.url)))) {
      if (!this.alive || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${this.name} did not become ready:\n${this.output.slice(-4000)}`);
      }
      await sleep(100);
    }
  }

  /** Sends `signal` (SIGTERM: graceful) and waits for the exit; SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 30_000): Promise<void> {
    if (!this.alive) return;
    this.child?.kill(signal);
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exit;
    clearTimeout(timer);
  }
}

async function ready(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) })).status === 200;
  } catch {
    return false;
  }
}

/**
 * N `godwit api` and M `godwit worker` processes on this machine against one PostgreSQL database
 * and one NATS server, for the cluster script, the failure test and the benchmark. The first API
 * starts alone (it migrates the database and creates the first workspace, whose keys it prints).
 */
export class LocalCluster {
  readonly apis: GodwitProcess[] = [];
  readonly workers: GodwitProcess[] = [];
  writeKey = '';
  secretKey = '';
  readonly env: NodeJS.ProcessEnv;

  constructor(readonly options: LocalClusterOptions) {
    const tag = randomBytes(4).toString('hex');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOG_LEVEL: process.env.LOG_LEVEL && process.env.LOG_LEVEL !== 'silent' ? process.env.LOG_LEVEL : 'warn',
      PORT: '0',
      GODWIT_DATA_DIR: mkdtempSync(join(tmpdir(), 'godwit-cluster-')),
      DATABASE_URL: options.databaseUrl,
      NATS_URL: options.natsUrl,
      GODWIT_NATS_STREAM: options.stream ?? `GODWIT_CLUSTER_${tag}`,
      GODWIT_NATS_PREFIX: options.prefix ?? `cluster_${tag}`,
      GODWIT_PARTITIONS: String(options.partitions ?? 16),
      // Every process must seal and sign with the same key.
      GODWIT_MASTER_KEY: process.env.GODWIT_MASTER_KEY ?? randomBytes(32).toString('hex'),
      ...options.env,
    };
    delete env.GODWIT_CONFIG;
    delete env.GODWIT_ROLES;
    if (options.roles) env.GODWIT_ROLES = options.roles;
    this.env = env;
  }

  static async start(options: LocalClusterOptions): Promise<LocalCluster> {
    const cluster = new LocalCluster(options);
    try {
      const first = cluster.process('api');
      await first.start();
      cluster.writeKey = /Write key:\s+(\S+)/.exec(first.logs())?.[1] ?? '';
      cluster.secretKey = /Secret key:\s+(\S+)/.exec(first.logs())?.[1] ?? '';
      const rest = [
        ...Array.from({ length: options.apis - 1 }, () => cluster.process('api')),
        ...Array.from({ length: options.workers }, () => cluster.process('worker')),
      ];
      await Promise.all(rest.map((p) => p.start()));
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** Adds a process (not started). */
  process(command: 'api' | 'worker'): GodwitProcess {
    const list = command === 'api' ? this.apis : this.workers;
    const made = new GodwitProcess(`${command}-${list.length + 1}`, command, this.env, this.options.echo);
    list.push(made);
    return made;
  }

  /** Deletes this cluster's stream and claim bucket from the NATS server. */
  async destroyStream(): Promise<void> {
    const bus = await NatsBus.connect({
      url: this.options.natsUrl,
      stream: String(this.env.GODWIT_NATS_STREAM),
      subjectPrefix: String(this.env.GODWIT_NATS_PREFIX),
      partitions: Number(this.env.GODWIT_PARTITIONS),
    });
    await bus.destroy();
    await bus.close();
  }

  /** Stops every process gracefully (workers first, so they finish and hand back their partitions). */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((p) => p.stop()));
    await Promise.all(this.apis.map((p) => p.stop()));
    rmSync(String(this.env.GODWIT_DATA_DIR), { recursive: true, force: true });
  }
}
