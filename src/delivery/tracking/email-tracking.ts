import type { LinkSigner } from './link-token.ts';

export interface TrackedMessage {
  readonly workspaceId: string;
  readonly customerId: string;
  /** The outbox key. */
  readonly idempotencyKey: string;
}

/**
 * The hook for the template renderer: rewrites every http(s) `href` of a rendered email's HTML to
 * a signed click link and appends a 1×1 open pixel. `mailto:`, `tel:`, anchors, and links marked
 * `data-godwit-track="off"` are left alone, and so is the unsubscribe link (it is already signed).
 */
export function addEmailTracking(
  html: string,
  options: { message: TrackedMessage; signer: LinkSigner; baseUrl: string },
): string {
  const { message, signer, baseUrl } = options;
  const base = baseUrl.replace(/\/+$/, '');
  const claim = { w: message.workspaceId, c: message.customerId, m: message.idempotencyKey, ch: 'email' };
  const rewritten = html.replace(/<a\b[^>]*>/gi, (tag) => {
    if (/data-godwit-track\s*=\s*["']?off/i.test(tag)) return tag;
    return tag.replace(/(\bhref\s*=\s*)(["'])(.*?)\2/i, (whole, prefix: string, quote: string, raw: string) => {
      const url = decodeEntities(raw.trim());
      if (!/^https?:\/\//i.test(url) || url.startsWith(`${base}/v1/u/`)) return whole;
      const token = signer.sign({ k: 'c', ...claim, u: url });
      return `${prefix}${quote}${base}/v1/t/c/${token}${quote}`;
    });
  });
  const pixel = `<img src="${base}/v1/t/o/${signer.sign({ k: 'o', ...claim })}.gif" width="1" height="1" alt="" style="display:none">`;
  return /<\/body>/i.test(rewritten)
    ? rewritten.replace(/<\/body>(?![\s\S]*<\/body>)/i, `${pixel}</body>`)
    : rewritten + pixel;
}

/** `&amp;` in an href means `&` in the URL the reader reaches. */
function decodeEntities(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&#38;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}
