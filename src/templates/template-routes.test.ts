import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { addOutbox, outboxEntry } from '../delivery/test-delivery.ts';
import { callApi, iso, sendBatch, T0 } from '../journeys/test-journey-api.ts';

const receipt = (fields: Record<string, unknown> = {}) => ({
  id: 'receipt',
  name: 'Receipt',
  channels: {
    email: {
      subject: 'Order {{ event.properties.order_id }}',
      html: '<p>Hi {{ customer.traits.first_name }},</p>\n<p>Total {{ event.properties.total | money: "EUR" }}</p>',
    },
    sms: { text: 'Hi {{ customer.traits.first_name }}, order {{ event.properties.order_id }} is confirmed.' },
  },
  locales: {
    'zh-CN': {
      email: { subject: '订单 {{ event.properties.order_id }}' },
      sms: {
        text: '{{ customer.traits.first_name }}，您的订单 {{ event.properties.order_id }} 已确认，感谢您的购买，我们会尽快为您发货，请留意物流通知。',
      },
    },
  },
  ...fields,
});

for (const storeName of ['sqlite', 'postgres'] as const) {
  describe(`templates API (${storeName})`, () => {
    let t: TestGodwit;
    const call = (method: string, path: string, body?: unknown) => callApi(t, method, path, body);
    before(async () => {
      t = await startTestGodwit({ store: storeName });
      await sendBatch(t, [
        {
          type: 'identify',
          userId: 'li',
          traits: { email: 'li@example.com', first_name: '李雷', locale: 'zh-CN' },
          timestamp: iso(T0),
        },
        {
          type: 'identify',
          userId: 'ada',
          traits: { email: 'ada@example.com', first_name: 'Ada', locale: 'en-GB' },
          timestamp: iso(T0),
        },
        { type: 'identify', userId: 'anon', traits: { email: 'anon@example.com' }, timestamp: iso(T0) },
      ]);
    });
    after(() => t.close());

    it('creates, versions, reads and deletes a template', async () => {
      const created = await call('POST', '/v1/templates', receipt());
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual([created.body.template.latestVersion, created.body.template.builtin], [1, false]);
      assert.equal((await call('POST', '/v1/templates', receipt())).status, 409);

      const same = await call('PUT', '/v1/templates/receipt', receipt());
      assert.deepEqual([same.status, same.body.changed, same.body.template.latestVersion], [200, false, 1]);
      const yaml = 'name: Receipt\nchannels:\n  sms: { text: "Thanks {{ customer.traits.first_name }}" }\n';
      const v2 = await call('PUT', '/v1/templates/receipt', { source: `id: receipt\n${yaml}` });
      assert.deepEqual([v2.body.changed, v2.body.template.latestVersion, v2.body.previousVersion], [true, 2, 1]);
      const v1 = await call('GET', '/v1/templates/receipt/versions/1');
      assert.equal(v1.body.definition.channels.email.subject, 'Order {{ event.properties.order_id }}');
      const got = await call('GET', '/v1/templates/receipt');
      assert.deepEqual(Object.keys(got.body.template.definition.channels), ['sms']);

      const list = await call('GET', '/v1/templates');
      const ids = list.body.templates.map((s: { id: string; builtin: boolean }) => `${s.id}${s.builtin ? '*' : ''}`);
      assert.equal(ids[0], 'receipt');
      assert.ok(ids.includes('cart_reminder*'), 'catalog templates are listed as builtin');

      assert.deepEqual((await call('DELETE', '/v1/templates/receipt')).body, { deleted: true });
      assert.equal((await call('GET', '/v1/templates/receipt')).status, 404);
      assert.equal((await call('DELETE', '/v1/templates/receipt')).status, 404);
    });

    it('customises a built-in template by storing its own version, and never deletes the built-in', async () => {
      const builtin = (await call('GET', '/v1/templates/cart_reminder')).body.template;
      assert.equal(builtin.builtin, true);
      const refused = await call('DELETE', '/v1/templates/cart_reminder');
      assert.deepEqual(
        [refused.status, refused.body.error.message],
        [409, 'template cart_reminder is built in and cannot be deleted'],
      );
      const own = { ...builtin.definition, name: 'Our cart reminder' };
      const saved = await call('PUT', '/v1/templates/cart_reminder', own);
      assert.deepEqual([saved.status, saved.body.template.builtin, saved.body.template.latestVersion], [200, false, 1]);
      assert.equal((await call('GET', '/v1/templates/cart_reminder')).body.template.name, 'Our cart reminder');
      // Deleting the workspace's version brings the built-in back.
      assert.deepEqual((await call('DELETE', '/v1/templates/cart_reminder')).body, { deleted: true });
      assert.equal((await call('GET', '/v1/templates/cart_reminder')).body.template.builtin, true);
      assert.equal((await call('PUT', '/v1/templates/nope', { ...own, id: 'nope' })).status, 404);
    });

    it('refuses to delete a template a live journey sends, naming the journey', async () => {
      assert.equal((await call('POST', '/v1/templates', receipt({ id: 'receipt3' }))).status, 201);
      const journey = (id: string, template: string) => ({
        id,
        name: id,
        status: 'live',
        trigger: { event: 'Order Completed' },
        start: 'send',
        nodes: { send: { type: 'send', template, channel: 'email', next: 'end' }, end: { type: 'exit' } },
      });
      assert.equal((await call('POST', '/v1/journeys', journey('receipts', 'receipt3'))).status, 201);
      const refused = await call('DELETE', '/v1/templates/receipt3');
      assert.deepEqual(
        [refused.status, refused.body.error.message],
        [409, 'template receipt3 is sent by live journeys: receipts; pause or change them first'],
      );
      // The workspace's copy of a built-in may go: the built-in takes its place again.
      const builtin = (await call('GET', '/v1/templates/cart_reminder')).body.template.definition;
      assert.equal((await call('PUT', '/v1/templates/cart_reminder', { ...builtin, name: 'Ours' })).status, 200);
      assert.equal((await call('POST', '/v1/journeys', journey('reminders', 'cart_reminder'))).status, 201);
      assert.deepEqual((await call('DELETE', '/v1/templates/cart_reminder')).body, { deleted: true });

      assert.equal((await call('POST', '/v1/journeys/receipts/status', { status: 'paused' })).status, 200);
      assert.deepEqual((await call('DELETE', '/v1/templates/receipt3')).body, { deleted: true });
    });

    it('refuses to delete a template that runs still waiting on an older version will send', async () => {
      assert.equal((await call('POST', '/v1/templates', receipt({ id: 'later' }))).status, 201);
      assert.equal((await call('POST', '/v1/templates', receipt({ id: 'sooner' }))).status, 201);
      const followUp = (template: string) => ({
        id: 'follow-up',
        name: 'Follow up',
        status: 'live',
        trigger: { event: 'Trial Started' },
        start: 'wait',
        nodes: {
          wait: { type: 'wait', duration: '1d', next: 'send' },
          send: { type: 'send', template, channel: 'email', next: 'end' },
          end: { type: 'exit' },
        },
      });
      assert.equal((await call('POST', '/v1/journeys', followUp('later'))).status, 201);
      await sendBatch(t, [{ type: 'track', userId: 'ada', event: 'Trial Started', timestamp: iso(T0) }]);
      await t.settle();
      await t.godwit.runtime.processEvents();
      // Version 2 sends another template; ada's run waits on version 1, which still sends `later`.
      assert.equal((await call('PUT', '/v1/journeys/follow-up', followUp('sooner'))).status, 200);
      assert.equal((await call('POST', '/v1/journeys/follow-up/status', { status: 'paused' })).status, 200);
      const refused = await call('DELETE', '/v1/templates/later');
      assert.deepEqual(
        [refused.status, refused.body.error.message],
        [
          409,
          'template later is sent by runs still waiting in follow-up (version 1); delete it once they have finished',
        ],
      );
      assert.equal((await call('GET', '/v1/templates/later')).status, 200, 'the template is still there');
    });

    it('refuses to delete a template that messages still to go will render, held or queued', async () => {
      assert.equal((await call('POST', '/v1/templates', receipt({ id: 'promo_50' }))).status, 201);
      assert.equal((await call('POST', '/v1/templates', receipt({ id: 'promo_5' }))).status, 201);
      const held = (key: string, template: string, status: 'scheduled' | 'delivered') => ({
        ...outboxEntry(key, { workspaceId: t.workspaceId, status, nextAttemptAt: Date.now() + 3_600_000 }),
        payload: { template, address: 'ada@example.com' },
      });
      await addOutbox(t.godwit.store, [
        held('held:1', 'promo_50', 'scheduled'),
        held('gone:1', 'promo_5', 'delivered'),
      ]);
      const refused = await call('DELETE', '/v1/templates/promo_50');
      assert.deepEqual(
        [refused.status, refused.body.error.message],
        [409, 'template promo_50 is sent by 1 message still to go; delete it once they have finished'],
      );
      // promo_5 is named only by a message that has gone (and `_` in promo_50 is no wildcard for it).
      assert.deepEqual((await call('DELETE', '/v1/templates/promo_5')).body, { deleted: true });
    });

    it('refuses an edit that drops content a live journey or a queued message still sends on that channel', async () => {
      assert.equal((await call('POST', '/v1/templates', receipt({ id: 'notice' }))).status, 201);
      const send = (channel: string) => ({ type: 'send', template: 'notice', channel, next: 'end' });
      const journey = (id: string, channel: string) => ({
        id,
        name: id,
        status: 'live',
        trigger: { event: 'Order Completed' },
        start: 'send',
        nodes: { send: send(channel), end: { type: 'exit' } },
      });
      assert.equal((await call('POST', '/v1/journeys', journey('notices', 'sms'))).status, 201);
      assert.equal((await call('POST', '/v1/journeys', journey('notices_best', 'best'))).status, 201);
      const { sms, ...emailOnly } = receipt({ id: 'notice' }).channels;
      const withoutSms = { ...receipt({ id: 'notice' }), channels: emailOnly, locales: {} };
      const refused = await call('PUT', '/v1/templates/notice', withoutSms);
      assert.deepEqual(
        [refused.status, refused.body.error.message],
        [409, "template notice's sms content is sent by live journeys: notices; pause or change them first"],
      );
      assert.equal((await call('GET', '/v1/templates/notice')).body.template.latestVersion, 1, 'nothing saved');
      // Email is sent only by `best`, which chooses among the channels the template has: it may go.
      const { email, ...smsOnly } = receipt({ id: 'notice' }).channels;
      assert.equal((await call('PUT', '/v1/templates/notice', { ...withoutSms, channels: smsOnly })).status, 200);
      // Paused, the journey no longer stops it; an SMS still to go does.
      assert.equal((await call('POST', '/v1/journeys/notices/status', { status: 'paused' })).status, 200);
      await addOutbox(t.godwit.store, [
        {
          ...outboxEntry('notice:1', { workspaceId: t.workspaceId, channel: 'sms', nextAttemptAt: Date.now() }),
          payload: { template: 'notice', address: '+442079460958' },
        },
      ]);
      const queued = await call('PUT', '/v1/templates/notice', { ...withoutSms, channels: { email, sms } });
      assert.equal(queued.status, 200, 'adding a channel drops nothing');
      const dropping = await call('PUT', '/v1/templates/notice', { ...withoutSms, channels: { email } });
      assert.deepEqual(
        [dropping.status, dropping.body.error.message],
        [409, "template notice's sms content is sent by 1 message still to go; change it once they have finished"],
      );
    });

    it("refuses deleting the workspace's version of a built-in while a send needs content only that version has", async () => {
      // The built-in lead_welcome has email only; the workspace's version adds SMS, which a live journey sends.
      const builtin = (await call('GET', '/v1/templates/lead_welcome')).body.template.definition;
      const own = { ...builtin, channels: { ...builtin.channels, sms: { text: 'Welcome!' } } };
      assert.equal((await call('PUT', '/v1/templates/lead_welcome', own)).status, 200);
      const journey = {
        id: 'welcome_sms',
        name: 'Welcome by SMS',
        status: 'live',
        trigger: { event: 'Signed Up' },
        start: 'send',
        nodes: { send: { type: 'send', template: 'lead_welcome', channel: 'sms', next: 'end' }, end: { type: 'exit' } },
      };
      assert.equal((await call('POST', '/v1/journeys', journey)).status, 201);
      const refused = await call('DELETE', '/v1/templates/lead_welcome');
      assert.deepEqual(
        [refused.status, refused.body.error.message],
        [409, "template lead_welcome's sms content is sent by live journeys: welcome_sms; pause or change them first"],
      );
      assert.equal((await call('POST', '/v1/journeys/welcome_sms/status', { status: 'paused' })).status, 200);
      assert.deepEqual((await call('DELETE', '/v1/templates/lead_welcome')).body, { deleted: true });
    });

    it('deletes a template or lets a journey go live sending it, never both', async () => {
      const journey = (id: string) => ({
        id,
        name: id,
        status: 'live',
        trigger: { event: 'Order Completed' },
        start: 'send',
        nodes: { send: { type: 'send', template: 'racing', channel: 'email', next: 'end' }, end: { type: 'exit' } },
      });
      for (let round = 0; round < 5; round += 1) {
        assert.equal((await call('POST', '/v1/templates', receipt({ id: 'racing' }))).status, 201);
        const [deleted, live] = await Promise.all([
          call('DELETE', '/v1/templates/racing'),
          call('POST', '/v1/journeys', journey(`racer-${round}`)),
        ]);
        assert.notDeepEqual([deleted.status, live.status], [200, 201], `round ${round}: deleted and went live`);
        if (live.status === 201) {
          await call('POST', `/v1/journeys/racer-${round}/status`, { status: 'paused' });
          assert.equal((await call('DELETE', '/v1/templates/racing')).status, 200);
        }
      }
    });

    it('refuses invalid templates with each problem at its path', async () => {
      const bad = await call(
        'POST',
        '/v1/templates',
        receipt({ id: 'bad', channels: { email: { subject: '{{ event.name | titlecase }}', html: '{% if %}' } } }),
      );
      assert.equal(bad.status, 400);
      assert.deepEqual(
        bad.body.error.details.map((d: { path: string }) => d.path),
        ['locales.zh-CN.sms', 'channels.email.subject', 'channels.email.html'],
      );
      assert.match(bad.body.error.message, /channels\.email\.subject: line 1, column 1: unknown filter "titlecase"/);
      const yaml = await call('POST', '/v1/templates', { source: 'id: x\nname: [' });
      assert.equal(yaml.status, 400);
      assert.match(yaml.body.error.message, /not valid YAML/);
    });

    it("previews with a real customer's traits and locale, counting SMS segments", async () => {
      assert.equal((await call('POST', '/v1/templates', receipt({ id: 'receipt2' }))).status, 201);
      const event = { name: 'Order Completed', properties: { order_id: 'A-17', total: 42 } };
      const li = await call('POST', '/v1/templates/receipt2/preview', { customer: 'li@example.com', event });
      assert.equal(li.status, 200, JSON.stringify(li.body));
      assert.equal(li.body.channels.email.content.subject, '订单 A-17');
      assert.equal(li.body.channels.email.locale, 'zh-CN');
      assert.match(li.body.channels.email.content.html, /<p>Hi 李雷,<\/p>/);
      assert.match(li.body.channels.sms.content.text, /^李雷，您的订单 A-17 已确认/);
      assert.deepEqual(li.body.channels.sms.sms, { encoding: 'UCS-2', units: 42, segments: 1 });

      const ada = await call('POST', '/v1/templates/receipt2/preview', { customer: 'ada', channel: 'sms', event });
      assert.deepEqual(Object.keys(ada.body.channels), ['sms']);
      assert.equal(ada.body.channels.sms.content.text, 'Hi Ada, order A-17 is confirmed.');
      assert.deepEqual(ada.body.channels.sms.sms, { encoding: 'GSM-7', units: 32, segments: 1 });
      const forced = await call('POST', '/v1/templates/receipt2/preview', {
        customer: 'ada',
        channel: 'email',
        locale: 'zh-CN',
        event,
      });
      assert.equal(forced.body.channels.email.content.subject, '订单 A-17');

      const anon = await call('POST', '/v1/templates/receipt2/preview', { customer: 'anon@example.com', event });
      assert.equal(anon.status, 200);
      assert.deepEqual(anon.body.channels.sms, {
        ok: false,
        error:
          'template receipt2 (en, sms) channels.sms.text: line 1, column 7: undefined variable "customer.traits.first_name"',
      });

      const catalog = await call('POST', '/v1/templates/cart_discount/preview', {
        customer: 'li@example.com',
        data: { discount_percent: 10 },
      });
      assert.equal(catalog.body.channels.email.content.subject, '您的购物车限时 10% 优惠');
      assert.equal((await call('POST', '/v1/templates/nope/preview', { customer: 'ada' })).status, 404);
      assert.equal((await call('POST', '/v1/templates/receipt2/preview', { customer: 'nobody' })).status, 404);
      assert.equal(
        (await call('POST', '/v1/templates/receipt2/preview', { customer: 'ada', channel: 'fax' })).status,
        400,
      );
    });
  });
}
