import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateSegment } from '../../segments/segment-evaluation.ts';
import { referencesOf } from '../journey-references.ts';
import { eventsListenedTo, missingRequirements, requirementsOf } from '../journey-requirements.ts';
import { type SimulateOptions, simulate } from '../simulate.ts';
import { DAY, HOUR, MINUTE, T0 } from '../test-journeys.ts';
import {
  CATALOG,
  CATALOG_SEGMENTS,
  catalogSegmentsFor,
  loadCatalogJourney,
  loadCatalogSegment,
} from './journey-catalog.ts';

/** Examples are tests: every catalog journey validates and is simulated for a sample customer. */

type Scenario = Omit<SimulateOptions, 'definition' | 'now' | 'customer'> & {
  readonly traits?: Record<string, unknown>;
  readonly timezone?: string;
};

function run(file: string, scenario: Scenario) {
  const { traits = {}, timezone = 'UTC', ...rest } = scenario;
  const customer = { id: 'ada', traits: { email: 'ada@example.com', ...traits }, timezone };
  return simulate({ definition: loadCatalogJourney(file), customer, now: T0, ...rest });
}

const sent = (result: ReturnType<typeof simulate>) => result.messages.map((m) => `${m.template}@${m.at - T0}`);
const event = (name: string, at: number, properties: Record<string, unknown> = {}, traits?: Record<string, unknown>) =>
  traits ? { event: name, properties, timestamp: at, traits } : { event: name, properties, timestamp: at };

describe('journey catalog', () => {
  it('ships one valid journey per use case, each saying what it needs', () => {
    assert.equal(new Set(CATALOG.map((entry) => entry.useCase)).size, 5);
    for (const { file } of CATALOG) {
      const journey = loadCatalogJourney(file);
      assert.ok(journey.description, `${file} has a description`);
      assert.ok(requirementsOf(journey).events.length > 0, `${file} lists events`);
    }
    const cart = loadCatalogJourney('abandoned-cart.yaml');
    // Its exit (Unsubscribed) is not required: exits rarely happen before a journey runs.
    assert.deepEqual(requirementsOf(cart), { events: ['Cart Abandoned', 'Order Completed'], traits: ['email'] });
    assert.deepEqual(missingRequirements(cart, { events: ['Cart Abandoned'], traits: ['email'] }), {
      events: ['Order Completed'],
      traits: [],
    });
    assert.deepEqual(eventsListenedTo(cart), ['Cart Abandoned', 'Order Completed', 'Unsubscribed']);
  });

  it('ships every segment its journeys start on or read, so each can go live in a new workspace', () => {
    const shipped = CATALOG_SEGMENTS.map((file) => loadCatalogSegment(file).id);
    for (const { file } of CATALOG) {
      const journey = loadCatalogJourney(file);
      const named = referencesOf(journey).filter((ref) => ref.kind === 'segment');
      for (const { id } of named) assert.ok(shipped.includes(id), `${file} names segment ${id}, which is not shipped`);
    }
    const churn = catalogSegmentsFor(loadCatalogJourney('churn-retention.yaml')).map((segment) => segment.id);
    assert.deepEqual(churn, ['no-activity-30d']);
  });

  it('no-activity-30d: customers active within 90 days but not the last 30, not new or active ones', () => {
    const quiet = loadCatalogSegment('segments/no-activity-30d.yaml');
    const member = (...events: [string, number][]) =>
      evaluateSegment(quiet, {
        traits: {},
        consent: {},
        events: events.map(([name, daysAgo]) => event(name, T0 - daysAgo * DAY)),
        now: T0,
      }).member;
    assert.equal(member(['Logged In', 31]), true);
    assert.equal(member(['Order Completed', 45]), true);
    assert.equal(member(), false, 'never active: new, not going quiet');
    assert.equal(member(['Logged In', 31], ['Order Completed', 3]), false);
    assert.equal(member(['Logged In', 2]), false);
    assert.equal(member(['Logged In', 100]), false, 'gone for longer than the win-back is for');
    // A customer's last login turning 30 days old puts them in by the segment's own timer.
    const turning = evaluateSegment(quiet, {
      traits: {},
      consent: {},
      events: [event('Logged In', T0 - 29 * DAY)],
      now: T0,
    });
    assert.deepEqual(turning, { member: false, changesAt: T0 + DAY });
  });

  it('abandoned cart: a reminder after an hour, a discount next morning at 10:00 local, none once bought', () => {
    const cart = event('Cart Abandoned', T0 + 5 * HOUR, { cart_id: 'k1', total: 150 });
    const berlin = { timezone: 'Europe/Berlin' };
    const result = run('abandoned-cart.yaml', { ...berlin, events: [cart] });
    assert.deepEqual(sent(result), [`cart_reminder@${6 * HOUR}`, `cart_discount@${DAY}`]); // Tue 10:00 CET
    assert.equal(result.outcome, 'completed');
    const small = run('abandoned-cart.yaml', {
      ...berlin,
      events: [{ ...cart, properties: { cart_id: 'k1', total: 40 } }],
    });
    assert.deepEqual(sent(small), [`cart_reminder@${6 * HOUR}`, `cart_last_call@${DAY}`]);
    const otherCart = event('Order Completed', T0 + 7 * HOUR, { cart_id: 'k2' });
    const bought = event('Order Completed', T0 + 8 * HOUR, { cart_id: 'k1' });
    const converted = run('abandoned-cart.yaml', { ...berlin, events: [cart, otherCart, bought] });
    assert.equal(converted.outcome, 'converted');
    assert.deepEqual(sent(converted), [`cart_reminder@${6 * HOUR}`]);
  });

  it('onboarding: welcome, preferences, help unless used, check-ins at days 30/60/90 at 10:00 local', () => {
    const first = event('Order Completed', T0 - MINUTE, { first_order: true });
    const quiet = run('onboarding.yaml', { timezone: 'America/New_York', events: [first], horizon: '100d' });
    assert.deepEqual(sent(quiet), [
      'onboarding_welcome@0',
      `onboarding_preferences@${2 * DAY}`,
      `onboarding_first_use_help@${7 * DAY}`,
      `onboarding_checkin@${30 * DAY + 6 * HOUR}`, // 10:00 EST
      `onboarding_checkin@${60 * DAY + 6 * HOUR}`,
      `onboarding_checkin@${90 * DAY + 5 * HOUR}`, // 10:00 EDT, after the clocks changed
    ]);
    const used = event('Product Used', T0 + 3 * DAY, {}, { product_used: true, orders_count: 1 });
    const again = event(
      'Order Completed',
      T0 + 45 * DAY,
      { first_order: false },
      { product_used: true, orders_count: 2 },
    );
    const active = run('onboarding.yaml', {
      timezone: 'America/New_York',
      events: [first, used, again],
      horizon: '100d',
    });
    assert.deepEqual(sent(active), [
      'onboarding_welcome@0',
      `onboarding_preferences@${2 * DAY}`,
      `onboarding_checkin@${30 * DAY + 6 * HOUR}`,
    ]);
    assert.ok(active.path.some((p) => p.nodeId === 'mark_used') && active.path.some((p) => p.nodeId === 'graduate'));
    assert.equal(active.outcome, 'completed');
  });

  it('service follow-up: a thank-you, and an escalation when the same ticket reopens', () => {
    const resolved = event('Ticket Resolved', T0, { ticket_id: 't1' });
    const quiet = run('service-follow-up.yaml', { events: [resolved] });
    assert.deepEqual(sent(quiet), [`support_thank_you@${HOUR}`]);
    assert.equal(quiet.endedAt, T0 + HOUR + 3 * DAY);
    const otherTicket = event('Ticket Reopened', T0 + DAY, { ticket_id: 't2' });
    const reopened = event('Ticket Reopened', T0 + 2 * DAY, { ticket_id: 't1' });
    const result = run('service-follow-up.yaml', { events: [resolved, otherTicket, reopened] });
    assert.deepEqual(sent(result), [`support_thank_you@${HOUR}`, `support_reopened_apology@${2 * DAY}`]);
    const webhook = result.timeline.find((entry) => entry.command.type === 'call_webhook');
    assert.equal(webhook?.at, T0 + 2 * DAY);
    assert.equal(result.messages[0]?.priority, 'service');
  });

  it('lead nurturing: A/B content with a holdout, branching on clicks and lead score', () => {
    const signedUp = event('Signed Up', T0);
    const clicked = event('Email Clicked', T0 + DAY, {}, { lead_score: 70 });
    const warm = run('lead-nurturing.yaml', { events: [signedUp, clicked], random: () => 0.1 });
    assert.deepEqual(sent(warm), ['lead_welcome@0', 'lead_case_study@0']);
    assert.deepEqual(warm.path.map((p) => p.nodeId).slice(-4), ['warm', 'qualify', 'tell_sales', 'done']);
    const cold = run('lead-nurturing.yaml', { events: [signedUp], random: () => 0.5 });
    assert.deepEqual(sent(cold), ['lead_welcome@0', 'lead_webinar_invite@0', `lead_reminder@${3 * DAY}`]);
    const ordered = event('Order Completed', T0 + 5 * DAY);
    const holdout = run('lead-nurturing.yaml', { events: [signedUp, ordered], random: () => 0.95 });
    assert.deepEqual(sent(holdout), ['lead_welcome@0']);
    assert.equal(holdout.outcome, 'converted');
    const conversion = holdout.timeline.find(
      (entry) => entry.command.type === 'record' && entry.command.kind === 'converted',
    );
    assert.deepEqual(conversion?.command.type === 'record' && conversion.command.splits, { content_test: 'holdout' });
  });

  it('churn-risk retention: an offer by value, a last chance on Tue/Thu 10:00 local, a hand-off', () => {
    const quiet = run('churn-retention.yaml', {
      timezone: 'Europe/Berlin',
      traits: { lifetime_value: 800 },
      events: [],
    });
    assert.deepEqual(sent(quiet), ['winback_offer@0', `winback_last_chance@${8 * DAY}`]); // Tue 14 Jan 10:00 CET
    assert.deepEqual(
      quiet.messages.map((m) => m.idempotencyKey),
      ['simulation:vip_offer:1', 'simulation:last_chance:1'],
    );
    assert.ok(quiet.timeline.some((entry) => entry.command.type === 'call_webhook'));
    const loggedIn = event('Logged In', T0 + 2 * DAY);
    const back = run('churn-retention.yaml', { traits: { lifetime_value: 100 }, events: [loggedIn] });
    assert.deepEqual(sent(back), ['winback_offer@0']);
    assert.deepEqual(
      back.path.map((p) => p.nodeId),
      ['value', 'standard_offer', 'come_back', 'done'],
    );
    assert.deepEqual(loadCatalogJourney('churn-retention.yaml').suppresses, ['marketing']);
  });
});
