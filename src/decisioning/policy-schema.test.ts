import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy, parsePolicyText, policyRequirements } from './policy-schema.ts';

test('a YAML policy parses with defaults filled in', () => {
  const result = parsePolicyText(`
costs: { sms: 0.0075, email: 0.0005 }
quietHours:
  - { channels: [sms, voice], from: "21:00", to: "08:00" }
caps:
  - { classes: [marketing], per: week, max: 3 }
suppression:
  - id: open_support
    classes: [marketing]
    when: [{ event: Conversation Opened, within: 30d, until: Conversation Closed }]
holdout: { percent: 5 }
`);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
  assert.deepEqual(result.policy.quietHours[0]?.allow, ['transactional']);
  assert.equal(result.policy.learning.timeChoice, 'expected');
  assert.deepEqual(result.policy.holdout, { percent: 5, salt: 'godwit', classes: ['marketing'] });
  assert.deepEqual(policyRequirements(result.policy), {
    events: ['Conversation Closed', 'Conversation Opened'],
    eventLookbackMs: 30 * 86_400_000,
    sendLookbackMs: 7 * 86_400_000,
    queuedSlackMs: 3 * 86_400_000, // the longest default maxDelay (marketing)
    heldClasses: ['marketing', 'service'], // the caps' class, then the default collision classes
  });
});

test('errors name the path', () => {
  const result = parsePolicy({
    quietHours: [{ channels: ['fax'], from: '9pm', to: '08:00' }],
    caps: [{ classes: ['marketing'], per: 'month', max: 1 }],
    suppression: [{ id: 'x', classes: ['marketing'], when: [{ event: 'A', within: 'soon' }] }],
    holdout: { percent: 120 },
    colour: 'blue',
  });
  assert.ok(!result.ok);
  const paths = result.issues.map((i) => i.path);
  for (const path of ['quietHours[0].channels[0]', 'quietHours[0].from', 'caps[0].per', 'holdout.percent', 'colour']) {
    assert.ok(paths.includes(path), `${path} in ${paths.join(', ')}`);
  }
  assert.ok(paths.some((p) => p.startsWith('suppression[0].when[0]')));
});

test('a suppression condition is checked as the kind its key names, so each mistake is named where it is', () => {
  const issues = (when: unknown[], more: unknown[] = []) => {
    const rules = [{ id: 'r', classes: ['marketing'], when }, ...more];
    const result = parsePolicy({ suppression: rules });
    return result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
  };
  assert.deepEqual(issues([{ event: 'Ticket Opened' }]), ['suppression[0].when[0].within: is required']);
  assert.deepEqual(issues([{ event: 'A', within: '1d', where: [{ property: 'score', op: 'below' }] }]), [
    'suppression[0].when[0].where[0].op: must be one of eq, neq, gt, gte, lt, lte, contains, exists, in',
  ]);
  assert.deepEqual(issues([{ property: 'do_not_market', op: 'eq', value: true }]), [
    'suppression[0].when[0].property: must start with traits. or segments. (traits.plan, segments.vip)',
  ]);
  assert.deepEqual(issues([{ segment: 'vips', event: 'A', within: '1d' }]), [
    'suppression[0].when[0]: is one kind of condition, not segment and event: give each its own',
  ]);
  assert.deepEqual(issues(['vips']), [
    'suppression[0].when[0]: must be { segment }, { property, op, value } or { event, within }',
  ]);
  assert.deepEqual(issues([{ segment: 'vips', since: '1d' }]), ['suppression[0].when[0].since: is not a known field']);
  assert.deepEqual(issues([{ segment: 'vips' }], [{ id: 'r', classes: ['service'], when: [{ segment: 'b' }] }]), [
    "suppression[1].id: is suppression[0]'s id too",
  ]);
  assert.deepEqual(issues([{ property: 'traits.do_not_market', op: 'eq', value: true }]), []);
});
