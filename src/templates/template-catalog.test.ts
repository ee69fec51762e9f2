import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CATALOG } from '../journeys/catalog/journey-catalog.ts';
import { findCatalogJourney } from '../journeys/journey-input.ts';
import { catalogTemplate, catalogTemplates } from './template-catalog.ts';
import { renderTemplate } from './template-rendering.ts';
import { TEMPLATE_CHANNELS, type TemplateChannel } from './template-schema.ts';

/** Every template a catalog journey sends, on the channels it may go out on. */
function sends(): {
  journey: string;
  node: string;
  template: string;
  channels: TemplateChannel[];
  data: Record<string, unknown>;
}[] {
  return CATALOG.flatMap((entry) => {
    const journey = findCatalogJourney(entry.file);
    if (!journey) throw new Error(`no catalog journey ${entry.file}`);
    return Object.entries(journey.nodes).flatMap(([node, n]) =>
      n.type === 'send'
        ? [
            {
              journey: journey.id,
              node,
              template: n.template,
              channels: n.channel === 'best' ? [...TEMPLATE_CHANNELS] : [n.channel],
              data: n.data,
            },
          ]
        : [],
    );
  });
}

describe('catalog templates', () => {
  it('cover every template and channel the catalog journeys send, rendering in English and Chinese', async () => {
    const all = sends();
    assert.equal(new Set(all.map((s) => s.template)).size, 16);
    for (const send of all) {
      const template = catalogTemplate(send.template);
      assert.ok(template, `${send.journey}.${send.node}: no catalog template ${send.template}`);
      assert.ok(template.locales['zh-CN'], `${send.template} has no zh-CN variant`);
      for (const channel of send.channels) {
        for (const [locale, traits] of [
          ['en-US', { first_name: 'Ada' }],
          ['zh-CN', {}],
        ] as const) {
          const rendered = await renderTemplate(template, channel, {
            customer: { id: 'c1', locale, timezone: 'Asia/Shanghai', traits },
            event: { name: 'x', properties: { cart_url: 'https://shop.test/cart/1' }, timestamp: null },
            last_event: null,
            journey: { id: send.journey, version: 1, run: 'r1', node: send.node },
            data: send.data,
            message: { id: 'r1:n:1' },
            links: {},
          });
          assert.ok(rendered.ok, `${send.template} ${channel} ${locale}: ${!rendered.ok && rendered.error}`);
          assert.equal(rendered.locale.locale, locale === 'zh-CN' ? 'zh-CN' : 'en');
          const text = JSON.stringify(rendered.content);
          assert.doesNotMatch(text, /\{\{|\{%/, `${send.template} ${channel}: Liquid left in the output`);
          if (locale === 'zh-CN' && channel !== 'whatsapp') assert.match(text, /[\u4e00-\u9fff]/);
        }
      }
    }
    assert.equal(catalogTemplates().length, 16, 'no catalog template that no journey sends');
  });
});
