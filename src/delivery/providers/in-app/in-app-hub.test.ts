import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InAppMessageRecord } from '../../../storage/channel-store.ts';
import type { OutboundMessage } from '../../provider.ts';
import { InAppHub, type InAppStream } from './in-app-hub.ts';
import { createInAppProvider } from './in-app-provider.ts';

/** The three channel-store calls the hub uses, in memory, with a gate to hold a call open. */
class MemoryInAppStore {
  readonly rows = new Map<string, InAppMessageRecord>();
  /** When set, undeliveredInAppMessages / markInAppDelivered wait for it. */
  gate: { undelivered?: Promise<void>; mark?: Promise<void>; markFails?: boolean } = {};

  async addInAppMessage(message: InAppMessageRecord): Promise<boolean> {
    if (this.rows.has(message.id)) return false;
    this.rows.set(message.id, { ...message });
    return true;
  }
  async undeliveredInAppMessages(workspaceId: string, customerIds: readonly string[]) {
    const rows = [...this.rows.values()]
      .filter((r) => r.workspaceId === workspaceId && customerIds.includes(r.customerId) && r.deliveredAt === null)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((r) => ({ ...r }));
    await this.gate.undelivered;
    return rows;
  }
  async markInAppDelivered(_workspaceId: string, ids: readonly string[], at: number) {
    await this.gate.mark;
    if (this.gate.markFails) throw new Error('database went away');
    for (const id of ids) {
      const row = this.rows.get(id);
      if (row && row.deliveredAt === null) row.deliveredAt = at;
    }
  }
}

class RecordingStream implements InAppStream {
  readonly ids: string[] = [];
  readonly titles: string[] = [];
  closed = false;
  send(event: { id: string; data: string }) {
    this.ids.push(event.id);
    this.titles.push((JSON.parse(event.data) as { title: string }).title);
  }
  close() {
    this.closed = true;
  }
}

function setUp() {
  const store = new MemoryInAppStore();
  let clock = 1_000;
  const delivered: string[] = [];
  const errors: unknown[] = [];
  const hub = new InAppHub({
    store,
    now: () => clock++,
    present: (record) => ({ id: record.id, title: (JSON.parse(record.content) as { title: string }).title }),
    onDelivered: async (records) => void delivered.push(...records.map((r) => r.id)),
    onError: (error) => errors.push(error),
  });
  const provider = createInAppProvider(hub);
  const send = (key: string, customerId = 'c1') => provider.send(message(key, customerId));
  return { store, hub, provider, send, delivered, errors };
}

function message(key: string, customerId: string): OutboundMessage {
  return {
    idempotencyKey: key,
    workspaceId: 'ws1',
    customerId,
    address: customerId,
    messageClass: 'marketing',
    content: { channel: 'in_app', title: `title ${key}`, body: 'body', actions: [] },
  };
}

const C1 = { workspaceId: 'ws1', customerId: 'c1' };

describe('in-app hub', () => {
  it('pushes a message at once to every open stream of its customer, and marks it delivered', async () => {
    const { hub, send, store, delivered } = setUp();
    const [tab1, tab2, other] = [new RecordingStream(), new RecordingStream(), new RecordingStream()];
    await hub.connect(C1, tab1);
    await hub.connect(C1, tab2);
    await hub.connect({ workspaceId: 'ws1', customerId: 'c2' }, other);
    assert.deepEqual(await send('k1'), { providerMessageId: 'in_app:k1', status: 'sent' });
    assert.deepEqual(tab1.titles, ['title k1']);
    assert.deepEqual(tab2.ids, ['k1']);
    assert.deepEqual(other.ids, []);
    assert.notEqual(store.rows.get('k1')?.deliveredAt, null);
    assert.deepEqual(delivered, ['k1'], 'delivered is reported once, however many tabs');
  });

  it('keeps a message for a customer who is away and delivers the waiting ones in order on connect', async () => {
    const { hub, send, store, delivered } = setUp();
    await send('k1');
    await send('k2');
    await send('k3', 'c2');
    assert.equal(store.rows.get('k1')?.deliveredAt, null);
    const stream = new RecordingStream();
    await hub.connect(C1, stream);
    assert.deepEqual(stream.ids, ['k1', 'k2']);
    assert.deepEqual(delivered, ['k1', 'k2']);
    assert.notEqual(store.rows.get('k2')?.deliveredAt, null);
    assert.equal(store.rows.get('k3')?.deliveredAt, null);

    const again = new RecordingStream();
    await hub.connect(C1, again);
    assert.deepEqual(again.ids, [], 'delivered messages are not sent to a later connection');
  });

  it('stores a repeated send once and pushes it once', async () => {
    const { hub, send, store } = setUp();
    const stream = new RecordingStream();
    await hub.connect(C1, stream);
    await send('k1');
    await send('k1');
    assert.equal(store.rows.size, 1);
    assert.deepEqual(stream.ids, ['k1']);
    const later = new RecordingStream();
    await hub.connect(C1, later);
    await send('k1');
    assert.deepEqual(later.ids, [], 'a repeat (a retry after a lost outcome) is not pushed again');
  });

  it('holds a live message until the waiting ones are written, so order holds', async () => {
    const { hub, send, store } = setUp();
    await send('old');
    let release = () => {};
    store.gate.undelivered = new Promise((resolve) => {
      release = resolve;
    });
    const stream = new RecordingStream();
    const connected = hub.connect(C1, stream);
    await send('new');
    assert.deepEqual(stream.ids, [], 'nothing is written while the waiting messages load');
    release();
    await connected;
    assert.deepEqual(stream.ids, ['old', 'new']);
    assert.notEqual(store.rows.get('new')?.deliveredAt, null);
  });

  it('does not repeat a message on reconnect while its delivery is still being marked', async () => {
    const { hub, send, store } = setUp();
    const first = new RecordingStream();
    await hub.connect(C1, first);
    let release = () => {};
    store.gate.mark = new Promise((resolve) => {
      release = resolve;
    });
    const sending = send('k1');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(first.ids, ['k1']);
    hub.disconnect(C1, first);
    const second = new RecordingStream();
    await hub.connect({ ...C1, lastEventId: 'k1' }, second);
    assert.deepEqual(second.ids, []);
    release();
    await sending;
  });

  it('skips the Last-Event-ID message when marking it delivered failed', async () => {
    const { hub, send, store, errors } = setUp();
    const first = new RecordingStream();
    await hub.connect(C1, first);
    store.gate.markFails = true;
    await send('k1');
    await send('k2');
    assert.equal(errors.length, 2);
    store.gate.markFails = false;
    hub.disconnect(C1, first);
    // The browser received k1 and k2 but the rows still read undelivered; it reports the last it saw.
    const second = new RecordingStream();
    await hub.connect({ ...C1, lastEventId: 'k2' }, second);
    assert.deepEqual(second.ids, ['k1'], 'only the Last-Event-ID is known to the server');
    assert.notEqual(store.rows.get('k2')?.deliveredAt, null, 'the Last-Event-ID message is recorded as delivered');
    const third = new RecordingStream();
    await hub.connect({ ...C1, lastEventId: 'k1' }, third);
    assert.deepEqual(third.ids, [], 'both are marked now');
  });

  it('stops pushing to a stream once it disconnects, and closes every stream on shutdown', async () => {
    const { hub, send, store } = setUp();
    const [gone, open] = [new RecordingStream(), new RecordingStream()];
    await hub.connect(C1, gone);
    await hub.connect({ workspaceId: 'ws1', customerId: 'c2' }, open);
    hub.disconnect(C1, gone);
    assert.equal(hub.size, 1);
    await send('k1');
    assert.deepEqual(gone.ids, []);
    assert.equal(store.rows.get('k1')?.deliveredAt, null, 'still waiting for the customer');
    hub.closeAll();
    assert.equal(open.closed, true);
    assert.equal(hub.size, 0);
  });

  it('rejects content of another channel as permanent', async () => {
    const { provider } = setUp();
    const sms = { ...message('k1', 'c1'), content: { channel: 'sms', text: 'hi' } } as const;
    await assert.rejects(provider.send(sms), { name: 'DeliveryError', kind: 'permanent' });
  });
});
