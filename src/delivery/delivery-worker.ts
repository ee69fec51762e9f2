import type { Logger } from 'pino';
import { BackgroundLoop } from '../shared/background-loop.ts';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import type { ClaimedMessage, DeliveryOutcome } from '../storage/delivery-store.ts';
import type { IdentityRecord, Store } from '../storage/store.ts';
import { type AttemptResult, isRetry, outcomeOf } from './attempt-outcome.ts';
import { ChannelHealthReporter } from './channel-health.ts';
import { type AttemptDeps, attemptDelivery } from './delivery-attempt.ts';
import type { DeliveryObserver } from './delivery-metrics.ts';
import type { MessageRenderer, RenderCustomer } from './message-renderer.ts';
import { OutcomeWriter } from './outcome-writer.ts';
import type { ProviderRegistry } from './provider-registry.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';
import { StartMarks } from './start-marks.ts';
import { listedAddresses } from './suppression/listed-addresses.ts';

export interface DeliveryWorkerOptions {
  store: Store;
  clock: Clock;
  /** Names this process in claims. */
  owner: string;
  providers: ProviderRegistry;
  renderer: MessageRenderer;
  /** Draws in [0, 1) for retry jitter (default Math.random). */
  random?: () => number;
  retry?: RetryPolicy;
  /** Messages claimed per slice. */
  batchSize?: number;
  /**
   * How long a claim lasts. Longer than any send may take (sends time out at `sendTimeoutMs`), so
   * a claim only expires when its worker has stopped.
   */
  leaseMs?: number;
  sendTimeoutMs?: number;
  /** The longest a send waits for its provider's rate limit before it is put back for later. */
  maxRateWaitMs?: number;
  idleMs?: number;
  minShare?: number;
  writeSaturation?: () => number;
  /** Told of every send and outcome (Prometheus metrics). */
  observer?: DeliveryObserver;
  logger?: Logger;
}

/** Per slice: how many messages ended how. */
export interface SliceCounts {
  claimed: number;
  sent: number;
  retried: number;
  deferred: number;
  failed: number;
}

/**
 * Delivers the outbox: claims due messages under a lease, renders and sends each through its
 * channel's provider (within that provider's concurrency, rate limit and circuit breaker), and
 * records the outcomes with their delivery and timeline events as the sends finish (`OutcomeWriter`).
 */
export class DeliveryWorker {
  private readonly loop: BackgroundLoop;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly deps: AttemptDeps;
  private readonly health: ChannelHealthReporter;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.health = new ChannelHealthReporter(options.store.delivery, options.providers);
    this.batchSize = options.batchSize ?? 500;
    this.leaseMs = options.leaseMs ?? 120_000;
    this.deps = {
      clock: options.clock,
      providers: options.providers,
      renderer: options.renderer,
      sendTimeoutMs: options.sendTimeoutMs ?? 30_000,
      maxRateWaitMs: options.maxRateWaitMs ?? 1_000,
      observe: options.observer?.attempt,
      started: new StartMarks((messages) => options.store.delivery.markStarted({ owner: options.owner, messages })),
    };
    this.loop = new BackgroundLoop({
      name: 'delivery worker',
      work: async () => (await this.slice()).claimed,
      idleMs: options.idleMs ?? 250,
      // Deliveries wait behind profiles, segments and journeys: those decide what is sent and when
      // timers fire; a send a moment later costs nothing, a late timer does.
      yieldsToBackground: true,
      minShare: options.minShare ?? 0.2,
      writeSaturation: options.writeSaturation,
      logger: options.logger,
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Started and not stopped: this process delivers (a `godwit api` process, or a worker without the role, does not). */
  get running(): boolean {
    return this.loop.started;
  }

  /** New messages are in the outbox: look now rather than after the idle sleep. */
  notify(): void {
    this.loop.notify();
  }

  /** One slice in turn with the loop's own: claim, send, record. For tests and the bench. */
  deliverDue(): Promise<SliceCounts> {
    return this.loop.inTurn(() => this.slice());
  }

  private async slice(): Promise<SliceCounts> {
    const { store, clock, owner } = this.options;
    const claimed = await store.delivery.claimDue({
      owner,
      now: clock.now(),
      leaseMs: this.leaseMs,
      limit: this.batchSize,
    });
    const counts: SliceCounts = { claimed: claimed.length, sent: 0, retried: 0, deferred: 0, failed: 0 };
    if (claimed.length === 0) return counts;
    const [customers, listed] = await Promise.all([loadCustomers(store, claimed), listedAddresses(store, claimed)]);
    this.deps.started?.slice(claimed.filter((m) => !this.options.providers.forChannel(m.channel)?.provider.idempotent));
    const recorded: { message: ClaimedMessage; outcome: DeliveryOutcome }[] = [];
    const writer = new OutcomeWriter<{ message: ClaimedMessage; outcome: DeliveryOutcome }>(async (done) => {
      await store.delivery.recordOutcomes(done.map((d) => d.outcome));
      recorded.push(...done);
    });
    const outcomes: DeliveryOutcome[] = [];
    // The list is read after the claim, so a bounce recorded while a message waited stops it here.
    const results = await Promise.all(
      claimed.map(async (message, i): Promise<AttemptResult> => {
        const entry = listed.get(message);
        const result: AttemptResult = entry
          ? { type: 'suppressed', entry }
          : await attemptDelivery(this.deps, message, customerOf(customers, message));
        outcomes[i] = this.outcome(message, result);
        // Unrecorded after a crash, a send to a provider that cannot dedupe becomes "possibly sent": record it soon.
        writer.add(
          { message, outcome: outcomes[i] },
          !this.options.providers.forChannel(message.channel)?.provider.idempotent,
        );
        return result;
      }),
    );
    try {
      await writer.flush();
    } finally {
      // A failed write leaves the others recorded: the provider's health and the metrics still count what was.
      await this.health.afterSlice(clock.now(), results);
      this.options.observer?.outcomes(
        recorded.map((r) => r.message),
        recorded.map((r) => r.outcome),
      );
    }
    claimed.forEach((message, i) => {
      count(counts, message, outcomes[i] as DeliveryOutcome);
    });
    return counts;
  }

  private outcome(message: ClaimedMessage, result: AttemptResult): DeliveryOutcome {
    const now = this.options.clock.now();
    return outcomeOf(message, result, {
      owner: this.options.owner,
      now,
      random: (this.options.random ?? Math.random)(),
      policy: this.options.retry ?? DEFAULT_RETRY_POLICY,
      newId: () => newId(now),
    });
  }
}

type CustomerMap = Map<string, RenderCustomer>;

const customerKey = (workspaceId: string, customerId: string) => `${workspaceId}\u0000${customerId}`;

function customerOf(customers: CustomerMap, message: ClaimedMessage): RenderCustomer {
  return customers.get(customerKey(message.workspaceId, message.customerId)) ?? { profile: undefined, identities: [] };
}

/** Profiles and identities of a slice's customers, one query per workspace. */
async function loadCustomers(store: Store, messages: readonly ClaimedMessage[]): Promise<CustomerMap> {
  const byWorkspace = new Map<string, Set<string>>();
  for (const m of messages) {
    const ids = byWorkspace.get(m.workspaceId) ?? new Set<string>();
    ids.add(m.customerId);
    byWorkspace.set(m.workspaceId, ids);
  }
  const out: CustomerMap = new Map();
  for (const [workspaceId, ids] of byWorkspace) {
    const { profiles, identities } = await store.loadProfiles(workspaceId, [...ids]);
    for (const id of ids) out.set(customerKey(workspaceId, id), { profile: undefined, identities: [] });
    for (const profile of profiles) {
      const customer = out.get(customerKey(workspaceId, profile.id));
      if (customer) out.set(customerKey(workspaceId, profile.id), { ...customer, profile });
    }
    for (const identity of identities) {
      (out.get(customerKey(workspaceId, identity.customerId))?.identities as IdentityRecord[] | undefined)?.push(
        identity,
      );
    }
  }
  return out;
}

function count(counts: SliceCounts, message: ClaimedMessage, outcome: DeliveryOutcome): void {
  if (outcome.status === 'sent' || outcome.status === 'delivered') counts.sent += 1;
  else if (isRetry(message, outcome)) counts.retried += 1;
  else if (outcome.status === 'pending') counts.deferred += 1;
  else counts.failed += 1;
}
