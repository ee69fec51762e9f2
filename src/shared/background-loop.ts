import type { Logger } from 'pino';
import { BackgroundPacer } from './background-pacer.ts';

export interface BackgroundLoopOptions {
  /** For log lines. */
  name: string;
  /** One slice of work; how much it did (0 when there was nothing to do). */
  work: () => Promise<number>;
  /** How long to sleep when idle, unless notify() wakes the loop first. */
  idleMs: number;
  /** The share of a saturated event loop this work keeps (see BackgroundPacer). */
  minShare: number;
  /** Count other background loops' work as load too, and give way to it (default false). */
  yieldsToBackground?: boolean;
  /** 0 to 1: how saturated the foreground's own writes are. */
  writeSaturation?: () => number;
  logger?: Logger;
}

/** The longest pause between slices under load, so background work never stalls for long. */
const MAX_PAUSE_MS = 1000;

/**
 * Runs background work in slices next to HTTP requests: as fast as it can when the process is
 * quiet, paced when requests need the event loop, asleep when there is nothing to do. Every
 * slice, and every explicit call through `inTurn`, takes its turn, so they never overlap.
 */
export class BackgroundLoop {
  private readonly pacer: BackgroundPacer;
  private running = false;
  private wake: (() => void) | undefined;
  /** Set by a notify() that came while a slice was running, so the next sleep is skipped. */
  private notified = false;
  private interrupt: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: BackgroundLoopOptions) {
    this.pacer = new BackgroundPacer(
      Math.min(1, Math.max(0.01, options.minShare)),
      undefined,
      undefined,
      options.yieldsToBackground,
    );
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Started and not stopped. */
  get started(): boolean {
    return this.running;
  }

  /** New work has arrived: do it now rather than after the idle sleep. */
  notify(): void {
    if (this.wake) this.wake();
    else this.notified = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    this.interrupt?.();
    await this.loop;
    await this.tail;
  }

  /** Runs `work` after every slice or call queued before it. */
  inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Runs `slice` in turn, again and again until it does nothing; returns how much it did. For tests and the CLI. */
  drain(slice: () => Promise<number>): Promise<number> {
    return this.inTurn(async () => {
      let done = 0;
      for (let n = await slice(); n > 0; n = await slice()) done += n;
      return done;
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      const started = performance.now();
      let done = 0;
      this.notified = false;
      try {
        done = await this.inTurn(this.options.work);
      } catch (error) {
        this.options.logger?.error({ err: error }, `${this.options.name} failed; retrying`);
      }
      if (!this.running) break;
      if (done > 0) await this.pauseAfter(performance.now() - started);
      else await this.sleep();
    }
  }

  private async pauseAfter(elapsedMs: number): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const pauseMs = Math.min(this.pacer.pauseAfter(elapsedMs, this.options.writeSaturation?.()), MAX_PAUSE_MS);
    if (!this.running || pauseMs === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pauseMs);
      this.interrupt = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.interrupt = undefined;
  }

  private async sleep(): Promise<void> {
    if (this.notified) {
      this.notified = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.idleMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }
}
