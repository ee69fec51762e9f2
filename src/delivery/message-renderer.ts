import type { ClaimedMessage } from '../storage/delivery-store.ts';
import type { IdentityRecord, ProfileRecord } from '../storage/store.ts';
import type { MessageContent } from './provider.ts';

/** Who a message is for, as the renderer sees them; `profile` is undefined if the customer was erased. */
export interface RenderCustomer {
  readonly profile: ProfileRecord | undefined;
  readonly identities: readonly IdentityRecord[];
}

export type RenderResult = { readonly content: MessageContent } | { readonly error: string };

/**
 * Turns an outbox entry of kind `message` (template name, channel, data) into the content its
 * channel carries. Templates implement it with Liquid; an `error` is permanent (a missing template,
 * a render error) and the message fails without retries. Webhook entries never come here.
 */
export interface MessageRenderer {
  render(entry: ClaimedMessage, customer: RenderCustomer): Promise<RenderResult>;
}
