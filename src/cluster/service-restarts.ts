import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The pid and command line of the nats-server listening on `port`, from /proc. */
export function findNatsServer(port = 4222): { pid: number; argv: string[] } | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue;
    }
    const [bin = ''] = argv;
    if (!bin.endsWith('nats-server')) continue;
    const p = argv.indexOf('-p');
    if ((p >= 0 ? Number(argv[p + 1]) : 4222) === port) return { pid: Number(entry), argv };
  }
  return undefined;
}

/** True when something on `port` greets like a NATS server (`INFO {…}`). */
const natsAnswers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('data', (chunk) => done(chunk.toString().startsWith('INFO')));
    socket.once('error', () => done(false));
  });

/**
 * Stops the NATS server on `port` (SIGTERM to its pid; JetStream keeps its file store) and starts
 * it again with the very same command line, detached, so it keeps running after this process.
 * With no server running, starts the one .ci/run starts. Resolves when the new one is up.
 */
export async function restartNats(options: { port?: number; downMs?: number } = {}): Promise<number> {
  const port = options.port ?? 4222;
  const running = findNatsServer(port);
  const argv = running?.argv ?? [
    'nats-server',
    '-a',
    '127.0.0.1',
    '-p',
    String(port),
    '-js',
    '-sd',
    '/var/lib/nats-server',
  ];
  if (running) {
    process.kill(running.pid, 'SIGTERM');
    for (let i = 0; i < 100 && findNatsServer(port); i++) await sleep(100);
  }
  await sleep(options.downMs ?? 0);
  const [bin = 'nats-server', ...args] = argv;
  const child = spawn(bin, args, { detached: true, stdio: 'ignore' });
  child.unref();
  for (let i = 0; i < 100 && !(await natsAnswers(port)); i++) await sleep(100);
  await sleep(300);
  return child.pid ?? 0;
}

/** Restarts the local PostgreSQL cluster as .ci/run starts it (every connection is cut). */
export function restartPostgres(): void {
  const version = readdirSync('/etc/postgresql')[0];
  if (!version) throw new Error('no PostgreSQL cluster under /etc/postgresql');
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { stdio: 'ignore' });
}
