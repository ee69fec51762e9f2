import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';

/** What the thread is told: new profiled events or a due timer (`notify`), a journey changed, stop. */
export type ToJourneyThread = { type: 'notify' } | { type: 'journeys-changed' } | { type: 'stop' };
/** What it tells back: a change with outbox entries committed. */
export type FromJourneyThread = { type: 'committed' };

export interface JourneyThreadOptions {
  /** The SQLite file; the thread opens a connection of its own to it. */
  file: string;
  /** The server's WriteLock buffer, so the two threads' connections write in turn. */
  writeLock: SharedArrayBuffer;
  /** Names the thread in the cursor leases. */
  owner: string;
  logLevel: string;
  logger: Logger;
  /** Messages are in the outbox: delivery can take them now. */
  onCommitted: () => void;
}

const RESTART_MS = 1_000;

/**
 * The embedded server's journey runtime on a thread of its own: it follows the event log and fires
 * timers on its own SQLite connection (journey-thread-worker.ts), so journeys use the second core
 * while this thread serves requests, folds profiles and delivers. Writes on the two connections take
 * turns under one WriteLock; leases and idempotency keys make a thread that dies and restarts safe,
 * as they do for a process. API triggers and cancels stay on the caller's JourneyRuntime, as they
 * do in an API process of the scale-out layout.
 */
export class JourneyThread {
  private worker: Worker | undefined;
  private stopping = false;
  private stopped: Promise<void> = Promise.resolve();

  constructor(private readonly options: JourneyThreadOptions) {}

  start(): void {
    if (this.worker || this.stopping) return;
    const { file, writeLock, owner, logLevel } = this.options;
    const worker = new Worker(new URL('../../shared/typescript-worker-entry.mjs', import.meta.url), {
      workerData: {
        module: new URL('./journey-thread-worker.ts', import.meta.url).href,
        data: { file, writeLock, owner, logLevel },
      },
    });
    this.worker = worker;
    this.stopped = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: FromJourneyThread) => {
      if (message.type === 'committed') this.options.onCommitted();
    });
    worker.on('error', (error) => this.options.logger.error({ err: error }, 'journey thread failed'));
    worker.once('exit', (code) => {
      this.worker = undefined;
      if (this.stopping) return;
      this.options.logger.error({ code }, `journey thread exited; restarting in ${RESTART_MS / 1000} s`);
      setTimeout(() => this.start(), RESTART_MS).unref();
    });
  }

  notify(): void {
    this.post({ type: 'notify' });
  }

  journeysChanged(): void {
    this.post({ type: 'journeys-changed' });
  }

  /** Lets the batch in hand commit and the leases go, then ends the thread. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.post({ type: 'stop' });
    await this.stopped;
  }

  private post(message: ToJourneyThread): void {
    this.worker?.postMessage(message);
  }
}
