import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTemplate, parseTemplateText } from './template-schema.ts';

const issuesOf = (value: unknown) => {
  const result = parseTemplate(value);
  return result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
};

describe('template definitions', () => {
  it('reads YAML with defaults filled in', () => {
    const result = parseTemplateText(
      ['id: hello', 'name: Hello', 'channels:', '  sms: { text: "Hi {{ customer.traits.first_name }}" }'].join('\n'),
    );
    assert.ok(result.ok);
    assert.equal(result.template.defaultLocale, 'en');
    assert.deepEqual(result.template.locales, {});
  });

  it('names each Liquid problem by field, line and column', () => {
    assert.deepEqual(
      issuesOf({
        id: 'bad',
        name: 'Bad',
        channels: {
          email: { subject: 'Hi {{ customer.traits.name | titlecase }}', html: '<p>\n{% if x %}</p>' },
          push: { title: '{{ cusomer.id }}', body: '{{ data.x ' },
        },
        locales: { 'zh-CN': { email: { subject: '{{ event.name | nope }}' } } },
      }),
      [
        'channels.email.subject: line 1, column 4: unknown filter "titlecase"',
        'channels.email.html: line 2, column 1: tag {% if x %} not closed',
        'channels.push.title: unknown variable "cusomer": templates read customer, event, last_event, journey, data, message, links',
        'channels.push.body: line 1, column 1: output "{{ data.x " not closed',
        'locales.zh-CN.email.subject: line 1, column 1: unknown filter "nope"',
      ],
    );
  });

  it('names fields that are missing, unknown or in the wrong place', () => {
    assert.deepEqual(
      issuesOf({
        id: '1bad',
        channels: { email: { subject: 'x' }, fax: {} },
        locales: { 'not a locale!': {}, 'zh-CN': { sms: { text: 'x' } }, en: { email: { subject: 'y' } } },
      }),
      [
        'id: must start with a letter and use only letters, digits, _ and -',
        'name: is required',
        'channels.email.html: is required',
        'channels.fax: is not a known field',
        'locales.not a locale!: is not a valid id: must be a locale such as en, en-US or zh-CN',
      ],
    );
    assert.deepEqual(
      issuesOf({
        id: 'x',
        name: 'X',
        channels: { email: { subject: 's', html: 'h' } },
        locales: { 'zh-CN': { sms: { text: 'x' } }, en: { email: { subject: 'y' } } },
      }),
      [
        'locales.zh-CN.sms: channels has no sms content for other locales to fall back to',
        'locales.en: is the default locale: put its content in channels',
      ],
    );
    assert.deepEqual(issuesOf({ id: 'x', name: 'X', channels: {} }), [
      'channels: must have content for at least one of email, sms, voice, whatsapp, push, in_app',
    ]);
  });
});
