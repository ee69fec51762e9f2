import type { ChannelProvider, DeliveryChannel, OutboundMessage, SendReceipt } from '../../provider.ts';
import { DeliveryError } from '../../provider.ts';
import { twilioDeliveryError } from './twilio-errors.ts';

export interface TwilioProviderOptions {
  readonly accountSid: string;
  readonly authToken: string;
  /** An E.164 number, or a Messaging Service SID (MG…) for SMS. */
  readonly from: string;
  /** `https://api.twilio.com`, or a compatible API. */
  readonly baseUrl: string;
  /** Godwit's public URL; without it Twilio sends no status callbacks. */
  readonly publicUrl?: string;
  readonly timeoutMs?: number;
  /**
   * The API dedupes requests by their `I-Twilio-Idempotency-Token` (GODWIT_TWILIO_IDEMPOTENT): then a
   * send cut off by a crash is simply sent again under the same token, instead of being possibly sent.
   */
  readonly idempotent?: boolean;
}

/** SMS and voice notifications through Twilio's REST API (Messages.json, Calls.json with TwiML). */
export class TwilioProvider implements ChannelProvider {
  readonly name = 'twilio';
  readonly channels: readonly DeliveryChannel[] = ['sms', 'voice'];
  // Unless the API is known to dedupe by the token, a request whose answer was lost may have sent the message.
  readonly idempotent: boolean;

  constructor(private readonly options: TwilioProviderOptions) {
    this.idempotent = options.idempotent ?? false;
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const { content } = message;
    const form = new URLSearchParams({ To: message.address });
    const callback = this.statusCallback(message);
    if (content.channel === 'sms') {
      form.set(this.options.from.startsWith('MG') ? 'MessagingServiceSid' : 'From', this.options.from);
      form.set('Body', content.text);
      if (callback) form.set('StatusCallback', callback);
      return this.post('Messages.json', form, message.idempotencyKey);
    }
    if (content.channel === 'voice') {
      form.set('From', this.options.from);
      form.set('Twiml', sayTwiml(content.say, content.language));
      if (callback) {
        form.set('StatusCallback', callback);
        for (const event of ['initiated', 'answered', 'completed']) form.append('StatusCallbackEvent', event);
      }
      return this.post('Calls.json', form, message.idempotencyKey);
    }
    throw new DeliveryError('permanent', `twilio sends sms and voice, not ${content.channel}`, {
      code: 'wrong_channel',
    });
  }

  /** The callback names the workspace, customer and outbox key, and Twilio signs the URL with them. */
  private statusCallback(message: OutboundMessage): string | undefined {
    if (!this.options.publicUrl) return undefined;
    const query = new URLSearchParams({
      workspace: message.workspaceId,
      customer: message.customerId,
      key: message.idempotencyKey,
    });
    return `${this.options.publicUrl}/v1/webhooks/twilio/status?${query}`;
  }

  /** Every request carries the outbox key as its idempotency token, the same on every attempt. */
  private async post(resource: string, form: URLSearchParams, idempotencyKey: string): Promise<SendReceipt> {
    const { accountSid, authToken, baseUrl } = this.options;
    const url = `${baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${accountSid}/${resource}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'i-twilio-idempotency-token': idempotencyKey,
        },
        body: form,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      // Refused or unresolved: nothing was sent. Anything later (a timeout, a reset) may have sent it.
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const maybeSent = cause !== 'ECONNREFUSED' && cause !== 'ENOTFOUND';
      throw new DeliveryError('transient', `twilio: ${(error as Error).message}`, {
        code: 'twilio_network',
        maybeSent,
      });
    }
    const body = await response.json().catch(() => undefined);
    if (!response.ok)
      throw twilioDeliveryError({ status: response.status, body, retryAfter: response.headers.get('retry-after') });
    const sid = (body as { sid?: unknown } | undefined)?.sid;
    if (typeof sid !== 'string')
      throw new DeliveryError('transient', 'twilio: answer without a sid', { code: 'twilio_bad_answer' });
    return { providerMessageId: sid, status: 'sent' };
  }
}

/** `<Response><Say language="zh-CN">…</Say></Response>`, with the text escaped for XML. */
export function sayTwiml(text: string, language: string): string {
  return `<Response><Say language="${escapeXml(language)}">${escapeXml(text)}</Say></Response>`;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);
}
