import { Agent, request } from 'node:http';

export interface LoadOptions {
  url: string;
  writeKey: string;
  /** Pre-serialised POST /v1/batch bodies, so building JSON costs the load generator nothing while timed. */
  bodies: readonly Buffer[];
  connections: number;
  /** Offered load in events/s; unset sends as fast as the server acknowledges. */
  rate?: { eventsPerSecond: number; eventsPerBody: number };
  /** Called with a body's index and the wall-clock time (ms) its 200 arrived. */
  onAck?: (index: number, at: number) => void;
}

/**
 * Posts every body to /v1/batch over `connections` keep-alive connections, each sending its next
 * body as soon as the previous one is acknowledged. Throws on the first non-200.
 */
export async function postBatches(options: LoadOptions): Promise<{ ms: number; requests: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const target = new URL('/v1/batch', options.url);
  const auth = `Basic ${Buffer.from(`${options.writeKey}:`).toString('base64')}`;
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < options.bodies.length) {
      const index = next++;
      if (options.rate) {
        const due = start + (index * options.rate.eventsPerBody * 1000) / options.rate.eventsPerSecond;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      await post({ agent, target, auth, body: options.bodies[index] as Buffer });
      options.onAck?.(index, Date.now());
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, worker));
  } finally {
    agent.destroy();
  }
  return { ms: performance.now() - start, requests: options.bodies.length };
}

function post(o: { agent: Agent; target: URL; auth: string; body: Buffer }): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      o.target,
      {
        method: 'POST',
        agent: o.agent,
        headers: { authorization: o.auth, 'content-type': 'application/json', 'content-length': o.body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          if (res.statusCode === 200) resolve();
          else reject(new Error(`POST /v1/batch answered ${res.statusCode}: ${Buffer.concat(chunks).toString()}`));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}
