import type { Logger } from 'pino';
import type { ChannelProvider, DeliveryChannel, OutboundMessage, SendReceipt } from '../../provider.ts';
import { DELIVERY_CHANNELS } from '../../provider-registry.ts';

/**
 * The local dev sink: accepts every channel, sends nothing anywhere, and answers `delivered` at
 * once. The rendered message stays on the outbox row, so `GET /v1/messages` and
 * `godwit messages` show it; the last `keep` messages are also held here, for tests.
 */
export class DevSinkProvider implements ChannelProvider {
  readonly name = 'dev-sink';
  readonly channels: readonly DeliveryChannel[] = DELIVERY_CHANNELS;
  /** Sending again under the same key changes nothing, so a lost outcome is simply redone. */
  readonly idempotent = true;
  private readonly recent: OutboundMessage[] = [];
  private sentCount = 0;

  constructor(private readonly options: { logger?: Logger; keep?: number } = {}) {}

  async send(message: OutboundMessage): Promise<SendReceipt> {
    this.sentCount += 1;
    this.recent.push(message);
    if (this.recent.length > (this.options.keep ?? 1000)) this.recent.shift();
    this.options.logger?.info(
      { key: message.idempotencyKey, channel: message.content.channel, to: message.address },
      'dev sink: message delivered (nothing leaves this machine)',
    );
    return { providerMessageId: `dev-sink:${message.idempotencyKey}`, status: 'delivered' };
  }

  /** Messages accepted since start (every send, repeats included). */
  get count(): number {
    return this.sentCount;
  }

  messages(): readonly OutboundMessage[] {
    return this.recent;
  }
}
