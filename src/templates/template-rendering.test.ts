import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RenderContext, renderTemplate } from './template-rendering.ts';
import { parseTemplate, type TemplateDefinition } from './template-schema.ts';

const template = (value: unknown): TemplateDefinition => {
  const result = parseTemplate(value);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.template;
};

const greeting = template({
  id: 'greeting',
  name: 'Greeting',
  channels: {
    email: {
      subject: 'Hello {{ customer.traits.first_name | default: "there" }}',
      html: '<p>Your total is {{ event.properties.total | money: "EUR" }}</p>\n<p><a href="https://x.test/{{ data.code }}">Shop</a></p>',
    },
    sms: { text: 'Hi {{ customer.traits.first_name }}, code {{ data.code }}' },
    voice: { say: 'Hello' },
    whatsapp: { template: 'greeting', parameters: ['{{ customer.traits.first_name }}'] },
  },
  locales: {
    'zh-CN': {
      email: { subject: '{{ customer.traits.first_name }}，您好' },
      sms: { text: '{{ customer.traits.first_name }}，您好，优惠码 {{ data.code }}' },
    },
  },
});

const context = (customer: Partial<RenderContext['customer']> = {}, data: Record<string, unknown> = {}) =>
  ({
    customer: { id: 'c1', locale: null, timezone: 'Asia/Shanghai', traits: { first_name: 'Ada' }, ...customer },
    event: { name: 'Cart Abandoned', properties: { total: 1234.5 }, timestamp: '2025-01-06T09:00:00.000Z' },
    last_event: null,
    journey: null,
    data: { code: 'HELLO', ...data },
    message: { id: 'run:node:1' },
    links: {},
  }) satisfies RenderContext;

describe('rendering', () => {
  it('chooses the exact locale, then the language, then the default, field by field', async () => {
    const zh = await renderTemplate(greeting, 'email', context({ locale: 'zh-CN' }));
    assert.ok(zh.ok);
    assert.equal(zh.content.channel === 'email' && zh.content.subject, 'Ada，您好');
    // The zh-CN variant has no html: it falls back to the default's, formatted for zh-CN.
    assert.match(zh.content.channel === 'email' ? zh.content.html : '', /€1,234.50/);
    assert.equal(zh.locale.reason, 'exact');

    for (const [requested, locale, reason] of [
      ['zh', 'zh-CN', 'language'],
      ['zh_Hans_CN', 'zh-CN', 'language'],
      ['en-US', 'en', 'language'],
      ['fr-FR', 'en', 'default'],
      [null, 'en', 'default'],
    ] as const) {
      const rendered = await renderTemplate(greeting, 'sms', context({ locale: requested }));
      assert.ok(rendered.ok);
      assert.deepEqual([requested, rendered.locale.locale, rendered.locale.reason], [requested, locale, reason]);
    }
  });

  it('escapes HTML output and writes the text part from the HTML', async () => {
    const rendered = await renderTemplate(greeting, 'email', context({}, { code: '<b>&' }));
    assert.ok(rendered.ok && rendered.content.channel === 'email');
    assert.match(rendered.content.html, /x\.test\/&lt;b&gt;&amp;/);
    assert.equal(rendered.content.text, 'Your total is €1,234.50\n\nShop (https://x.test/<b>&)');
  });

  it('fails a message whose variable is missing, naming template, field, line and variable', async () => {
    const rendered = await renderTemplate(greeting, 'email', context({}, { code: undefined }));
    assert.deepEqual(rendered, {
      ok: false,
      error: 'template greeting (en, email) channels.email.html: line 2, column 31: undefined variable "data.code"',
    });
    const zh = await renderTemplate(greeting, 'sms', context({ locale: 'zh-CN', traits: {} }));
    assert.ok(!zh.ok);
    assert.match(
      zh.error,
      /locales\.zh-CN\.sms\.text: line 1, column 4: undefined variable "customer\.traits\.first_name"/,
    );
  });

  it('says when the template has no content for the channel', async () => {
    const rendered = await renderTemplate(greeting, 'push', context());
    assert.deepEqual(rendered, {
      ok: false,
      error: 'template greeting has no push content (it has email, sms, voice, whatsapp)',
    });
  });

  it('counts SMS segments: GSM-7 for English, UCS-2 for Chinese', async () => {
    const english = await renderTemplate(greeting, 'sms', context({}, { code: 'x'.repeat(150) }));
    assert.ok(english.ok);
    assert.deepEqual(english.sms, { encoding: 'GSM-7', units: 163, segments: 2 });
    const chinese = await renderTemplate(greeting, 'sms', context({ locale: 'zh-CN' }, { code: 'y'.repeat(60) }));
    assert.ok(chinese.ok);
    assert.deepEqual(chinese.sms, { encoding: 'UCS-2', units: 71, segments: 2 });
  });

  it('fills voice and WhatsApp languages from the chosen locale', async () => {
    const voice = await renderTemplate(greeting, 'voice', context({ locale: 'zh-CN' }));
    assert.ok(voice.ok && voice.content.channel === 'voice');
    assert.equal(voice.content.language, 'zh-CN');
    const english = await renderTemplate(greeting, 'voice', context());
    assert.ok(english.ok && english.content.channel === 'voice');
    assert.equal(english.content.language, 'en-US');
    const whatsapp = await renderTemplate(greeting, 'whatsapp', context({ locale: 'zh-CN' }));
    assert.deepEqual(whatsapp.ok && whatsapp.content, {
      channel: 'whatsapp',
      template: 'greeting',
      language: 'zh_CN',
      parameters: ['Ada'],
    });
  });

  it('formats dates in the customer timezone and locale', async () => {
    const dated = template({
      id: 'dated',
      name: 'Dated',
      channels: { sms: { text: '{{ event.timestamp | local_date }} {{ event.timestamp | local_time }}' } },
      locales: { 'zh-CN': { sms: { text: '{{ event.timestamp | local_date }} {{ event.timestamp | local_time }}' } } },
    });
    const en = await renderTemplate(dated, 'sms', context());
    assert.equal(en.ok && en.content.channel === 'sms' && en.content.text, 'January 6, 2025 5:00 PM');
    const zh = await renderTemplate(dated, 'sms', context({ locale: 'zh-CN', timezone: 'America/New_York' }));
    assert.equal(zh.ok && zh.content.channel === 'sms' && zh.content.text, '2025年1月6日 04:00');
  });

  it('reads a date trait as Godwit reads times: no offset is UTC, a date not on the calendar is an error', async () => {
    const renewal = template({
      id: 'renewal',
      name: 'Renewal',
      channels: { sms: { text: 'Renews {{ customer.traits.renews_at | local_date }}' } },
    });
    const at = (renews_at: string) =>
      renderTemplate(renewal, 'sms', context({ timezone: 'UTC', traits: { first_name: 'Ada', renews_at } }));
    const zoneless = await at('2025-03-01 00:30:00');
    assert.equal(zoneless.ok && zoneless.content.channel === 'sms' && zoneless.content.text, 'Renews March 1, 2025');
    const impossible = await at('2025-02-30');
    assert.ok(!impossible.ok, 'new Date rolls 30 February into March');
  });
});
