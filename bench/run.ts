/**
 * `npm run bench -- <name> [options]`: runs one benchmark by name. Each benchmark is a module
 * under bench/ exporting `run(argv)`; add a line to the table to add one.
 */
type Benchmark = { description: string; load(): Promise<{ run(argv: string[]): Promise<void> }> };

const benchmarks: Record<string, Benchmark> = {
  bus: {
    description: 'Bus adapters (in-process, NATS JetStream): publish/s with N in flight, consume/s, medians',
    load: () => import('./bus.ts'),
  },
  ingest: {
    description: 'HTTP /v1/batch events/s against raw inserts; profile catch-up; server memory',
    load: () => import('./ingest.ts'),
  },
  journeys: {
    description: 'events entering a journey → outbox per second, p99 latency at 2,000/s, 1M timers firing',
    load: () => import('./journeys.ts'),
  },
  import: {
    description: 'CLI import of a customers CSV (1,000,000 rows) into a running server, end to end',
    load: () => import('./import.ts'),
  },
  decisioning: {
    description: 'simulated 100,000 customers × 60 days: fixed, random, Godwit and oracle engagement; decide() p99',
    load: () => import('./decisioning.ts'),
  },
  delivery: {
    description:
      'outbox → dev sink and → SMTP messages/s; a provider failing 30% and down a minute: all delivered once',
    load: () => import('./delivery.ts'),
  },
  console: {
    description: 'web console in Chromium: first-load JS gzipped, TTI of a 10,000-event timeline and a 30-node journey',
    load: () => import('./console.ts'),
  },
  cluster: {
    description:
      'scale-out: events/s and sends/s with 1, 2, 3 workers vs one process, p99 event → outbox; --drill: failure drill',
    load: () => import('./cluster.ts'),
  },
  'journeys-crash': {
    description: 'SIGKILL at random points while customers go through a 5-node journey; counts lost and duplicate work',
    load: () => import('./journeys-crash.ts'),
  },
};

function usage(): string {
  const lines = Object.entries(benchmarks).map(([name, b]) => `  ${name.padEnd(15)} ${b.description}`);
  return `Usage: npm run bench -- <name> [options]   (options: see bench/README.md)\n\n${lines.join('\n')}`;
}

const [name, ...rest] = process.argv.slice(2);
const benchmark = name ? benchmarks[name] : undefined;
if (!benchmark) {
  console.error(name && name !== '--help' ? `unknown benchmark "${name}"\n\n${usage()}` : usage());
  process.exit(name && name !== '--help' ? 1 : 0);
}
try {
  await (await benchmark.load()).run(rest);
} catch (error) {
  console.error(`bench ${name}: ${(error as Error)?.stack ?? String(error)}`);
  process.exit(1);
}
