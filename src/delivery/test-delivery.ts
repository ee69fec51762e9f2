import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../shared/clock.ts';
import type { OutboxRecord } from '../storage/journey-store.ts';
import { SqliteStore } from '../storage/sqlite/sqlite-store.ts';
import type { Store } from '../storage/store.ts';
import { DeliveryWorker, type DeliveryWorkerOptions } from './delivery-worker.ts';
import { PlainRenderer } from './plain-renderer.ts';
import {
  type ChannelProvider,
  type DeliveryChannel,
  DeliveryError,
  type OutboundMessage,
  type SendReceipt,
} from './provider.ts';
import { type ProviderEntry, ProviderRegistry } from './provider-registry.ts';

/** Test helpers for delivery: a store on a temporary file, outbox entries, scripted providers. */

export const WS = 'ws1';
export const START = Date.UTC(2026, 0, 1);

export async function openTestStore(): Promise<{ store: Store; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'godwit-delivery-'));
  const store = await SqliteStore.open(join(dir, 'godwit.db'));
  return {
    store,
    async dispose() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function outboxEntry(key: string, fields: Partial<OutboxRecord> = {}): OutboxRecord {
  return {
    workspaceId: WS,
    idempotencyKey: key,
    customerId: 'c1',
    runId: 'r1',
    journeyId: 'j1',
    nodeId: 'send',
    kind: 'message',
    channel: 'email',
    status: 'pending',
    payload: { template: 'welcome', address: 'ada@example.com', messageClass: 'transactional', data: { name: 'Ada' } },
    createdAt: START,
    updatedAt: START,
    ...fields,
  };
}

export async function addOutbox(store: Store, entries: OutboxRecord[]): Promise<void> {
  await store.journeys.applyJourneyChange({
    runs: [],
    addTimers: [],
    deleteTimers: [],
    outbox: entries,
    events: [],
    counts: [],
  });
}

/** A customer `c1` with userId `u1`, so delivery events reach a timeline. */
export async function addCustomer(store: Store, id = 'c1', userId = 'u1'): Promise<void> {
  await store.acquireCursor({ name: 'test', owner: 't', now: 1, leaseMs: 1e12 });
  await store.applyResolution({
    upsertProfiles: [
      {
        id,
        workspaceId: WS,
        traits: {},
        traitTimes: {},
        consent: {},
        timezone: null,
        locale: null,
        createdAt: 1,
        updatedAt: 1,
      },
    ],
    merges: [],
    upsertIdentities: [{ kind: 'user_id', value: userId, customerId: id, workspaceId: WS, createdAt: 1 }],
    assignEvents: [],
    audit: [],
    cursor: { name: 'test', position: 0, owner: 't' },
  });
}

/** Answers each send with the next scripted reply (the last repeats); records every send. */
export class ScriptedProvider implements ChannelProvider {
  readonly channels: readonly DeliveryChannel[] = ['email', 'sms', 'webhook'];
  readonly sent: OutboundMessage[] = [];

  constructor(
    readonly name: string,
    private readonly replies: (SendReceipt | DeliveryError | Error)[],
    readonly idempotent = true,
  ) {}

  async send(message: OutboundMessage): Promise<SendReceipt> {
    this.sent.push(message);
    const reply = this.replies.length > 1 ? this.replies.shift() : this.replies[0];
    if (!reply || reply instanceof Error) throw reply ?? new Error('no reply scripted');
    return reply;
  }
}

export const ok = (id = 'pm-1'): SendReceipt => ({ providerMessageId: id, status: 'sent' });
export const transient = (message = 'timeout', retryAfterMs?: number) =>
  new DeliveryError('transient', message, { retryAfterMs });
export const permanent = (message = 'invalid address') => new DeliveryError('permanent', message);

export function testWorker(
  store: Store,
  clock: ManualClock,
  providers: ProviderEntry[],
  options: Partial<DeliveryWorkerOptions> = {},
): DeliveryWorker {
  const channels = Object.fromEntries(
    (['email', 'sms', 'webhook'] as const).map((c) => [c, providers[0]?.provider.name ?? 'none']),
  );
  return new DeliveryWorker({
    store,
    clock,
    owner: 'worker-1',
    providers: new ProviderRegistry({
      providers,
      channels,
      breaker: { failureThreshold: 3, openMs: 10_000, maxOpenMs: 60_000 },
    }),
    renderer: new PlainRenderer(),
    random: () => 0.5,
    retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 },
    ...options,
  });
}

export { ManualClock };
