import { normaliseEmail, normalisePhone } from '../../../profiles/identifiers.ts';
import { messageIdentityOf } from '../../../profiles/message-identity.ts';
import type { NewEvent, Store } from '../../../storage/store.ts';
import { trackEvent } from './delivery-events.ts';

export interface InboundMessage {
  readonly workspaceId: string;
  readonly provider: string;
  /** `SMS Received`, `WhatsApp Received`, `Email Received`. */
  readonly eventName: string;
  /** What `from` is (default phone). */
  readonly fromKind?: 'phone' | 'email';
  /** The customer, when the message itself says (a reply to a signed reply address); else found by `from`. */
  readonly customerId?: string;
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly providerMessageId: string;
  readonly at: number;
  readonly properties?: Readonly<Record<string, unknown>>;
}

/**
 * Files an inbound message on the timeline of the customer whose phone or email sent it (or whom it
 * names). A sender Godwit does not know, or one known only by phone or email, is filed under the
 * anonymousId `phone:<E.164>` / `email:<address>` with an identify that carries it, so the profile
 * processor links it to (or creates) that customer.
 */
export class InboundMessages {
  constructor(private readonly options: { store: Store; defaultCountry?: string; onAppended?: () => void }) {}

  /**
   * The customer the phone belongs to now, if any (later messages of a new sender find the new
   * profile), and whether the message was stored before (a provider delivering its webhook again).
   */
  async receive(message: InboundMessage): Promise<{ customerId?: string; repeated: boolean }> {
    const { store } = this.options;
    const kind = message.fromKind ?? 'phone';
    const from =
      kind === 'email' ? normaliseEmail(message.from) : normalisePhone(message.from, this.options.defaultCountry);
    const ownerId =
      message.customerId ??
      (from ? (await store.findIdentities(message.workspaceId, [from])).find((i) => i.kind === kind) : undefined)
        ?.customerId;
    const identities = ownerId ? await store.identitiesOf(message.workspaceId, ownerId) : [];
    const known = messageIdentityOf(identities);
    const identity = known ?? { userId: null, anonymousId: `${kind}:${from ?? message.from}` };
    const events: NewEvent[] = [];
    const base = `${message.provider}:${message.providerMessageId}`;
    if (!known && from) {
      events.push(
        trackEvent({
          workspaceId: message.workspaceId,
          messageId: `${base}:identify`,
          name: 'identify',
          identity,
          properties: {},
          at: message.at,
          traits: { [kind]: from },
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
          from: from ?? message.from,
          to: message.to,
          text: message.text,
          ...message.properties,
        },
        at: message.at,
      }),
    );
    const appended = await store.appendEvents(events);
    this.options.onAppended?.();
    return { customerId: ownerId, repeated: appended === 0 };
  }
}
