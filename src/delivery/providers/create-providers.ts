import type { Config } from '../../shared/config.ts';
import type { ChannelProvider } from '../provider.ts';
import { SmtpProvider } from './smtp/smtp-provider.ts';

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
  return {
    providers,
    async close() {
      for (const close of closers) close();
    },
  };
}
