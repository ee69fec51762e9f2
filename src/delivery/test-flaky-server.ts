import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP receiver that fails a share of requests with 503 (before accepting them) and can be
 * taken down (every request 503) for a while. It counts each Idempotency-Key it accepted, so a
 * test or bench can check that every message arrived exactly once.
 */
export class FlakyServer {
  readonly accepted = new Map<string, number>();
  requests = 0;
  refused = 0;
  /** Requests that came while it was down. */
  duringOutage = 0;
  private downUntil = 0;
  private server: Server | undefined;

  constructor(
    private readonly options: {
      /** Share of requests refused with 503 while up. */
      failureRate: number;
      /** Draws in [0, 1); seeded in tests. */
      random: () => number;
    },
  ) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        this.requests += 1;
        const key = String(request.headers['idempotency-key'] ?? '');
        const down = Date.now() < this.downUntil;
        if (down) this.duringOutage += 1;
        if (down || this.options.random() < this.options.failureRate) {
          this.refused += 1;
          response.writeHead(503).end('unavailable');
          return;
        }
        this.accepted.set(key, (this.accepted.get(key) ?? 0) + 1);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Refuses everything for `ms` from now. */
  goDown(ms: number): void {
    this.downUntil = Date.now() + ms;
  }

  get isDown(): boolean {
    return Date.now() < this.downUntil;
  }

  /** Keys accepted more than once. */
  duplicates(): string[] {
    return [...this.accepted].filter(([, n]) => n > 1).map(([key]) => key);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** A small seeded generator (mulberry32), so a flaky run fails the same requests each time. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
