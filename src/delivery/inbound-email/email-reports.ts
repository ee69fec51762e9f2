/**
 * Bounce reports (RFC 3464 delivery status notifications) and complaints (RFC 5965 abuse reports)
 * read from a raw message. Both are `multipart/report` with a machine-readable part of header-style
 * fields, and the original message (or its headers) attached, which names its Message-ID.
 */
export type EmailReport =
  | {
      readonly type: 'bounce';
      /** `failed` or `delayed` (RFC 3464 Action). */
      readonly action: string;
      /** The enhanced status code, `5.1.1`. */
      readonly status: string;
      readonly recipient?: string;
      readonly diagnostic?: string;
      /** Message-IDs of the original message, as attached. */
      readonly messageIds: readonly string[];
    }
  | {
      readonly type: 'complaint';
      /** `abuse`, `fraud` … (RFC 5965 Feedback-Type). */
      readonly feedbackType: string;
      readonly recipient?: string;
      readonly messageIds: readonly string[];
    };

export function emailReportOf(raw: string, outerMessageId?: string): EmailReport | undefined {
  const messageIds = [...raw.matchAll(/^message-id:[ \t]*(<[^>\r\n]+>)/gim)]
    .map((m) => m[1] as string)
    .filter((id) => id !== outerMessageId);
  const status = partOf(raw, 'message/delivery-status');
  if (status !== undefined) {
    // The per-recipient block comes after the per-message one; the first recipient with an Action is the one reported.
    const recipient = blocksOf(status).find((block) => block.action !== undefined) ?? {};
    return {
      type: 'bounce',
      action: (recipient.action ?? 'failed').toLowerCase(),
      status: /\d\.\d{1,3}\.\d{1,3}/.exec(recipient.status ?? '')?.[0] ?? '',
      recipient: addressOf(recipient['final-recipient'] ?? recipient['original-recipient']),
      diagnostic: recipient['diagnostic-code']?.replace(/^smtp;\s*/i, ''),
      messageIds,
    };
  }
  const feedback = partOf(raw, 'message/feedback-report');
  if (feedback !== undefined) {
    const fields = Object.assign({}, ...blocksOf(feedback)) as Record<string, string | undefined>;
    return {
      type: 'complaint',
      feedbackType: (fields['feedback-type'] ?? 'abuse').toLowerCase(),
      recipient: addressOf(fields['original-rcpt-to']),
      messageIds,
    };
  }
  return undefined;
}

/** The body of the first MIME part of this type, up to the next boundary line. */
function partOf(raw: string, contentType: string): string | undefined {
  const header = new RegExp(`^content-type:[ \\t]*${contentType.replace('/', '\\/')}\\b[\\s\\S]*?\\r?\\n\\r?\\n`, 'im');
  const start = header.exec(raw);
  if (!start) return undefined;
  const body = raw.slice(start.index + start[0].length);
  const end = /^--/m.exec(body);
  return end ? body.slice(0, end.index) : body;
}

/** Header-style field blocks separated by blank lines, names lower-cased, folded lines joined. */
function blocksOf(text: string): Record<string, string>[] {
  return text
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n\s*\r?\n/)
    .map((block) => {
      const fields: Record<string, string> = {};
      for (const line of block.split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon > 0) fields[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      return fields;
    })
    .filter((fields) => Object.keys(fields).length > 0);
}

/** `rfc822; ada@example.com` → `ada@example.com`. */
function addressOf(value: string | undefined): string | undefined {
  const address = value
    ?.replace(/^[a-z0-9-]+;\s*/i, '')
    .replace(/^<|>$/g, '')
    .trim();
  return address || undefined;
}
