import { describeIssue } from '../shared/definition-parsing.ts';
import { newId } from '../shared/ids.ts';
import { describeIssues } from '../shared/validation.ts';
import type { NewEvent } from '../storage/store.ts';
import { type Envelope, normaliseMessage } from './normalise-message.ts';
import { fastSegmentMessage } from './segment-fast-path.ts';
import { segmentMessage } from './segment-schema.ts';

/** Segment's published limits. */
export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;

export interface PrepareOptions {
  workspaceId: string;
  receivedAt: number;
  envelope?: Envelope;
  /** Names the messages in errors, e.g. `batch` gives `batch[3].event: …`. */
  prefix?: string;
}

export interface Prepared {
  events: NewEvent[];
  errors: { index: number; message: string }[];
}

/**
 * Validates and normalises messages into event rows; invalid ones are reported by index, never stored.
 * Pure (the time comes in), so it runs the same in the server, the preparation worker and the CLI.
 */
export function prepareMessages(messages: readonly unknown[], options: PrepareOptions): Prepared {
  const { workspaceId, receivedAt } = options;
  const events: NewEvent[] = [];
  const errors: { index: number; message: string }[] = [];
  const newMessageId = () => newId(receivedAt);
  messages.forEach((raw, index) => {
    const where = options.prefix ? `${options.prefix}[${index}]` : '';
    let message = fastSegmentMessage(raw);
    if (!message) {
      const result = segmentMessage.safeParse(raw, { error: describeIssue });
      if (!result.success) {
        errors.push({ index, message: describeIssues(result.error, where) });
        return;
      }
      message = result.data;
    }
    const event = normaliseMessage(message, options.envelope ?? {}, { workspaceId, receivedAt, newMessageId });
    // The stored payload only adds fields, so measure the original when the payload is near the limit.
    if (event.payload.length > MAX_EVENT_BYTES / 4 && Buffer.byteLength(JSON.stringify(raw)) > MAX_EVENT_BYTES) {
      errors.push({ index, message: `${where || 'message'}: larger than the 32 KB limit for one event` });
      return;
    }
    events.push(event);
  });
  return { events, errors };
}

/** One 400 naming the first few invalid messages. */
export function describeRejections(errors: readonly { message: string }[]): string {
  const more = errors.length > 5 ? ` (and ${errors.length - 5} more invalid messages)` : '';
  return `${errors
    .slice(0, 5)
    .map((e) => e.message)
    .join('; ')}${more}`;
}
