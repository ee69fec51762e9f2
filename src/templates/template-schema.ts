import { z } from 'zod';
import {
  type DefinitionIssue,
  decodeDefinitionText,
  describeIssue,
  formatDefinitionIssues,
  toDefinitionIssues,
} from '../shared/definition-parsing.ts';
import { canonicalLocale } from './locale-choice.ts';
import { checkTemplateLiquid } from './template-liquid-check.ts';

/**
 * A message template as data: content per channel in the default locale (`channels`), and per
 * locale the fields that differ (`locales.zh-CN.email.subject`). Every string is Liquid.
 */

const text = z.string().min(1, { error: 'must not be empty' });

export const channelShapes = {
  email: { subject: text, html: text, text: text.optional() },
  sms: { text },
  /** `language` (BCP 47) defaults to the locale the message is rendered in. */
  voice: { say: text, language: text.optional() },
  /** An approved WhatsApp template: its name, language (default: the rendered locale) and body parameters. */
  whatsapp: { template: text, language: text.optional(), parameters: z.array(z.string()).default([]) },
  push: { title: text, body: text, url: text.optional() },
  in_app: {
    title: text,
    body: text,
    actions: z.array(z.strictObject({ label: text, url: text })).default([]),
  },
} as const;

export type TemplateChannel = keyof typeof channelShapes;
export const TEMPLATE_CHANNELS = Object.keys(channelShapes) as TemplateChannel[];

const channelsSchema = z.strictObject({
  email: z.strictObject(channelShapes.email).optional(),
  sms: z.strictObject(channelShapes.sms).optional(),
  voice: z.strictObject(channelShapes.voice).optional(),
  whatsapp: z.strictObject(channelShapes.whatsapp).optional(),
  push: z.strictObject(channelShapes.push).optional(),
  in_app: z.strictObject(channelShapes.in_app).optional(),
});

/** A locale variant overrides any field of any channel the template has; the rest comes from the default. */
const overridesSchema = z.strictObject({
  email: z.strictObject(channelShapes.email).partial().optional(),
  sms: z.strictObject(channelShapes.sms).partial().optional(),
  voice: z.strictObject(channelShapes.voice).partial().optional(),
  whatsapp: z
    .strictObject({ ...channelShapes.whatsapp, parameters: z.array(z.string()) })
    .partial()
    .optional(),
  push: z.strictObject(channelShapes.push).partial().optional(),
  in_app: z
    .strictObject({ ...channelShapes.in_app, actions: z.array(z.strictObject({ label: text, url: text })) })
    .partial()
    .optional(),
});

const localeSchema = z.string().refine((tag) => canonicalLocale(tag) !== undefined, {
  error: 'must be a locale such as en, en-US or zh-CN',
});

export const templateSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, {
    error: 'must start with a letter and use only letters, digits, _ and -',
  }),
  name: text,
  description: z.string().optional(),
  /** The locale of `channels`, used when the customer's locale has no variant. */
  defaultLocale: localeSchema.default('en'),
  channels: channelsSchema,
  locales: z.record(localeSchema, overridesSchema).default({}),
});

export type TemplateDefinition = z.output<typeof templateSchema>;
export type TemplateChannels = TemplateDefinition['channels'];
export type ChannelOverrides = z.output<typeof overridesSchema>;

export type TemplateParseResult =
  | { readonly ok: true; readonly template: TemplateDefinition }
  | { readonly ok: false; readonly issues: readonly DefinitionIssue[] };

/** Fields first, then the shape of the locale variants, then every string as Liquid. */
export function parseTemplate(value: unknown): TemplateParseResult {
  const result = templateSchema.safeParse(value, { error: describeIssue });
  if (!result.success) return { ok: false, issues: result.error.issues.flatMap(toDefinitionIssues) };
  const template = result.data;
  const issues = [...checkShape(template), ...checkTemplateLiquid(template)];
  return issues.length > 0 ? { ok: false, issues } : { ok: true, template };
}

export function parseTemplateText(text: string): TemplateParseResult {
  const decoded = decodeDefinitionText(text);
  return decoded.ok ? parseTemplate(decoded.value) : decoded;
}

export function formatTemplateIssues(issues: readonly DefinitionIssue[]): string {
  return formatDefinitionIssues(issues);
}

function checkShape(template: TemplateDefinition): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  if (Object.keys(template.channels).length === 0) {
    issues.push({ path: 'channels', message: `must have content for at least one of ${TEMPLATE_CHANNELS.join(', ')}` });
  }
  for (const [locale, overrides] of Object.entries(template.locales)) {
    if (canonicalLocale(locale) === canonicalLocale(template.defaultLocale)) {
      issues.push({ path: `locales.${locale}`, message: 'is the default locale: put its content in channels' });
    }
    for (const channel of Object.keys(overrides) as TemplateChannel[]) {
      if (!template.channels[channel]) {
        issues.push({
          path: `locales.${locale}.${channel}`,
          message: `channels has no ${channel} content for other locales to fall back to`,
        });
      }
    }
  }
  return issues;
}
