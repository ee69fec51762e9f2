import type { ChannelStore, InAppMessageRecord } from '../../../storage/channel-store.ts';

/** One open browser connection (an SSE response), as the hub sees it. */
export interface InAppStream {
  /** Writes one event; `id` is the message's outbox key, `data` one line of JSON. */
  send(event: { readonly id: string; readonly data: string }): void;
  close(): void;
}

export interface InAppHubOptions {
  store: Pick<ChannelStore, 'addInAppMessage' | 'undeliveredInAppMessages' | 'markInAppDelivered'>;
  now: () => number;
  /** What the browser receives for a stored message (content with signed tracking links). */
  present: (record: InAppMessageRecord) => unknown;
  /** Messages just written to a browser, for `Message Delivered`. */
  onDelivered?: (records: readonly InAppMessageRecord[]) => Promise<void>;
  /** Marking or reporting a delivery failed; the browser already has the message. */
  onError?: (error: unknown) => void;
}

interface Connection {
  readonly stream: InAppStream;
  /** False while the waiting messages load; live messages queue meanwhile, so order holds. */
  ready: boolean;
  readonly queued: InAppMessageRecord[];
  /** Ids this browser has (Last-Event-ID included), never written to it again. */
  readonly written: Set<string>;
}

/**
 * Open in-app streams by workspace and customer. A stored message is pushed at once to every open
 * stream of its customer; a stream that connects first gets the customer's waiting messages in
 * order. Written means delivered: the row is marked, and a reconnect never sees it again.
 */
export class InAppHub {
  private readonly connections = new Map<string, Set<Connection>>();
  /** Written but not yet marked delivered (`workspace\0id`): a stream connecting now must skip them. */
  private readonly marking = new Set<string>();

  constructor(private readonly options: InAppHubOptions) {}

  /** Stores the message and pushes it if its customer is connected; false when it was stored before. */
  async add(message: { workspaceId: string; id: string; customerId: string; content: string }): Promise<boolean> {
    const record: InAppMessageRecord = { ...message, createdAt: this.options.now(), deliveredAt: null };
    if (!(await this.options.store.addInAppMessage(record))) return false;
    const open = this.connections.get(keyOf(record.workspaceId, record.customerId));
    if (!open?.size) return true;
    let pushed = false;
    for (const connection of open) {
      if (!connection.ready) connection.queued.push(record);
      else pushed = this.write(connection, [record]).length > 0 || pushed;
    }
    if (pushed) await this.delivered(record.workspaceId, [record]);
    return true;
  }

  /** Registers the stream, then writes the customer's waiting messages (oldest first) and whatever arrived meanwhile. */
  async connect(
    target: { workspaceId: string; customerId: string; lastEventId?: string },
    stream: InAppStream,
  ): Promise<void> {
    const connection: Connection = {
      stream,
      ready: false,
      queued: [],
      written: new Set(target.lastEventId ? [target.lastEventId] : []),
    };
    const key = keyOf(target.workspaceId, target.customerId);
    const open = this.connections.get(key) ?? new Set();
    this.connections.set(key, open.add(connection));
    const waiting = await this.options.store.undeliveredInAppMessages(target.workspaceId, [target.customerId]);
    if (!open.has(connection)) return;
    const backlog = waiting.filter((r) => !this.marking.has(markKey(r)));
    // The browser says it has this one (its delivery was not recorded): record it, do not repeat it.
    const known = backlog.filter((r) => connection.written.has(r.id));
    await this.delivered(target.workspaceId, [...known, ...this.write(connection, backlog)]);
    while (connection.queued.length > 0 && open.has(connection)) {
      await this.delivered(target.workspaceId, this.write(connection, connection.queued.splice(0)));
    }
    connection.ready = true;
  }

  disconnect(target: { workspaceId: string; customerId: string }, stream: InAppStream): void {
    const key = keyOf(target.workspaceId, target.customerId);
    const open = this.connections.get(key);
    for (const connection of open ?? []) if (connection.stream === stream) open?.delete(connection);
    if (open?.size === 0) this.connections.delete(key);
  }

  /** Open streams, all customers together. */
  get size(): number {
    let count = 0;
    for (const open of this.connections.values()) count += open.size;
    return count;
  }

  /** Ends every stream (server shutdown); browsers reconnect to another instance. */
  closeAll(): void {
    for (const open of this.connections.values()) for (const connection of open) connection.stream.close();
    this.connections.clear();
  }

  private write(connection: Connection, records: readonly InAppMessageRecord[]): InAppMessageRecord[] {
    const fresh = records.filter((r) => !connection.written.has(r.id));
    for (const record of fresh) {
      connection.written.add(record.id);
      connection.stream.send({ id: record.id, data: JSON.stringify(this.options.present(record)) });
    }
    return fresh;
  }

  private async delivered(workspaceId: string, records: readonly InAppMessageRecord[]): Promise<void> {
    if (records.length === 0) return;
    for (const record of records) this.marking.add(markKey(record));
    try {
      const ids = records.map((r) => r.id);
      await this.options.store.markInAppDelivered(workspaceId, ids, this.options.now());
      await this.options.onDelivered?.(records);
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      for (const record of records) this.marking.delete(markKey(record));
    }
  }
}

const keyOf = (workspaceId: string, customerId: string) => `${workspaceId}\0${customerId}`;
const markKey = (record: InAppMessageRecord) => `${record.workspaceId}\0${record.id}`;
