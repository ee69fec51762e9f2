import type { Clock } from '../shared/clock.ts';
import { invalidInput } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { describeIssues, parseInput } from '../shared/validation.ts';
import type { NewEvent, Store } from '../storage/store.ts';
import { GroupCommit } from './group-commit.ts';
import { type Envelope, normaliseMessage } from './normalise-message.ts';
import { batchEnvelope, type MessageType, segmentMessage } from './segment-schema.ts';

/** Segment's published limits. */
export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;

export interface IngestionOptions {
  store: Store;
  clock: Clock;
  /** Called after each commit, e.g. to wake the profile processor. */
  onCommitted?: (count: number) => void;
}

/**
 * Validates Segment messages and appends them to the event log. A returned promise resolves
 * only once the events are committed to disk: that is what a 200 promises.
 */
export class IngestionService {
  private readonly commit: GroupCommit<NewEvent>;

  constructor(private readonly options: IngestionOptions) {
    this.commit = new GroupCommit(
      async (events) => {
        const inserted = await options.store.appendEvents(events);
        options.onCommitted?.(inserted);
      },
      { concurrency: options.store.writeConcurrency, maxItems: 10_000 },
    );
  }

  /** A single call such as POST /v1/track; the path decides the type. */
  async ingestOne(workspaceId: string, type: MessageType, body: unknown): Promise<number> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw invalidInput('the body must be a JSON object');
    }
    return this.accept(workspaceId, [{ ...body, type }], {}, '');
  }

  /** POST /v1/batch: every message is checked before any is stored, so a batch lands whole or not at all. */
  async ingestBatch(workspaceId: string, body: unknown): Promise<number> {
    const envelope = parseInput(batchEnvelope, body);
    return this.accept(workspaceId, envelope.batch, envelope, 'batch');
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
  ): { events: NewEvent[]; errors: { index: number; message: string }[] } {
    const receivedAt = this.options.clock.now();
    const events: NewEvent[] = [];
    const errors: { index: number; message: string }[] = [];
    messages.forEach((raw, index) => {
      const where = options.prefix ? `${options.prefix}[${index}]` : '';
      const result = segmentMessage.safeParse(raw);
      if (!result.success) {
        errors.push({ index, message: describeIssues(result.error, where) });
        return;
      }
      const event = normaliseMessage(result.data, options.envelope ?? {}, {
        workspaceId,
        receivedAt,
        newMessageId: () => newId(receivedAt),
      });
      // The stored payload only adds fields, so measure the original when the payload is near the limit.
      if (event.payload.length > MAX_EVENT_BYTES / 4 && Buffer.byteLength(JSON.stringify(raw)) > MAX_EVENT_BYTES) {
        errors.push({ index, message: `${where || 'message'}: larger than the 32 KB limit for one event` });
        return;
      }
      events.push(event);
    });
    return { events, errors };
  }

  private async accept(workspaceId: string, messages: unknown[], envelope: Envelope, prefix: string): Promise<number> {
    const { events, errors } = this.prepare(workspaceId, messages, { envelope, prefix });
    if (errors.length > 0) {
      const more = errors.length > 5 ? ` (and ${errors.length - 5} more invalid messages)` : '';
      throw invalidInput(
        `${errors
          .slice(0, 5)
          .map((e) => e.message)
          .join('; ')}${more}`,
      );
    }
    await this.commit.submit(events);
    return events.length;
  }
}
