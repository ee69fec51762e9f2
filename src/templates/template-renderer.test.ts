import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deliveryHooks } from './delivery-hooks.ts';
import { catalogTemplate } from './template-catalog.ts';
import { type RenderableEntry, TemplateRenderer } from './template-renderer.ts';

/** An outbox entry as the journey batch writes it. */
const entry = (fields: Partial<RenderableEntry> = {}): RenderableEntry => ({
  workspaceId: 'w1',
  idempotencyKey: 'run1:discount:1',
  customerId: 'c1',
  runId: 'run1',
  journeyId: 'abandoned-cart',
  nodeId: 'discount',
  channel: 'email',
  payload: {
    template: 'cart_discount',
    requestedChannel: 'email',
    messageClass: 'marketing',
    address: 'li@example.com',
    decision: 'fixed channel',
    data: { discount_percent: 10 },
    trigger: { event: 'Cart Abandoned', properties: { cart_url: 'https://shop.test/c/1', total: 150 }, timestamp: 0 },
    event: null,
    journeyVersion: 1,
  },
  ...fields,
});

const customer = { profile: { id: 'c1', traits: { first_name: '李雷' }, locale: 'zh-CN', timezone: 'Asia/Shanghai' } };
const catalogOnly = { definitionFor: async (_w: string, id: string) => catalogTemplate(id) };

describe('TemplateRenderer', () => {
  it('renders an outbox entry in the customer locale, with delivery hooks applied', async () => {
    const renderer = new TemplateRenderer({
      templates: catalogOnly,
      ...deliveryHooks({
        trackEmail: (html, m) => html.replace(/href="([^"]+)"/g, `href="https://t.test/${m.idempotencyKey}"`),
        unsubscribeHeaders: (m) => ({
          'List-Unsubscribe': `<https://u.test/${m.customerId}/${m.topic}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        }),
      }),
    });
    const result = await renderer.render(entry(), customer);
    assert.ok('content' in result && result.content.channel === 'email', JSON.stringify(result));
    assert.equal(result.content.subject, '您的购物车限时 10% 优惠');
    assert.match(result.content.html, /<p>李雷，您好：<\/p>/);
    assert.match(result.content.html, /href="https:\/\/t\.test\/run1:discount:1"/);
    assert.equal(result.content.headers?.['List-Unsubscribe'], '<https://u.test/c1/marketing>');
    assert.match(result.content.text, /^李雷，您好：\n\n您的购物车还在/);
  });

  it('fails the message, never sends it broken', async () => {
    const renderer = new TemplateRenderer({ templates: catalogOnly });
    const noData = entry({ payload: { ...entry().payload, data: {} } });
    assert.deepEqual(await renderer.render(noData, customer), {
      error:
        'template cart_discount (zh-CN, email) locales.zh-CN.email.html: line 2, column 29: undefined variable "data.discount_percent"',
    });
    const missing = entry({ payload: { ...entry().payload, template: 'nope' } });
    assert.deepEqual(await renderer.render(missing, customer), {
      error: 'no template nope in the workspace or the catalog',
    });
    assert.deepEqual(await renderer.render(entry(), { profile: undefined }), {
      error: 'template cart_discount: customer c1 no longer exists',
    });
    assert.deepEqual(await renderer.render(entry({ channel: 'sms' }), customer), {
      error: 'template cart_discount has no sms content (it has email)',
    });
  });
});
