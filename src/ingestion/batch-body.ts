import { describeIssue } from '../shared/definition-parsing.ts';
import { GodwitError, invalidInput } from '../shared/errors.ts';
import { isObject } from '../shared/json.ts';
import { describeIssues } from '../shared/validation.ts';
import type { NewEvent } from '../storage/store.ts';
import { describeRejections, prepareMessages } from './prepare-messages.ts';
import { decodeJsonBody } from './request-body.ts';
import { batchEnvelope } from './segment-schema.ts';

/**
 * A POST /v1/batch body turned into event rows, or the failure to report. Plain data, so it can
 * cross from the preparation worker. Rows have no workspace yet: that needs the write key, which
 * may be in the body, so the caller authenticates and then stamps it.
 */
export type PreparedBatch =
  | { ok: true; writeKey: string | undefined; events: NewEvent[] }
  /** `body`: the bytes are not a JSON body (reported before authentication, as before); `messages`: after. */
  | { ok: false; stage: 'body' | 'messages'; writeKey: string | undefined; code: GodwitError['code']; message: string };

/** Decodes, validates and normalises a batch body; every message is checked, so a batch lands whole or not at all. */
export function prepareBatchBody(
  bytes: Uint8Array,
  contentEncoding: string | undefined,
  receivedAt: number,
): PreparedBatch {
  let body: unknown;
  try {
    body = decodeJsonBody(bytes, contentEncoding);
  } catch (error) {
    if (!(error instanceof GodwitError)) throw error;
    return failed('body', undefined, error);
  }
  const writeKey = isObject(body) && typeof body.writeKey === 'string' ? body.writeKey : undefined;
  const envelope = batchEnvelope.safeParse(body, { error: describeIssue });
  if (!envelope.success) return failed('messages', writeKey, invalidInput(describeIssues(envelope.error)));
  const { events, errors } = prepareMessages(envelope.data.batch, {
    workspaceId: '',
    receivedAt,
    envelope: envelope.data,
    prefix: 'batch',
  });
  if (errors.length > 0) return failed('messages', writeKey, invalidInput(describeRejections(errors)));
  return { ok: true, writeKey, events };
}

function failed(stage: 'body' | 'messages', writeKey: string | undefined, error: GodwitError): PreparedBatch {
  return { ok: false, stage, writeKey, code: error.code, message: error.message };
}
