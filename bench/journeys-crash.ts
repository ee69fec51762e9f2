import { parseArgs } from 'node:util';
import { type CrashCounts, runJourneyCrash } from '../src/journeys/runtime/test-crash-run.ts';
import { fmtInt, fmtSec, intFlag, log, printTable, type Row } from './lib/report.ts';

/**
 * The issue's crash figure: SIGKILL at random points while 100,000 customers go through a five-node
 * journey, restart, ten times; every customer finishes, no duplicate sends, no lost runs.
 */
export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      customers: { type: 'string' },
      kills: { type: 'string' },
      seed: { type: 'string' },
      batch: { type: 'string' },
      connections: { type: 'string' },
      wait: { type: 'string' },
      rate: { type: 'string' },
      'max-uptime': { type: 'string' },
      trace: { type: 'boolean' },
    },
  });
  const customers = intFlag(values.customers, 100_000, 'customers');
  const kills = intFlag(values.kills, 10, 'kills');
  const seed = intFlag(values.seed, 1, 'seed');
  const batchCustomers = intFlag(values.batch, 250, 'batch');
  const connections = intFlag(values.connections, 4, 'connections');
  const wait = values.wait ?? '2s';
  const maxUptimeMs = intFlag(values['max-uptime'], 20, 'max-uptime') * 1000;
  const rate = values.rate === undefined ? 0 : intFlag(values.rate, 0, 'rate');
  log(
    `journeys-crash: ${fmtInt(customers)} customers, ${kills} kills, seed ${seed}, waits ${wait}, ` +
      `${batchCustomers} customers per request over ${connections} connections` +
      (rate > 0 ? `, ${fmtInt(rate)} sign-ups/s` : ''),
  );
  const report = await runJourneyCrash({
    customers,
    kills,
    seed,
    batchCustomers,
    connections,
    rate,
    wait,
    maxUptimeMs,
    trace: values.trace ?? false,
    log,
  });
  const c = report.counts;

  const kill = report.kills.map(
    (k, i) =>
      `  ${String(i + 1).padStart(2)}. ${fmtSec(k.atMs).padStart(8)}  up ${fmtSec(k.uptimeMs).padStart(7)}  ` +
      `${(k.progress * 100).toFixed(1).padStart(5)}%  ${k.phase.padEnd(9)}  ` +
      `${fmtInt(k.ackedCustomers)} acked, ${fmtInt(k.runs)} runs, ${fmtInt(k.sends)} sends; ` +
      `this server did ${fmtInt(k.journeyWork)} runs+sends`,
  );
  console.log(`\nkills (time since start, server uptime, work done, phase, counts at the kill)\n${kill.join('\n')}`);

  const n = c.acknowledgedCustomers;
  const exactly = (value: number, want: number, text: string): Row['target'] => ({ met: value === want, text });
  const count = (what: string, key: keyof CrashCounts, target?: Row['target'], detail?: string): Row => ({
    what,
    value: fmtInt(c[key]),
    target,
    detail,
  });
  printTable(`journeys-crash: ${fmtInt(customers)} customers, ${report.kills.length} SIGKILLs, seed ${seed}`, [
    count('customers acknowledged (200)', 'acknowledgedCustomers', exactly(n, customers, `= ${fmtInt(customers)}`)),
    count('requests cut off by kills', 'requestsCutOff', undefined, 'retried with the same messageIds'),
    count('acknowledged events lost', 'acknowledgedEventsLost', exactly(c.acknowledgedEventsLost, 0, '= 0')),
    count('customers with Signed Up stored', 'customersWithSignedUp', exactly(c.customersWithSignedUp, n, '= acked')),
    count('runs', 'runs', exactly(c.runs, n, '= acked')),
    count('lost runs (no run)', 'lostRuns', exactly(c.lostRuns, 0, '= 0')),
    count('customers with >1 run', 'customersWithSeveralRuns', exactly(c.customersWithSeveralRuns, 0, '= 0')),
    count('runs completed', 'runsCompleted', exactly(c.runsCompleted, n, '= acked')),
    count('runs finished otherwise', 'runsFinishedOtherwise', exactly(c.runsFinishedOtherwise, 0, '= 0')),
    count('runs not finished', 'runsNotFinished', exactly(c.runsNotFinished, 0, '= 0')),
    count('outbox rows', 'outboxRows', exactly(c.outboxRows, 3 * n, '= 3 × acked')),
    count('distinct idempotency keys', 'outboxDistinctKeys', exactly(c.outboxDistinctKeys, c.outboxRows, '= rows')),
    count('keys not runId:nodeId:1', 'outboxKeysMalformed', exactly(c.outboxKeysMalformed, 0, '= 0')),
    count('runs without 1 row per send', 'runsWithoutThreeSends', exactly(c.runsWithoutThreeSends, 0, '= 0')),
    count('duplicate sends', 'duplicateSends', exactly(c.duplicateSends, 0, '= 0')),
    count('outbox pending / suppressed', 'outboxPending', undefined, `${fmtInt(c.outboxSuppressed)} suppressed`),
    count('timers left', 'timersLeft', exactly(c.timersLeft, 0, '= 0')),
    count('journey counters: started', 'countedStarted', exactly(c.countedStarted, c.runs, '= runs')),
    count('journey counters: completed', 'countedCompleted', exactly(c.countedCompleted, c.runsCompleted, '= done')),
    count('journey cursor lag (events)', 'journeyCursorLag', exactly(c.journeyCursorLag, 0, '= 0')),
    { what: 'wall time', value: fmtSec(report.wallMs), detail: `settled ${fmtSec(report.settleMs)} after the load` },
  ]);
  if (report.problems.length > 0) console.log(`problems:\n${report.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  if (report.serverLogs) console.log(`server logged (warn and above):\n${summariseLogs(report.serverLogs)}\n`);
  if (report.problems.length > 0) process.exitCode = 1;
}

/** Server log lines (pino JSON) grouped by level and message, with how often each came. */
function summariseLogs(text: string): string {
  const seen = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let key = line.slice(0, 300);
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      key = `level ${entry.level}: ${entry.msg ?? ''}${entry.err?.message ? ` (${entry.err.message})` : ''}`;
    } catch {}
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].map(([key, n]) => `  ${String(n).padStart(6)} × ${key}`).join('\n');
}
