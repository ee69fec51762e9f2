import { createHash } from 'node:crypto';
import { type AddressObject, simpleParser } from 'mailparser';
import type { Clock } from '../../shared/clock.ts';
import type { MessageRecord } from '../../storage/delivery-store.ts';
import type { Store } from '../../storage/store.ts';
import type { DeliveryEvents } from '../delivery-events.ts';
import type { InboundMessages } from '../providers/webhooks/inbound-messages.ts';
import { webhookWorkspace } from '../providers/webhooks/webhook-workspace.ts';
import { isHardBounce } from '../suppression/hard-bounce.ts';
import { type EmailReport, emailReportOf } from './email-reports.ts';
import type { ReplyAddresses } from './reply-address.ts';

export interface InboundEmailDeps {
  store: Store;
  clock: Clock;
  events: DeliveryEvents;
  inbound: InboundMessages;
  addresses: ReplyAddresses;
  /** The domain of the default From (GODWIT_SMTP_FROM): where Message-IDs of sent email end. */
  fromDomain?: string;
}

export type InboundEmailResult =
  | { kind: 'reply'; customerId?: string; message?: string }
  | { kind: 'bounce' | 'complaint'; message?: string; suppressed: boolean }
  | { kind: 'ignored'; reason: string };

/**
 * What arrives at the inbound SMTP listener: a bounce report, a complaint, or a reply. Each is
 * matched to the message it is about by the signed reply address it was sent to, or the original
 * Message-ID it quotes (sent email's Message-ID is derived from its outbox key).
 */
export class InboundEmail {
  constructor(private readonly deps: InboundEmailDeps) {}

  async receive(options: { raw: Buffer; recipients: readonly string[] }): Promise<InboundEmailResult> {
    const mail = await simpleParser(options.raw);
    const hashes = new Set(
      [...options.recipients, ...addressesOf(mail.to), ...addressesOf(mail.cc)].flatMap(
        (a) => this.deps.addresses.hashOf(a) ?? [],
      ),
    );
    const report = emailReportOf(options.raw.toString('utf8'), mail.messageId);
    const quoted = report ? report.messageIds : [mail.inReplyTo ?? '', ...[mail.references ?? []].flat()];
    const message = await this.findMessage(quoted, hashes);
    const at = this.deps.clock.now();
    // A server that resends the same mail (no 250 seen) records nothing twice.
    const dedupe = mail.messageId ?? createHash('sha256').update(options.raw).digest('hex').slice(0, 32);
    if (report) return this.recordReport(report, message, { at, dedupe });
    const workspaceId = message?.workspaceId ?? (await webhookWorkspace(this.deps.store, {}).catch(() => undefined));
    const sender = addressesOf(mail.from)[0];
    if (!workspaceId || !sender) return { kind: 'ignored', reason: 'no message or workspace matches it, or no sender' };
    if (message) {
      const detail = { from: sender, subject: mail.subject ?? '' };
      await this.deps.events.record({ ...ref(message), kind: 'replied', at, detail, timeline: true, dedupe });
    }
    const { customerId } = await this.deps.inbound.receive({
      workspaceId,
      provider: 'email',
      eventName: 'Email Received',
      fromKind: 'email',
      from: sender,
      to: options.recipients[0] ?? addressesOf(mail.to)[0] ?? '',
      text: (mail.text ?? '').trim(),
      providerMessageId: dedupe,
      at,
      customerId: message?.customerId,
      properties: { subject: mail.subject ?? '', ...(message ? { message_key: message.idempotencyKey } : {}) },
    });
    return { kind: 'reply', customerId, message: message?.idempotencyKey };
  }

  private async recordReport(
    report: EmailReport,
    message: MessageRecord | undefined,
    { at, dedupe }: { at: number; dedupe: string },
  ): Promise<InboundEmailResult> {
    if (!message) return { kind: 'ignored', reason: `a ${report.type} about a message Godwit cannot find` };
    if (report.type === 'complaint') {
      const detail = {
        feedback_type: report.feedbackType,
        ...(report.recipient ? { recipient: report.recipient } : {}),
      };
      await this.deps.events.record({
        ...ref(message),
        kind: 'complained',
        at,
        detail,
        timeline: true,
        dedupe,
        suppress: 'complaint',
      });
      return { kind: 'complaint', message: message.idempotencyKey, suppressed: true };
    }
    // A "delayed" notice says the server is still trying: nothing has bounced yet.
    if (report.action !== 'failed')
      return { kind: 'ignored', reason: `a delivery report with action ${report.action}` };
    const hard = report.status.startsWith('5.') && isHardBounce(undefined, report.status);
    await this.deps.events.record({
      ...ref(message),
      kind: 'bounced',
      status: 'bounced',
      at,
      detail: {
        status: report.status,
        bounce: hard ? 'hard' : 'soft',
        recipient: report.recipient,
        diagnostic: report.diagnostic,
      },
      timeline: true,
      dedupe,
      ...(hard ? { suppress: 'hard_bounce' as const } : {}),
    });
    return { kind: 'bounce', message: message.idempotencyKey, suppressed: hard };
  }

  /** The sent email a Message-ID quoted here names; with a signed reply address, only one of its message. */
  private async findMessage(
    quoted: readonly string[],
    hashes: ReadonlySet<string>,
  ): Promise<MessageRecord | undefined> {
    const local = (id: string) => /^<([^@>]+)@/.exec(id)?.[1]?.toLowerCase() ?? '';
    const candidates = quoted.filter((id) => id !== '' && (hashes.size === 0 || hashes.has(local(id))));
    if (this.deps.fromDomain) for (const hash of hashes) candidates.push(`<${hash}@${this.deps.fromDomain}>`);
    for (const providerMessageId of new Set(candidates)) {
      const found = await this.deps.store.delivery.findMessage({ provider: 'smtp', providerMessageId });
      if (found) return found;
    }
    return undefined;
  }
}

const ref = (message: MessageRecord) => ({ workspaceId: message.workspaceId, idempotencyKey: message.idempotencyKey });

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  return [field ?? []].flat().flatMap((o) => o.value.flatMap((a) => (a.address ? [a.address] : [])));
}
