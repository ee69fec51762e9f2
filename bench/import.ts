import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTestPostgresDatabase } from '../src/storage/test-databases.ts';
import { writeCustomersCsv } from './lib/customers-csv.ts';
import { fmtInt, fmtMb, fmtRate, fmtSec, intFlag, log, printTable } from './lib/report.ts';
import { cpuTime, godwitEnv, peakRss, repoRoot, type ServerProcess, startServer } from './lib/server-process.ts';

/** The targets for 1,000,000 customers. */
const TARGETS = { seconds: 120, serverRss: 2 ** 30 };

interface CliRun {
  ms: number;
  /** When the CLI moved from appending events to waiting for profiles, ms after it started. */
  appendedMs: number | undefined;
  peakRss: number;
  serverPeakRss: number;
  cpuMs: number;
  serverCpuMs: number;
  /** Events not yet folded into profiles when the CLI finished appending. */
  lagWhenAppended: Promise<number> | undefined;
  summary: string;
}

/** Runs `godwit import <file>` as its own process, sampling both processes' VmHWM until it exits. */
async function runImport(options: { file: string; dataDir: string; databaseUrl?: string; server: ServerProcess }) {
  const start = performance.now();
  const child = spawn(process.execPath, ['bin/godwit.mjs', 'import', options.file], {
    cwd: repoRoot,
    env: godwitEnv(options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: CliRun = {
    ms: 0,
    appendedMs: undefined,
    peakRss: 0,
    serverPeakRss: 0,
    cpuMs: 0,
    serverCpuMs: 0,
    lagWhenAppended: undefined,
    summary: '',
  };
  const serverCpuBefore = cpuTime(options.server.pid);
  let output = '';
  let lastProgress = 0;
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-20_000);
    if (run.appendedMs === undefined && text.includes('Building profiles')) {
      run.appendedMs = performance.now() - start;
      run.lagWhenAppended = options.server.metric('godwit_profile_lag_events').catch(() => Number.NaN);
    }
    if (performance.now() - lastProgress > 10_000) {
      lastProgress = performance.now();
      log(`  cli: ${text.trim().split('\n').pop()}`);
    }
  });
  child.stdout?.resume();
  const sample = () => {
    run.peakRss = Math.max(run.peakRss, peakRss(child.pid as number));
    run.serverPeakRss = Math.max(run.serverPeakRss, peakRss(options.server.pid));
    run.cpuMs = Math.max(run.cpuMs, cpuTime(child.pid as number));
  };
  const sampler = setInterval(sample, 100);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  run.ms = performance.now() - start;
  run.serverCpuMs = cpuTime(options.server.pid) - serverCpuBefore;
  if (code !== 0) throw new Error(`godwit import exited with ${code}:\n${output}`);
  run.summary = /[\d,]+ rows: .*/.exec(output)?.[0] ?? '';
  return run;
}

async function counts(server: ServerProcess): Promise<{ customers: number; events: number }> {
  const response = await fetch(`${server.url}/v1/workspace`, {
    headers: { authorization: `Bearer ${server.secretKey}` },
  });
  return (await response.json()) as { customers: number; events: number };
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { rows: { type: 'string' }, store: { type: 'string', default: 'sqlite' } },
  });
  const rows = intFlag(values.rows, 1_000_000, 'rows');
  if (values.store !== 'sqlite' && values.store !== 'postgres') throw new Error('--store must be sqlite or postgres');
  const dir = mkdtempSync(join(tmpdir(), 'godwit-bench-import-'));
  const database = values.store === 'postgres' ? await createTestPostgresDatabase() : undefined;
  let server: ServerProcess | undefined;
  try {
    const file = join(dir, 'customers.csv');
    const t = performance.now();
    const bytes = await writeCustomersCsv(file, rows);
    log(`import: wrote ${fmtInt(rows)} customers (${fmtMb(bytes)}) in ${fmtSec(performance.now() - t)}`);
    const dataDir = join(dir, 'data');
    server = await startServer({ dataDir, databaseUrl: database?.url });
    log(`  server pid ${server.pid} on ${server.url} (${values.store}); running godwit import`);
    const cli = await runImport({ file, dataDir, databaseUrl: database?.url, server });
    const stored = await counts(server);
    const lag = await server.metric('godwit_profile_lag_events');
    cli.serverPeakRss = Math.max(cli.serverPeakRss, await server.stop());
    const logged = server.logged();
    server = undefined;
    if (logged) log(`the server logged:\n${logged.slice(0, 4000)}`);
    if (stored.customers !== rows || lag !== 0) {
      throw new Error(`expected ${rows} customers and no profile lag, found ${stored.customers} customers, lag ${lag}`);
    }
    const profilesMs = cli.appendedMs === undefined ? undefined : cli.ms - cli.appendedMs;
    printTable(`import — ${fmtInt(rows)} customers from CSV (${values.store}), one run`, [
      {
        what: 'wall time, CLI start to exit',
        value: fmtSec(cli.ms),
        target:
          rows === 1_000_000 ? { met: cli.ms < TARGETS.seconds * 1000, text: `< ${TARGETS.seconds} s` } : undefined,
        detail: cli.summary,
      },
      { what: 'rows/s end to end', value: fmtRate((rows / cli.ms) * 1000) },
      {
        what: '  appending events',
        value: cli.appendedMs === undefined ? '?' : fmtSec(cli.appendedMs),
        detail: cli.appendedMs === undefined ? '' : fmtRate((rows / cli.appendedMs) * 1000),
      },
      {
        what: '  then waiting for profiles',
        value: profilesMs === undefined ? '?' : fmtSec(profilesMs),
        detail: cli.lagWhenAppended ? `${fmtInt(await cli.lagWhenAppended)} events still to fold` : '',
      },
      {
        what: 'server peak RSS (VmHWM)',
        value: fmtMb(cli.serverPeakRss),
        target: { met: cli.serverPeakRss < TARGETS.serverRss, text: '< 1 GB' },
      },
      { what: 'CLI peak RSS (VmHWM)', value: fmtMb(cli.peakRss), detail: 'sampled every 100 ms' },
      { what: 'CPU time: server / CLI', value: `${fmtSec(cli.serverCpuMs)} / ${fmtSec(cli.cpuMs)}` },
      { what: 'customers / events stored', value: `${fmtInt(stored.customers)} / ${fmtInt(stored.events)}` },
    ]);
  } finally {
    await server?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
