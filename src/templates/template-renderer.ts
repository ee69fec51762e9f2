import type { MessageContent } from '../delivery/provider.ts';
import type { ProfileRecord } from '../storage/store.ts';
import { type RenderContext, type RenderEvent, renderTemplate } from './template-rendering.ts';
import { TEMPLATE_CHANNELS, type TemplateChannel, type TemplateDefinition } from './template-schema.ts';

/**
 * The delivery worker's MessageRenderer: an outbox entry and its customer in, the provider's
 * content out, or an error that fails the message permanently (never a half-rendered message).
 *
 * Delivery adds what only it knows through two hooks:
 * - `links(entry, customer)`: variables under `links` (`{{ links.unsubscribe }}`, `{{ links.preferences }}`);
 * - `finish(content, entry, customer)`: post-processing of the rendered content (tracked links, an open
 *   pixel, List-Unsubscribe headers); an error thrown there fails the message like a render error.
 */

/** The fields of an outbox entry rendering reads (OutboxRecord has them all). */
export interface RenderableEntry {
  readonly workspaceId: string;
  readonly idempotencyKey: string;
  readonly customerId: string;
  readonly runId: string | null;
  readonly journeyId: string | null;
  readonly nodeId: string | null;
  readonly channel: string | null;
  /** As the journey batch writes it: `{ template, messageClass, data, trigger, event, journeyVersion, … }`. */
  readonly payload: Readonly<Record<string, unknown>>;
}

export type RenderProfile = Pick<ProfileRecord, 'id' | 'traits' | 'locale' | 'timezone'>;

/** As the delivery worker passes it; `profile` is undefined once the customer was erased. */
export interface RenderCustomer {
  readonly profile: RenderProfile | undefined;
}

export type RenderOutcome = { readonly content: MessageContent } | { readonly error: string };

export interface TemplateRendererOptions {
  /** The definition messages use: TemplateService.definitionFor (stored, else the catalog's). */
  readonly templates: { definitionFor(workspaceId: string, id: string): Promise<TemplateDefinition | undefined> };
  readonly links?: (
    entry: RenderableEntry,
    customer: RenderProfile,
  ) => Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>;
  readonly finish?: (
    content: MessageContent,
    entry: RenderableEntry,
    customer: RenderProfile,
  ) => MessageContent | Promise<MessageContent>;
}

export class TemplateRenderer {
  constructor(private readonly options: TemplateRendererOptions) {}

  async render(entry: RenderableEntry, { profile: customer }: RenderCustomer): Promise<RenderOutcome> {
    const { payload } = entry;
    const templateId = typeof payload.template === 'string' ? payload.template : undefined;
    if (!templateId) return { error: `outbox entry ${entry.idempotencyKey} names no template` };
    const channel = entry.channel as TemplateChannel | null;
    if (!channel || !TEMPLATE_CHANNELS.includes(channel)) {
      return { error: `template ${templateId}: cannot render for channel ${entry.channel ?? '(none)'}` };
    }
    const template = await this.options.templates.definitionFor(entry.workspaceId, templateId);
    if (!template) return { error: `no template ${templateId} in the workspace or the catalog` };
    if (!customer) return { error: `template ${templateId}: customer ${entry.customerId} no longer exists` };
    const links = (await this.options.links?.(entry, customer)) ?? {};
    const rendered = await renderTemplate(template, channel, contextOf(entry, customer, links));
    if (!rendered.ok) return { error: rendered.error };
    if (!this.options.finish) return { content: rendered.content };
    try {
      return { content: await this.options.finish(rendered.content, entry, customer) };
    } catch (error) {
      return { error: `template ${templateId}: ${(error as Error).message}` };
    }
  }
}

/** The render context of an outbox entry: what the journey knew when it queued the message. */
export function contextOf(
  entry: RenderableEntry,
  customer: RenderProfile,
  links: Readonly<Record<string, string>> = {},
): RenderContext {
  const { payload } = entry;
  const journey =
    entry.journeyId && entry.runId && entry.nodeId
      ? {
          id: entry.journeyId,
          version: typeof payload.journeyVersion === 'number' ? payload.journeyVersion : 1,
          run: entry.runId,
          node: entry.nodeId,
        }
      : null;
  return {
    customer: { id: customer.id, locale: customer.locale, timezone: customer.timezone, traits: customer.traits },
    event: eventOf(payload.trigger, 'event') ?? { name: null, properties: {}, timestamp: null },
    last_event: eventOf(payload.event, 'event'),
    journey,
    data: objectOf(payload.data),
    message: {
      id: entry.idempotencyKey,
      ...(typeof payload.messageClass === 'string' ? { class: payload.messageClass } : {}),
    },
    links,
  };
}

/** A trigger or event snapshot (`{ event, properties, timestamp }`) as templates read it. */
export function eventOf(value: unknown, nameField: string): RenderEvent | null {
  if (!value || typeof value !== 'object') return null;
  const snapshot = value as Record<string, unknown>;
  const name = snapshot[nameField];
  const timestamp = snapshot.timestamp;
  return {
    name: typeof name === 'string' ? name : null,
    properties: objectOf(snapshot.properties),
    timestamp:
      typeof timestamp === 'number' || typeof timestamp === 'string' ? new Date(timestamp).toISOString() : null,
  };
}

function objectOf(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
