import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../../app/test-godwit.ts';
import { driveByHand, goLive } from '../../journeys/runtime/test-runtime.ts';
import { seededRandom } from '../../journeys/seeded-random.ts';
import { callApi, DAY, HOUR, iso, MINUTE, sendBatch } from '../../journeys/test-journey-api.ts';
import { ManualClock } from '../../shared/clock.ts';
import type { OutboxRecord } from '../../storage/journey-store.ts';

/**
 * A month of journeys through the real runtime and SQLite store on a manual clock (March 2026:
 * New York springs forward on the 8th, Berlin on the 29th), customers in five zones, marketing,
 * service and transactional sends at random minutes. Counted from the outbox afterwards, with the
 * zone arithmetic done here by Intl, not by the code under test: no message went out inside its
 * channel's quiet hours (transactional excepted, as the policy allows) or over a cap.
 */

const START = Date.UTC(2026, 2, 1, 0, 0);
const DAYS = 31;
const ZONES = ['America/New_York', 'Europe/Berlin', 'Asia/Shanghai', 'UTC', 'Australia/Sydney'];
const CUSTOMERS = 15;

const POLICY = {
  quietHours: [
    { channels: ['sms', 'whatsapp', 'voice'], from: '21:00', to: '08:00' },
    { channels: ['email', 'push', 'in_app'], from: '23:00', to: '07:00', allow: [] },
  ],
  caps: [
    { classes: ['marketing'], per: 'day', max: 1 },
    { classes: ['marketing'], per: 'week', max: 3 },
    { classes: ['service'], channel: 'sms', per: 'day', max: 2 },
  ],
};

const journey = (id: string, event: string, category: string, send: Record<string, unknown>) => ({
  id,
  category,
  trigger: { event },
  entry: { policy: 'every_time', allowConcurrent: true },
  start: 'send',
  nodes: { send: { type: 'send', template: id, next: 'done', ...send }, done: { type: 'exit' } },
});

const JOURNEYS = [
  journey('promo', 'Browsed', 'marketing', { channel: 'best' }),
  journey('digest', 'Digest Due', 'marketing', { channel: 'best', bestTime: { within: '24h' } }),
  journey('ticket', 'Ticket Updated', 'service', { channel: 'sms' }),
  journey('code', 'Code Requested', 'transactional', { channel: 'sms' }),
];
/** Chance per customer per hour of each event. */
const RATES: [string, number][] = [
  ['Browsed', 0.12],
  ['Digest Due', 0.04],
  ['Ticket Updated', 0.06],
  ['Code Requested', 0.04],
];

function localMinuteOfDay(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return Number(parts.hour) * 60 + Number(parts.minute);
}

function inWindow(minute: number, from: string, to: string): boolean {
  const m = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3));
  const [a, b] = [m(from), m(to)];
  return a <= b ? minute >= a && minute < b : minute >= a || minute < b;
}

/** Sends over `max` in some rolling window of `span` ending at a send (a window counts sends in (t − span, t]). */
function overCap(times: number[], span: number, max: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let over = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    const inside = sorted.filter((t) => t > (sorted[i] as number) - span && t <= (sorted[i] as number)).length;
    if (inside > max) over += 1;
  }
  return over;
}

describe('a month of journeys under the policy', () => {
  const clock = new ManualClock(START);
  let t: TestGodwit;
  let sent: { entry: OutboxRecord; at: number; zone: string }[] = [];
  let all: OutboxRecord[] = [];
  const zoneOf = new Map<string, string>();

  before(async () => {
    t = await startTestGodwit({ clock });
    await driveByHand(t);
    assert.equal((await callApi(t, 'PUT', '/v1/policy', POLICY)).status, 200);
    for (const definition of JOURNEYS) await goLive(t, definition);
    const random = seededRandom(2026);
    let n = 0;
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => ({
      userId: `u${i}`,
      zone: ZONES[i % ZONES.length] as string,
    }));
    await sendBatch(
      t,
      customers.map((c) => ({
        type: 'identify',
        userId: c.userId,
        messageId: `id-${c.userId}`,
        traits: {
          email: `${c.userId}@example.com`,
          phone: `+1555000${String(1000 + Number(c.userId.slice(1)))}`,
          timezone: c.zone,
        },
        timestamp: iso(START),
      })),
    );
    for (let hour = 0; hour < DAYS * 24; hour += 1) {
      // Events at a random minute of each hour, then whatever timers fell due by then.
      clock.advance(START + hour * HOUR + Math.floor(random() * 60) * MINUTE - clock.now());
      const batch: Record<string, unknown>[] = [];
      for (const c of customers) {
        for (const [event, rate] of RATES) {
          if (random() < rate) {
            batch.push({ type: 'track', userId: c.userId, messageId: `m${++n}`, event, timestamp: iso(clock.now()) });
          }
        }
      }
      if (batch.length > 0) await sendBatch(t, batch);
      await t.godwit.runtime.processEvents();
      await t.godwit.runtime.fireDueTimers();
    }
    clock.advance(START + DAYS * DAY - clock.now());
    await t.godwit.runtime.fireDueTimers();
    for (const c of customers)
      zoneOf.set(await t.godwit.customers.resolveId(t.workspaceId, c.userId, 'user_id'), c.zone);
    all = await t.godwit.store.journeys.listOutbox({ workspaceId: t.workspaceId, limit: 100_000 });
    // Not running delivery, a message that went out is `pending`; it went when last decided (updated_at).
    sent = all
      .filter((e) => e.status === 'pending')
      .map((entry) => ({ entry, at: entry.updatedAt, zone: zoneOf.get(entry.customerId) as string }));
  });
  after(() => t.close());

  it('went through the real runtime with every outcome: sent, delayed and sent later, suppressed', () => {
    const byStatus = (status: string) => all.filter((e) => e.status === status).length;
    const redecided = sent.filter((s) => s.entry.updatedAt > s.entry.createdAt).length;
    assert.ok(sent.length > 300, `${sent.length} sent`);
    assert.ok(redecided > 20, `${redecided} delayed and sent when their timer fired`);
    assert.ok(byStatus('suppressed') > 50, `${byStatus('suppressed')} suppressed`);
    for (const zone of ['America/New_York', 'Europe/Berlin']) {
      const around = (day: number) =>
        sent.filter((s) => s.zone === zone && Math.abs(s.at - Date.UTC(2026, 2, day)) < 2 * DAY);
      assert.ok(around(zone === 'America/New_York' ? 8 : 29).length > 3, `sends in ${zone} around its DST change`);
    }
  });

  it('sent nothing inside quiet hours, except transactional messages, which the policy lets through', () => {
    let violations = 0;
    let transactionalAtNight = 0;
    for (const { entry, at, zone } of sent) {
      const minute = localMinuteOfDay(at, zone);
      for (const rule of POLICY.quietHours) {
        if (!rule.channels.includes(entry.channel as string) || !inWindow(minute, rule.from, rule.to)) continue;
        const allowed = (rule.allow ?? ['transactional']).includes(entry.messageClass as string);
        if (allowed) transactionalAtNight += 1;
        else violations += 1;
      }
    }
    assert.equal(violations, 0);
    assert.ok(transactionalAtNight > 5, `${transactionalAtNight} codes sent at night`);
    const codes = all.filter((e) => e.journeyId === 'code');
    assert.ok(
      codes.length > 50 && codes.every((e) => e.status === 'pending' && e.channel === 'sms'),
      'every code went at once',
    );
  });

  it('sent no customer more than the caps allow, in any rolling day or week', () => {
    let over = 0;
    for (const customerId of zoneOf.keys()) {
      const mine = sent.filter((s) => s.entry.customerId === customerId);
      const times = (cls: string, channel?: string) =>
        mine.filter((s) => s.entry.messageClass === cls && (!channel || s.entry.channel === channel)).map((s) => s.at);
      over += overCap(times('marketing'), DAY, 1) + overCap(times('marketing'), 7 * DAY, 3);
      over += overCap(times('service', 'sms'), DAY, 2);
    }
    assert.equal(over, 0);
    const marketing = sent.filter((s) => s.entry.messageClass === 'marketing').length;
    assert.ok(marketing > 100, `${marketing} marketing sends, close to 3 a week each (15 customers × ~4.4 weeks)`);
  });

  it('sent no two service or marketing messages within the collision window; the higher class went first', () => {
    const rank: Record<string, number> = { transactional: 3, service: 2, marketing: 1 };
    const window = HOUR; // the default collisions.window
    const violations: string[] = [];
    for (const customerId of zoneOf.keys()) {
      const mine = sent.filter((s) => s.entry.customerId === customerId);
      for (const a of mine) {
        for (const b of mine) {
          if (a === b || Math.abs(a.at - b.at) >= window) continue;
          const [ra, rb] = [rank[a.entry.messageClass as string] ?? 0, rank[b.entry.messageClass as string] ?? 0];
          if (rb === 3) continue; // a transactional message never waits
          // b gave way to a, if a outranked it or equalled it and went first, and a was known when b went.
          const known = a.entry.createdAt <= b.at;
          if ((ra > rb && known) || (ra === rb && a.at < b.at)) {
            violations.push(`${b.entry.idempotencyKey} (${b.entry.messageClass}) near ${a.entry.idempotencyKey}`);
          }
        }
      }
    }
    assert.deepEqual(violations, []);
  });

  it('every decision keeps its reasons on the outbox entry', () => {
    const held = all.filter((e) => JSON.stringify(e.payload.explanation ?? {}).includes('"quiet_hours"'));
    const capped = all.filter((e) => JSON.stringify(e.payload.explanation ?? {}).includes('"frequency_cap"'));
    assert.ok(held.length > 0 && capped.length > 0);
    assert.ok(all.every((e) => typeof e.payload.decision === 'string' && e.payload.explanation));
  });
});
