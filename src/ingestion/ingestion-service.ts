import type { Clock } from '../shared/clock.ts';
import { GodwitError, invalidInput } from '../shared/errors.ts';
import type { NewEvent, Store } from '../storage/store.ts';
import { type BatchPreparer, inProcessPreparer } from './batch-preparer.ts';
import { GroupCommit } from './group-commit.ts';
import type { Envelope } from './normalise-message.ts';
import { describeRejections, type Prepared, prepareMessages } from './prepare-messages.ts';
import type { MessageType } from './segment-schema.ts';

export { MAX_BATCH_BYTES, MAX_EVENT_BYTES } from './prepare-messages.ts';

export interface IngestionOptions {
  store: Store;
  clock: Clock;
  /** Called after each commit, e.g. to wake the profile processor. */
  onCommitted?: (count: number) => void;
  /** Where batch bodies are parsed and validated (default in-process; the server uses a worker thread). */
  preparer?: BatchPreparer;
}

/**
 * Validates Segment messages and appends them to the event log. A returned promise resolves
 * only once the events are committed to disk: that is what a 200 promises.
 */
export class IngestionService {
  private readonly commit: GroupCommit<NewEvent>;
  private readonly preparer: BatchPreparer;

  constructor(private readonly options: IngestionOptions) {
    this.commit = new GroupCommit(
      async (events) => {
        const inserted = await options.store.appendEvents(events);
        options.onCommitted?.(inserted);
      },
      { concurrency: options.store.writeConcurrency, maxItems: 10_000 },
    );
    this.preparer = options.preparer ?? inProcessPreparer;
  }

  /** A single call such as POST /v1/track; the path decides the type. */
  async ingestOne(workspaceId: string, type: MessageType, body: unknown): Promise<number> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw invalidInput('the body must be a JSON object');
    }
    return this.accept(workspaceId, [{ ...body, type }], {}, '');
  }

  /**
   * POST /v1/batch from its raw bytes: every message is checked before any is stored, so a batch
   * lands whole or not at all. `authenticate` gets the write key found in the body, if any; it runs
   * after the body is decoded and before validation errors are reported, as for single calls.
   */
  async ingestBatchBody(
    bytes: Uint8Array,
    contentEncoding: string | undefined,
    authenticate: (writeKeyInBody: string | undefined) => Promise<string>,
  ): Promise<number> {
    const prepared = await this.preparer.prepare(bytes, contentEncoding, this.options.clock.now());
    if (!prepared.ok && prepared.stage === 'body') throw new GodwitError(prepared.code, prepared.message);
    const workspaceId = await authenticate(prepared.writeKey);
    if (!prepared.ok) throw new GodwitError(prepared.code, prepared.message);
    for (const event of prepared.events) event.workspaceId = workspaceId;
    await this.commit.submit(prepared.events);
    return prepared.events.length;
  }

  /** Stops the preparation worker, if any. */
  close(): Promise<void> {
    return this.preparer.close();
  }

  get queued(): number {
    return this.commit.queued;
  }

  /** How saturated the event-log writes are lately, 0 to 1 (see GroupCommit.saturation). */
  get writeSaturation(): number {
    return this.commit.saturation;
  }

  /** Validates and normalises messages; invalid ones are reported by index, never stored. */
  prepare(
    workspaceId: string,
    messages: readonly unknown[],
    options: { envelope?: Envelope; prefix?: string } = {},
  ): Prepared {
    return prepareMessages(messages, { ...options, workspaceId, receivedAt: this.options.clock.now() });
  }

  private async accept(workspaceId: string, messages: unknown[], envelope: Envelope, prefix: string): Promise<number> {
    const { events, errors } = this.prepare(workspaceId, messages, { envelope, prefix });
    if (errors.length > 0) throw invalidInput(describeRejections(errors));
    await this.commit.submit(events);
    return events.length;
  }
}
