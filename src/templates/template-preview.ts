import type { CustomerService } from '../profiles/customer-service.ts';
import { notFound } from '../shared/errors.ts';
import type { Store } from '../storage/store.ts';
import type { SmsSegments } from './sms-segments.ts';
import { eventOf } from './template-renderer.ts';
import { renderTemplate } from './template-rendering.ts';
import type { TemplateChannel } from './template-schema.ts';
import type { TemplateService } from './template-service.ts';

/**
 * A template rendered for a real customer (their traits, locale and timezone) with a sample event
 * and node data: every channel it has, or one. A channel that fails shows its error, as the
 * delivery worker would report it; nothing is sent.
 */

export interface PreviewRequest {
  readonly templateId: string;
  /** Godwit id or any identifier. */
  readonly customer: string;
  readonly channel?: TemplateChannel;
  /** Overrides the customer's locale. */
  readonly locale?: string;
  readonly event?: {
    readonly name?: string;
    readonly properties?: Record<string, unknown>;
    readonly timestamp?: string;
  };
  readonly data?: Record<string, unknown>;
}

export type ChannelPreview =
  | { readonly ok: true; readonly locale: string; readonly content: unknown; readonly sms?: SmsSegments }
  | { readonly ok: false; readonly error: string };

export interface Preview {
  readonly template: string;
  readonly customerId: string;
  readonly channels: Readonly<Record<string, ChannelPreview>>;
}

export async function previewTemplate(
  deps: { templates: TemplateService; customers: CustomerService; store: Store; now: number },
  workspaceId: string,
  request: PreviewRequest,
): Promise<Preview> {
  const template = await deps.templates.definitionFor(workspaceId, request.templateId);
  if (!template) throw notFound(`no template ${request.templateId}`);
  const customerId = await deps.customers.resolveId(workspaceId, request.customer);
  const profile = await deps.store.getProfile(workspaceId, customerId);
  if (!profile) throw notFound(`no customer with id ${customerId}`);
  const event = eventOf(
    {
      event: request.event?.name ?? null,
      properties: request.event?.properties ?? {},
      timestamp: request.event?.timestamp ?? deps.now,
    },
    'event',
  );
  const channels = request.channel ? [request.channel] : (Object.keys(template.channels) as TemplateChannel[]);
  const out: Record<string, ChannelPreview> = {};
  for (const channel of channels) {
    const rendered = await renderTemplate(template, channel, {
      customer: {
        id: profile.id,
        locale: request.locale ?? profile.locale,
        timezone: profile.timezone,
        traits: profile.traits,
      },
      event: event ?? { name: null, properties: {}, timestamp: null },
      last_event: null,
      journey: null,
      data: request.data ?? {},
      message: { id: `preview:${request.templateId}` },
      links: { unsubscribe: '#unsubscribe', preferences: '#preferences' },
    });
    out[channel] = rendered.ok
      ? {
          ok: true,
          locale: rendered.locale.locale,
          content: rendered.content,
          ...(rendered.sms ? { sms: rendered.sms } : {}),
        }
      : { ok: false, error: rendered.error };
  }
  return { template: request.templateId, customerId, channels: out };
}
