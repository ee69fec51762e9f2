import type { LinkSigner } from './link-token.ts';

/**
 * The RFC 8058 headers for a message: mail clients show an unsubscribe button that POSTs
 * `List-Unsubscribe=One-Click` to the link, and the same link opened in a browser is the
 * preferences page. `topic` is what the one-click denies: the message class (`marketing`,
 * `service`) or a narrower topic such as `newsletter`.
 */
export function unsubscribeHeaders(options: {
  workspaceId: string;
  customerId: string;
  channel: string;
  topic: string;
  signer: LinkSigner;
  baseUrl: string;
}): Record<'List-Unsubscribe' | 'List-Unsubscribe-Post', string> {
  return {
    'List-Unsubscribe': `<${unsubscribeUrl(options)}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

export function unsubscribeUrl(options: {
  workspaceId: string;
  customerId: string;
  channel: string;
  topic: string;
  signer: LinkSigner;
  baseUrl: string;
}): string {
  const token = options.signer.sign({
    k: 'u',
    w: options.workspaceId,
    c: options.customerId,
    ch: options.channel,
    t: options.topic,
  });
  return `${options.baseUrl.replace(/\/+$/, '')}/v1/u/${token}`;
}
