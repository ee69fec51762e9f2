import type { Template } from 'liquidjs';
import type { MessageContent } from '../delivery/provider.ts';
import { htmlToText } from './html-text.ts';
import { type FieldKind, parseLiquid, renderLiquid } from './liquid-engine.ts';
import { chooseLocale, type LocaleChoice } from './locale-choice.ts';
import { type SmsSegments, smsSegments } from './sms-segments.ts';
import type { TemplateChannel, TemplateDefinition } from './template-schema.ts';

/**
 * Turns a template, a channel and the render context into the provider's content, in the locale
 * chosen for the customer. Any field that does not render makes the whole message an error that
 * names the template, the field, the line and the variable: a broken message is never produced.
 */

/** What templates read; `customer.locale` chooses the variant. */
export interface RenderContext {
  readonly customer: {
    readonly id: string;
    readonly locale: string | null;
    readonly timezone: string | null;
    readonly traits: Readonly<Record<string, unknown>>;
  };
  /** The trigger event: `{ name, properties, timestamp }` (ISO 8601). */
  readonly event: RenderEvent;
  /** The event a wait_for_event last matched, else null. */
  readonly last_event: RenderEvent | null;
  readonly journey: {
    readonly id: string;
    readonly version: number;
    readonly run: string;
    readonly node: string;
  } | null;
  readonly data: Readonly<Record<string, unknown>>;
  /** `id` is the idempotency key; `locale` the variant chosen (set by the renderer). */
  readonly message: {
    readonly id: string;
    readonly channel?: string;
    readonly class?: string;
    readonly locale?: string;
  };
  /** Addresses added by delivery (unsubscribe, preferences, tracked links): `{{ links.unsubscribe }}`. */
  readonly links: Readonly<Record<string, string>>;
}

export interface RenderEvent {
  readonly name: string | null;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly timestamp: string | null;
}

export type Rendered =
  | {
      readonly ok: true;
      readonly content: Exclude<MessageContent, { channel: 'webhook' }>;
      readonly locale: LocaleChoice;
      /** For SMS: the encoding and how many segments the text takes. */
      readonly sms?: SmsSegments;
    }
  | { readonly ok: false; readonly error: string };

/** Parsed templates by source, so a message sent a million times is parsed once per process. */
const parsed = new Map<string, Template[]>();
const PARSED_LIMIT = 5_000;

export async function renderTemplate(
  template: TemplateDefinition,
  channel: TemplateChannel,
  context: RenderContext,
): Promise<Rendered> {
  const locale = chooseLocale({
    requested: context.customer.locale,
    available: Object.keys(template.locales),
    defaultLocale: template.defaultLocale,
  });
  const base = template.channels[channel];
  if (!base) {
    const has = Object.keys(template.channels).join(', ');
    return { ok: false, error: `template ${template.id} has no ${channel} content (it has ${has})` };
  }
  const overrides = (template.locales[locale.locale]?.[channel] ?? {}) as Record<string, unknown>;
  const fields = new FieldRenderer(template, channel, locale.locale, {
    ...context,
    message: { ...context.message, channel, locale: locale.locale },
  });
  const pathOf = (field: string) =>
    field in overrides ? `locales.${locale.locale}.${channel}.${field}` : `channels.${channel}.${field}`;
  const merged = { ...base, ...overrides } as Record<string, unknown>;
  try {
    const content = await contentOf(channel, merged, (field, value, kind = 'text') =>
      fields.render(pathOf(field), value, kind),
    );
    if (content.channel === 'voice' && content.language === '') {
      return { ok: true, locale, content: { ...content, language: spokenLanguage(locale.locale) } };
    }
    if (content.channel === 'whatsapp' && content.language === '') {
      // WhatsApp names template languages with an underscore: zh_CN, en_US.
      return { ok: true, locale, content: { ...content, language: locale.locale.replace(/-/g, '_') } };
    }
    const sms = content.channel === 'sms' ? smsSegments(content.text) : undefined;
    return { ok: true, content, locale, ...(sms ? { sms } : {}) };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, error: error.message };
    throw error;
  }
}

type RenderField = (field: string, value: unknown, kind?: FieldKind) => Promise<string>;

async function contentOf(
  channel: TemplateChannel,
  f: Record<string, unknown>,
  render: RenderField,
): Promise<Exclude<MessageContent, { channel: 'webhook' }>> {
  switch (channel) {
    case 'email': {
      const html = await render('html', f.html, 'html');
      const text = f.text === undefined ? htmlToText(html) : await render('text', f.text);
      return { channel, subject: oneLine(await render('subject', f.subject)), html, text };
    }
    case 'sms':
      return { channel, text: await render('text', f.text) };
    case 'voice':
      return {
        channel,
        say: await render('say', f.say),
        language: f.language ? await render('language', f.language) : '',
      };
    case 'whatsapp': {
      const parameters = (f.parameters as string[]) ?? [];
      const rendered: string[] = [];
      for (const [i, parameter] of parameters.entries()) rendered.push(await render(`parameters[${i}]`, parameter));
      const language = f.language ? await render('language', f.language) : '';
      return { channel, template: await render('template', f.template), language, parameters: rendered };
    }
    case 'push': {
      const url = f.url === undefined ? undefined : await render('url', f.url);
      return {
        channel,
        title: await render('title', f.title),
        body: await render('body', f.body),
        ...(url ? { url } : {}),
      };
    }
    case 'in_app': {
      const actions: { label: string; url: string }[] = [];
      for (const [i, action] of ((f.actions as { label: string; url: string }[]) ?? []).entries()) {
        actions.push({
          label: await render(`actions[${i}].label`, action.label),
          url: await render(`actions[${i}].url`, action.url),
        });
      }
      return { channel, title: await render('title', f.title), body: await render('body', f.body), actions };
    }
  }
}

class FieldError extends Error {}

class FieldRenderer {
  constructor(
    private readonly template: TemplateDefinition,
    private readonly channel: TemplateChannel,
    private readonly locale: string,
    private readonly context: RenderContext,
  ) {}

  async render(path: string, source: unknown, kind: FieldKind): Promise<string> {
    const where = `template ${this.template.id} (${this.locale}, ${this.channel}) ${path}`;
    const parsedTemplate = parsedOf(String(source), kind);
    if (!parsedTemplate.ok) throw new FieldError(`${where}: ${describe(parsedTemplate.problem)}`);
    const result = await renderLiquid(
      parsedTemplate.template,
      kind,
      this.context as unknown as Record<string, unknown>,
    );
    if (!result.ok) throw new FieldError(`${where}: ${describe(result.problem)}`);
    return result.text;
  }
}

function parsedOf(source: string, kind: FieldKind): ReturnType<typeof parseLiquid> {
  const key = `${kind}\u0000${source}`;
  const hit = parsed.get(key);
  if (hit) return { ok: true, template: hit };
  const result = parseLiquid(source, kind);
  if (result.ok) {
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(key, result.template);
  }
  return result;
}

const describe = (problem: { line: number; column: number; message: string }) =>
  `line ${problem.line}, column ${problem.column}: ${problem.message}`;

/** A subject is one line: a line break inside would break the header. */
const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();

/** Speech needs a region: `en` → `en-US`, `zh` → `zh-CN`. */
function spokenLanguage(locale: string): string {
  try {
    const full = new Intl.Locale(locale).maximize();
    return full.region ? `${full.language}-${full.region}` : locale;
  } catch {
    return locale;
  }
}
