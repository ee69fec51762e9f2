import type { Logger } from 'pino';
import { BackgroundLoop } from './background-loop.ts';
import type { Clock } from './clock.ts';

/** What a stage that follows the event log behind the profile processor is configured with. */
export interface StageOptions {
  clock: Clock;
  /** Names this process in the cursor leases. */
  owner: string;
  /** The event log position up to which customers are known (the profile processor's). */
  profiledUpTo: () => Promise<number>;
  logger?: Logger;
  eventBatchSize?: number;
  timerBatchSize?: number;
  /** How often an idle stage looks for due work. */
  idleMs?: number;
  leaseMs?: number;
  minShare?: number;
  writeSaturation?: () => number;
}

/** Where a stage gives its leases back when it stops. */
export interface LeaseHolder {
  releaseCursor(name: string, owner: string): Promise<void>;
}

/**
 * A background stage holding cursor leases (segments, journeys): one paced loop running `slice`,
 * started and stopped with the app and woken by notify(); stopping gives the leases back.
 */
export abstract class LeasedStage {
  protected readonly loop: BackgroundLoop;
  protected processedSeq = 0;

  constructor(
    name: string,
    private readonly stage: StageOptions & { store: LeaseHolder },
    private readonly cursors: readonly string[],
  ) {
    this.loop = new BackgroundLoop({
      name,
      work: () => this.slice(),
      idleMs: stage.idleMs ?? 200,
      minShare: stage.minShare ?? 0.1,
      writeSaturation: stage.writeSaturation,
      logger: stage.logger,
    });
  }

  /** One slice of every kind of work the stage does; how much it did. */
  protected abstract slice(): Promise<number>;

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    for (const cursor of this.cursors) await this.stage.store.releaseCursor(cursor, this.stage.owner);
  }

  /** New profiled events or new work: look now rather than after the idle sleep. */
  notify(): void {
    this.loop.notify();
  }

  /** How far this process has read the event log. */
  get position(): number {
    return this.processedSeq;
  }
}
