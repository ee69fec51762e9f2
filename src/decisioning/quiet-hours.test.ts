import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localDateTime } from '../journeys/local-time.ts';
import { DEFAULT_POLICY, parsePolicy } from './policy-schema.ts';
import { applyQuietHours, isInQuietWindow } from './quiet-hours.ts';

const rules = DEFAULT_POLICY.quietHours; // sms, whatsapp, voice 21:00–08:00
const check = (at: number, timeZone: string, channel: 'sms' | 'email' = 'sms', messageClass = 'marketing' as const) =>
  applyQuietHours({ at, channel, messageClass, timeZone, rules });

test('Asia/Shanghai: 22:00 is held to 08:00 the next morning', () => {
  const result = check(Date.UTC(2025, 2, 10, 14, 0), 'Asia/Shanghai'); // 22:00 local
  assert.equal(result.at, Date.UTC(2025, 2, 11, 0, 0));
  assert.deepEqual(result.reasons, [
    {
      code: 'quiet_hours',
      channel: 'sms',
      from: '21:00',
      to: '08:00',
      timeZone: 'Asia/Shanghai',
      heldUntil: result.at,
    },
  ]);
});

test('America/New_York across spring forward: 22:00 EST → 08:00 EDT (9 real hours)', () => {
  const at = Date.UTC(2025, 2, 9, 3, 0); // Sat 22:00 EST
  const result = check(at, 'America/New_York');
  assert.equal(result.at, Date.UTC(2025, 2, 9, 12, 0)); // Sun 08:00 EDT
  assert.equal((result.at - at) / 3_600_000, 9);
  assert.equal(check(result.at, 'America/New_York').reasons.length, 0, '08:00 itself is allowed');
  assert.equal(check(result.at - 60_000, 'America/New_York').at, result.at, '07:59 is still quiet');
});

test('America/New_York across fall back: 21:30 EDT → 08:00 EST (11.5 real hours)', () => {
  const at = Date.UTC(2025, 10, 2, 1, 30); // Sat Nov 1 21:30 EDT
  assert.equal(check(at, 'America/New_York').at, Date.UTC(2025, 10, 2, 13, 0));
});

test('Europe/Berlin across fall back: 23:00 CEST → 08:00 CET', () => {
  const at = Date.UTC(2025, 9, 25, 21, 0); // Sat 23:00 CEST
  const result = check(at, 'Europe/Berlin');
  assert.equal(result.at, Date.UTC(2025, 9, 26, 7, 0));
  const local = localDateTime(result.at, 'Europe/Berlin');
  assert.deepEqual([local.day, local.hour, local.minute], [26, 8, 0]);
});

test('Europe/Berlin across spring forward: 02:30 does not exist, and 03:30 is still quiet', () => {
  const at = Date.UTC(2025, 2, 30, 1, 30); // 03:30 CEST, just after the jump
  assert.ok(isInQuietWindow(at, rules[0] as (typeof rules)[number], 'Europe/Berlin'));
  assert.equal(check(at, 'Europe/Berlin').at, Date.UTC(2025, 2, 30, 6, 0)); // 08:00 CEST
});

test('email has no quiet hours here; transactional SMS passes by policy and says so', () => {
  const at = Date.UTC(2025, 2, 10, 14, 0);
  assert.deepEqual(check(at, 'Asia/Shanghai', 'email'), { at, reasons: [] });
  const passed = applyQuietHours({
    at,
    channel: 'sms',
    messageClass: 'transactional',
    timeZone: 'Asia/Shanghai',
    rules,
  });
  assert.equal(passed.at, at);
  assert.deepEqual(passed.reasons, [{ code: 'quiet_hours_allowed', channel: 'sms', from: '21:00', to: '08:00' }]);
});

test('a daytime window (12:00–14:00) holds only inside it', () => {
  const lunch = [{ channels: ['voice' as const], from: '12:00', to: '14:00', allow: [] }];
  const r = applyQuietHours({
    at: Date.UTC(2025, 0, 1, 13),
    channel: 'voice',
    messageClass: 'service',
    timeZone: 'UTC',
    rules: lunch,
  });
  assert.equal(r.at, Date.UTC(2025, 0, 1, 14));
  const free = applyQuietHours({
    at: Date.UTC(2025, 0, 1, 15),
    channel: 'voice',
    messageClass: 'service',
    timeZone: 'UTC',
    rules: lunch,
  });
  assert.equal(free.reasons.length, 0);
});

test("rules hold whatever their order: one that allows the class does not let it through another's window", () => {
  const night = { channels: ['sms' as const], from: '21:00', to: '08:00', allow: ['transactional' as const] };
  const strict = { channels: ['sms' as const], from: '19:00', to: '09:00', allow: [] };
  const at = Date.UTC(2025, 2, 10, 0, 50); // 01:50 in Berlin
  const held = [
    [night, strict],
    [strict, night],
  ].map((order) =>
    applyQuietHours({ at, channel: 'sms', messageClass: 'transactional', timeZone: 'Europe/Berlin', rules: order }),
  );
  assert.deepEqual(
    held.map((r) => r.at),
    [Date.UTC(2025, 2, 10, 8, 0), Date.UTC(2025, 2, 10, 8, 0)],
    '09:00 in Berlin, both ways',
  );
  const allowed = applyQuietHours({
    at,
    channel: 'sms',
    messageClass: 'transactional',
    timeZone: 'Europe/Berlin',
    rules: [night],
  });
  assert.deepEqual([allowed.at, allowed.reasons[0]?.code], [at, 'quiet_hours_allowed']);
});

test('windows that leave no minute of the day hold for ever instead of failing, and the schema refuses them', () => {
  const halves = [
    { channels: ['sms' as const], from: '00:00', to: '12:00', allow: [] },
    { channels: ['sms' as const], from: '12:00', to: '00:00', allow: [] },
  ];
  const result = applyQuietHours({ at: 0, channel: 'sms', messageClass: 'marketing', timeZone: 'UTC', rules: halves });
  assert.equal(result.at, Number.POSITIVE_INFINITY);
  const parsed = parsePolicy({ quietHours: halves });
  assert.ok(!parsed.ok);
  assert.deepEqual(
    parsed.issues.map((i) => [i.path, i.message]),
    ['transactional', 'service', 'marketing'].map((c) => [
      'quietHours',
      `quiet hours leave ${c} messages on sms no time of day: allow the class in one rule, or shorten a window`,
    ]),
  );
  assert.ok(
    parsePolicy({ quietHours: halves.map((r, i) => (i ? r : { ...r, allow: ['transactional'] })) }).ok === false,
  );
  assert.ok(parsePolicy({ quietHours: [{ ...halves[0], to: '11:00' }, halves[1]] }).ok, 'an hour open');
});

test('a chain of many back-to-back windows is followed to its end', () => {
  const hourly = Array.from({ length: 9 }, (_, h) => ({
    channels: ['sms' as const],
    from: `0${h}:00`,
    to: `0${h + 1}:00`,
    allow: [],
  }));
  const at = Date.UTC(2025, 2, 10, 0, 30);
  const result = applyQuietHours({ at, channel: 'sms', messageClass: 'marketing', timeZone: 'UTC', rules: hourly });
  assert.equal(result.at, Date.UTC(2025, 2, 10, 9, 0));
});
