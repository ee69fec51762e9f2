import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IdentityRecord, ProfileRecord } from '../storage/store.ts';
import { type ResolvableEvent, resolveIdentities } from './identity-resolution.ts';

let counter = 0;
const context = { now: 1_000, newId: () => `c${++counter}`, defaultCountry: 'US' };

const event = (seq: number, fields: Partial<ResolvableEvent>): ResolvableEvent => ({
  seq,
  type: 'track',
  timestamp: seq * 10,
  userId: null,
  anonymousId: null,
  ...fields,
});

const profile = (id: string, fields: Partial<ProfileRecord> = {}): ProfileRecord => ({
  id,
  workspaceId: 'w',
  traits: {},
  traitTimes: {},
  consent: {},
  timezone: null,
  locale: null,
  createdAt: 0,
  updatedAt: 0,
  ...fields,
});

const resolve = (events: ResolvableEvent[], profiles: ProfileRecord[] = [], identities: IdentityRecord[] = []) =>
  resolveIdentities({ workspaceId: 'w', events, profiles, identities }, context);

describe('identity resolution', () => {
  it('gives a new person a profile with their identifiers', () => {
    const out = resolve([
      event(1, {
        type: 'identify',
        userId: 'u1',
        anonymousId: 'a1',
        traits: { email: ' Ada@X.io ', phone: '(415) 555-2671' },
      }),
    ]);
    assert.equal(out.upsertProfiles.length, 1);
    const id = out.upsertProfiles[0]?.id;
    assert.deepEqual(
      out.upsertIdentities.map((i) => `${i.kind}=${i.value}>${i.customerId === id}`),
      ['user_id=u1>true', 'anonymous_id=a1>true', 'email=ada@x.io>true', 'phone=+14155552671>true'],
    );
    assert.deepEqual(out.assignEvents, [{ seq: 1, customerId: id }]);
  });

  it('links an anonymous visitor to the user who identifies, merging their profiles', () => {
    const out = resolve(
      [event(5, { type: 'identify', userId: 'u1', anonymousId: 'a1' })],
      [profile('anon', { createdAt: 1 }), profile('known', { createdAt: 2 })],
      [
        { kind: 'anonymous_id', value: 'a1', customerId: 'anon' },
        { kind: 'user_id', value: 'u1', customerId: 'known' },
      ],
    );
    assert.deepEqual(
      out.merges,
      [{ workspaceId: 'w', from: 'anon', into: 'known' }],
      'the profile with the userId survives',
    );
    assert.equal(out.audit[0]?.action, 'merge');
    assert.deepEqual(out.assignEvents, [{ seq: 5, customerId: 'known' }]);
  });

  it('never merges two profiles with different userIds, and audits the refusal', () => {
    const out = resolve(
      [event(1, { type: 'identify', userId: 'u2', anonymousId: 'shared-device' })],
      [profile('p1')],
      [
        { kind: 'user_id', value: 'u1', customerId: 'p1' },
        { kind: 'anonymous_id', value: 'shared-device', customerId: 'p1' },
      ],
    );
    assert.deepEqual(out.merges, []);
    const created = out.upsertProfiles.find((p) => p.id !== 'p1');
    assert.ok(created, 'u2 gets its own profile');
    assert.deepEqual(out.assignEvents, [{ seq: 1, customerId: created.id }]);
    assert.ok(!out.upsertIdentities.some((i) => i.value === 'shared-device'), 'the anonymousId stays with u1');
    assert.deepEqual(
      out.audit.map((a) => [a.action, a.fromCustomerId, a.intoCustomerId]),
      [['refused_merge', 'p1', created.id]],
    );
  });

  it('treats placeholder ids as no id at all', () => {
    const out = resolve([
      event(1, { userId: 'anonymous', anonymousId: '0' }),
      event(2, { type: 'identify', userId: 'null', anonymousId: 'a9', traits: { email: 'undefined', phone: '-1' } }),
      event(3, { type: 'identify', userId: 'u3', anonymousId: '-1' }),
    ]);
    assert.deepEqual(
      out.assignEvents.map((a) => a.seq),
      [2, 3],
      'event 1 links nobody',
    );
    assert.deepEqual(out.upsertIdentities.map((i) => i.value).sort(), ['a9', 'u3']);
    assert.notEqual(out.assignEvents[0]?.customerId, out.assignEvents[1]?.customerId);
  });

  it('merges through email and phone traits', () => {
    const out = resolve([
      event(1, { type: 'identify', anonymousId: 'laptop', traits: { email: 'ada@x.io' } }),
      event(2, { type: 'identify', anonymousId: 'phone-app', traits: { phone: '+1 415 555 2671' } }),
      event(3, { type: 'identify', userId: 'u1', traits: { email: 'ADA@x.io', phone: '4155552671' } }),
    ]);
    const final = new Set(out.assignEvents.map((a) => a.customerId));
    assert.equal(final.size, 1, 'all three events end on one profile');
    assert.equal(out.upsertProfiles.length, 1);
    assert.equal(out.merges.length, 1, 'the phone profile folds into the older email profile');
    assert.ok(out.upsertIdentities.every((i) => final.has(i.customerId)));
  });

  it('applies traits by event time, not arrival order', () => {
    const out = resolve([
      event(1, { type: 'identify', userId: 'u1', timestamp: 200, traits: { plan: 'pro', city: 'Oslo' } }),
      event(2, { type: 'identify', userId: 'u1', timestamp: 100, traits: { plan: 'free', name: 'Ada' } }),
    ]);
    assert.deepEqual(out.upsertProfiles[0]?.traits, { plan: 'pro', city: 'Oslo', name: 'Ada' });
  });

  it('keeps the newer trait of each profile when merging', () => {
    const out = resolve(
      [event(1, { type: 'alias', userId: 'u1', previousId: 'a1' })],
      [
        profile('anon', { traits: { plan: 'trial', color: 'red' }, traitTimes: { plan: 50, color: 10 } }),
        profile('known', { traits: { plan: 'pro', color: 'blue' }, traitTimes: { plan: 20, color: 30 } }),
      ],
      [
        { kind: 'anonymous_id', value: 'a1', customerId: 'anon' },
        { kind: 'user_id', value: 'u1', customerId: 'known' },
      ],
    );
    assert.deepEqual(out.upsertProfiles[0]?.traits, { plan: 'trial', color: 'blue' });
    assert.deepEqual(out.merges, [{ workspaceId: 'w', from: 'anon', into: 'known' }]);
  });

  it('refuses an alias that would join two userIds', () => {
    const out = resolve(
      [event(1, { type: 'alias', userId: 'u2', previousId: 'u1' })],
      [profile('p1'), profile('p2')],
      [
        { kind: 'user_id', value: 'u1', customerId: 'p1' },
        { kind: 'user_id', value: 'u2', customerId: 'p2' },
      ],
    );
    assert.deepEqual(out.merges, []);
    assert.equal(out.audit[0]?.action, 'refused_merge');
  });

  it('takes timezone and locale from traits or context, ignoring invalid ones', () => {
    const out = resolve([
      event(1, { type: 'identify', userId: 'u1', traits: { timezone: 'Asia/Shanghai' }, context: { locale: 'zh_CN' } }),
      event(2, { userId: 'u1', context: { timezone: 'Not/AZone', locale: 'en-US' } }),
    ]);
    assert.equal(out.upsertProfiles[0]?.timezone, 'Asia/Shanghai');
    assert.equal(out.upsertProfiles[0]?.locale, 'en-US');
  });

  it("keeps a zone by the name the data gives, in its usual case, not by ICU's older alias", () => {
    const zoneOf = (timezone: string) =>
      resolve([event(1, { type: 'identify', userId: 'z1', traits: { timezone } })]).upsertProfiles[0]?.timezone;
    assert.equal(zoneOf('Asia/Kolkata'), 'Asia/Kolkata');
    assert.equal(zoneOf('Europe/Kyiv'), 'Europe/Kyiv');
    assert.equal(zoneOf('asia/shanghai'), 'Asia/Shanghai');
    assert.equal(zoneOf('utc'), 'UTC');
  });

  it('points events and identities of a profile created and merged in one batch at the survivor', () => {
    const out = resolve([
      event(1, { anonymousId: 'a1' }),
      event(2, { type: 'identify', userId: 'u1', anonymousId: 'a1' }),
    ]);
    const [only] = out.upsertProfiles;
    assert.equal(out.upsertProfiles.length, 1);
    assert.ok(out.assignEvents.every((a) => a.customerId === only?.id));
    assert.ok(out.upsertIdentities.every((i) => i.customerId === only?.id));
  });
});
