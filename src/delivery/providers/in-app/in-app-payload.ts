import type { InAppMessageRecord } from '../../../storage/channel-store.ts';
import type { InAppContent } from '../../provider.ts';
import type { LinkSigner } from '../../tracking/link-token.ts';

/** What the browser script receives for one message. */
export interface InAppPayload {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  /** Each url is a signed click link that records the click and redirects to the action's URL. */
  readonly actions: readonly { readonly label: string; readonly url: string }[];
  /** The signed open pixel, fetched when the dialog shows. */
  readonly openUrl: string;
}

/**
 * A stored message as the browser gets it, tracked like email: http(s) actions become signed
 * click links, and a site-relative action (`/cart`) stays as it is; anything else is dropped.
 */
export function inAppPayload(
  record: InAppMessageRecord,
  options: { signer: LinkSigner; baseUrl: string },
): InAppPayload {
  const content = JSON.parse(record.content) as Omit<InAppContent, 'channel'>;
  const base = options.baseUrl.replace(/\/+$/, '');
  const claim = { w: record.workspaceId, c: record.customerId, m: record.id, ch: 'in_app' };
  const actions = (content.actions ?? []).flatMap((action) => {
    if (/^https?:\/\//i.test(action.url)) {
      return [
        { label: action.label, url: `${base}/v1/t/c/${options.signer.sign({ k: 'c', ...claim, u: action.url })}` },
      ];
    }
    return /^\/(?!\/)/.test(action.url) ? [action] : [];
  });
  return {
    id: record.id,
    title: content.title,
    body: content.body,
    actions,
    openUrl: `${base}/v1/t/o/${options.signer.sign({ k: 'o', ...claim })}.gif`,
  };
}
