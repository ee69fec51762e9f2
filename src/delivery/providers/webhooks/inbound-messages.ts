import { normalisePhone } from '../../../profiles/identifiers.ts';
import { messageIdentityOf } from '../../../profiles/message-identity.ts';
import type { NewEvent, Store } from '../../../storage/store.ts';
import { trackEvent } from './delivery-events.ts';

export interface InboundMessage {
  readonly workspaceId: string;
  readonly provider: string;
  /** `SMS Received`, `WhatsApp Received`. */
  readonly eventName: string;
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly providerMessageId: string;
  readonly at: number;
  readonly properties?: Readonly<Record<string, unknown>>;
}

/**
 * Files an inbound message on the timeline of the customer whose phone sent it. A sender Godwit does
 * not know, or one known only by phone, is filed under the anonymousId `phone:<E.164>` with an
 * identify that carries the phone, so the profile processor links it to (or creates) that customer.
 */
export class InboundMessages {
  constructor(private readonly options: { store: Store; defaultCountry?: string; onAppended?: () => void }) {}

  /** The customer the phone belongs to now, if any (later messages of a new sender find the new profile). */
  async receive(message: InboundMessage): Promise<{ customerId?: string; phone?: string }> {
    const { store } = this.options;
    const phone = normalisePhone(message.from, this.options.defaultCountry);
    const owner = phone
      ? (await store.findIdentities(message.workspaceId, [phone])).find((i) => i.kind === 'phone')
      : undefined;
    const identities = owner ? await store.identitiesOf(message.workspaceId, owner.customerId) : [];
    const known = messageIdentityOf(identities);
    const identity = known ?? { userId: null, anonymousId: `phone:${phone ?? message.from}` };
    const events: NewEvent[] = [];
    const base = `${message.provider}:${message.providerMessageId}`;
    if (!known && phone) {
      events.push(
        trackEvent({
          workspaceId: message.workspaceId,
          messageId: `${base}:identify`,
          name: 'identify',
          identity,
          properties: {},
          at: message.at,
          traits: { phone },
        }),
      );
    }
    events.push(
      trackEvent({
        workspaceId: message.workspaceId,
        messageId: base,
        name: message.eventName,
        identity,
        properties: {
          provider: message.provider,
          provider_message_id: message.providerMessageId,
          from: phone ?? message.from,
          to: message.to,
          text: message.text,
          ...message.properties,
        },
        at: message.at,
      }),
    );
    await store.appendEvents(events);
    this.options.onAppended?.();
    return { customerId: owner?.customerId, phone };
  }
}
