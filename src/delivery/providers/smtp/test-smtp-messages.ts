import type { OutboundMessage } from '../../provider.ts';

/** An email as the delivery worker hands it to the provider; `key` defaults to the address. */
export function email(
  address: string,
  key = address,
  overrides: Partial<OutboundMessage['content']> = {},
): OutboundMessage {
  return {
    idempotencyKey: key,
    workspaceId: 'ws_1',
    customerId: 'cus_1',
    address,
    messageClass: 'marketing',
    content: {
      channel: 'email',
      subject: 'Your cart 购物车',
      html: '<p>Hello <b>Ada</b></p>',
      text: 'Hello Ada',
      ...overrides,
    } as OutboundMessage['content'],
  };
}
