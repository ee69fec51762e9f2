import type { Config } from '../../shared/config.ts';
import type { ChannelProvider } from '../provider.ts';
import { SmtpProvider } from './smtp/smtp-provider.ts';
import { TwilioProvider } from './twilio/twilio-provider.ts';
import { WhatsAppProvider } from './whatsapp/whatsapp-provider.ts';

/** The providers whose credentials are configured, ready for the delivery registry. */
export interface ConfiguredProviders {
  readonly providers: readonly ChannelProvider[];
  /** Closes pooled connections. */
  close(): Promise<void>;
}

/** Builds every provider that configuration switches on; configuration was validated by parseConfig. */
export function createProviders(config: Config): ConfiguredProviders {
  const providers: ChannelProvider[] = [];
  const closers: (() => void)[] = [];
  if (config.GODWIT_SMTP_URL && config.GODWIT_SMTP_FROM) {
    const smtp = new SmtpProvider({
      url: config.GODWIT_SMTP_URL,
      from: config.GODWIT_SMTP_FROM,
      maxConnections: config.GODWIT_SMTP_POOL_SIZE,
    });
    providers.push(smtp);
    closers.push(() => smtp.close());
  }
  if (config.GODWIT_TWILIO_ACCOUNT_SID && config.GODWIT_TWILIO_AUTH_TOKEN && config.GODWIT_TWILIO_FROM) {
    providers.push(
      new TwilioProvider({
        accountSid: config.GODWIT_TWILIO_ACCOUNT_SID,
        authToken: config.GODWIT_TWILIO_AUTH_TOKEN,
        from: config.GODWIT_TWILIO_FROM,
        baseUrl: config.GODWIT_TWILIO_BASE_URL,
        publicUrl: config.GODWIT_PUBLIC_URL,
        idempotent: config.GODWIT_TWILIO_IDEMPOTENT === 'true',
      }),
    );
  }
  const whatsApp = createWhatsAppProvider(config);
  if (whatsApp) providers.push(whatsApp);
  return {
    providers,
    async close() {
      for (const close of closers) close();
    },
  };
}

/** The WhatsApp provider when its token and phone number id are set; the webhook routes answer keywords with it too. */
export function createWhatsAppProvider(config: Config): WhatsAppProvider | undefined {
  if (!config.GODWIT_WHATSAPP_TOKEN || !config.GODWIT_WHATSAPP_PHONE_NUMBER_ID) return undefined;
  return new WhatsAppProvider({
    baseUrl: config.GODWIT_WHATSAPP_BASE_URL,
    phoneNumberId: config.GODWIT_WHATSAPP_PHONE_NUMBER_ID,
    token: config.GODWIT_WHATSAPP_TOKEN,
  });
}
