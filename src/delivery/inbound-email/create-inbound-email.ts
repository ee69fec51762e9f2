import type { Logger } from 'pino';
import type { Clock } from '../../shared/clock.ts';
import type { Config } from '../../shared/config.ts';
import type { Store } from '../../storage/store.ts';
import type { DeliveryEvents } from '../delivery-events.ts';
import { domainOf } from '../providers/smtp/smtp-provider.ts';
import { InboundMessages } from '../providers/webhooks/inbound-messages.ts';
import type { InboundEmailServer } from './inbound-email-server.ts';
import type { ReplyAddresses } from './reply-address.ts';

/**
 * The inbound email listener as the composition root wires it; undefined unless GODWIT_INBOUND_SMTP_PORT
 * is set. Its SMTP server and MIME parser load only then.
 */
export async function createInboundEmail(options: {
  config: Pick<Config, 'GODWIT_INBOUND_SMTP_PORT' | 'GODWIT_SMTP_FROM' | 'GODWIT_DEFAULT_COUNTRY' | 'HOST'>;
  store: Store;
  clock: Clock;
  events: DeliveryEvents;
  addresses: ReplyAddresses | undefined;
  onAppended: () => void;
  logger?: Logger;
}): Promise<InboundEmailServer | undefined> {
  const { config, addresses } = options;
  if (config.GODWIT_INBOUND_SMTP_PORT === undefined || !addresses) return undefined;
  const [{ InboundEmail }, { InboundEmailServer }] = await Promise.all([
    import('./inbound-email.ts'),
    import('./inbound-email-server.ts'),
  ]);
  const inbound = new InboundEmail({
    ...options,
    addresses,
    inbound: new InboundMessages({ ...options, defaultCountry: config.GODWIT_DEFAULT_COUNTRY }),
    fromDomain: domainOf(config.GODWIT_SMTP_FROM ?? ''),
  });
  return new InboundEmailServer({
    domain: addresses.domain,
    host: config.HOST,
    port: config.GODWIT_INBOUND_SMTP_PORT,
    inbound,
    logger: options.logger,
  });
}
