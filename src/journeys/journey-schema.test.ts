import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatJourneyIssues, type JourneyParseResult, parseJourney, parseJourneyText } from './journey-schema.ts';

const minimal = {
  id: 'thanks',
  name: 'Thank big spenders',
  trigger: { event: 'Order Completed', where: [{ property: 'total', op: 'gt', value: 100 }] },
  start: 'wait_1',
  nodes: {
    wait_1: { type: 'wait', duration: '2h', next: 'send_1' },
    send_1: { type: 'send', template: 'thank_you', channel: 'email', next: 'end' },
    end: { type: 'exit' },
  },
};

function errors(result: JourneyParseResult): string {
  assert.equal(result.ok, false, 'expected the definition to be rejected');
  return result.ok ? '' : formatJourneyIssues(result.issues);
}

function withNode(id: string, node: Record<string, unknown>): Record<string, unknown> {
  return { ...minimal, nodes: { ...minimal.nodes, [id]: node } };
}

describe('journey schema', () => {
  it('accepts a minimal journey and fills in defaults', () => {
    const result = parseJourney(minimal);
    assert.ok(result.ok, result.ok ? '' : formatJourneyIssues(result.issues));
    const { journey } = result;
    assert.deepEqual(journey.trigger, minimal.trigger && { type: 'event', ...minimal.trigger });
    assert.equal(journey.version, 1);
    assert.equal(journey.status, 'draft');
    assert.deepEqual(journey.entry, { policy: 'once', allowConcurrent: false });
    assert.deepEqual(journey.goals, []);
    assert.equal(journey.nodes.send_1?.type === 'send' && journey.nodes.send_1.priority, undefined);
  });

  it('reads the same journey from YAML and JSON', () => {
    const yaml = `
id: thanks
name: Thank big spenders
trigger:
  event: Order Completed
  where:
    - { property: total, op: gt, value: 100 }
entry: { policy: once_per_period, period: 30d }
start: wait_1
nodes:
  wait_1: { type: wait_until, at: 09:00, days: [mon, fri], next: send_1 }
  send_1: { type: send, template: thank_you, channel: email, next: end }
  end: { type: exit }
`;
    const fromYaml = parseJourneyText(yaml);
    assert.ok(fromYaml.ok, fromYaml.ok ? '' : formatJourneyIssues(fromYaml.issues));
    assert.deepEqual(fromYaml.journey.nodes.wait_1, {
      type: 'wait_until',
      at: '09:00',
      days: ['mon', 'fri'],
      next: 'send_1',
    });
    assert.deepEqual(fromYaml.journey.entry, { policy: 'once_per_period', period: '30d', allowConcurrent: false });
    const fromJson = parseJourneyText(JSON.stringify(fromYaml.journey));
    assert.ok(fromJson.ok);
    assert.deepEqual(fromJson.journey, fromYaml.journey);
  });

  it('reports unreadable text with its position', () => {
    assert.match(errors(parseJourneyText('{ "id": ')), /^not valid JSON: /);
    assert.match(errors(parseJourneyText('id: x\nnodes: [a,\n')), /^not valid YAML: line \d+, column \d+/);
  });

  it('names the node and field of each problem', () => {
    assert.equal(
      errors(parseJourney(withNode('wait_1', { type: 'wait', duration: '3 days', next: 'send_1' }))),
      'nodes.wait_1.duration: must be like 30m, 2h, 3d',
    );
    assert.equal(
      errors(parseJourney(withNode('wait_1', { type: 'wait', duraton: '3d', next: 'send_1' }))),
      'nodes.wait_1.duration: is required; nodes.wait_1.duraton: is not a known field',
    );
    assert.match(
      errors(parseJourney(withNode('wait_1', { type: 'sleep' }))),
      /^nodes\.wait_1\.type: must have a type: one of wait, /,
    );
    assert.equal(
      errors(parseJourney(withNode('wait_1', { type: 'wait_until', at: '9am', days: ['monday'], next: 'end' }))),
      'nodes.wait_1.at: must be a local time like 09:00 (24-hour, two digits each); nodes.wait_1.days[0]: must be one of sun, mon, tue, wed, thu, fri, sat',
    );
    assert.equal(
      errors(parseJourney(withNode('send_1', { type: 'send', template: 'x', channel: 'fax', next: 'end' }))),
      'nodes.send_1.channel: must be one of email, sms, whatsapp, push, in_app, voice, best',
    );
    assert.equal(
      errors(parseJourney(withNode('hook', { type: 'webhook', url: 'ftp://crm', next: 'end' }))),
      'nodes.hook.url: must be an http:// or https:// URL',
    );
  });

  it('checks rules, splits and trait updates', () => {
    const condition = {
      type: 'condition',
      rules: [{ property: 'plan', op: 'in', value: 'pro' }],
      then: 'end',
      else: 'end',
    };
    assert.equal(
      errors(parseJourney(withNode('check', condition))),
      'nodes.check.rules[0].value: must be a list for op "in"; nodes.check.rules[0].property: must start with traits., trigger., event. or segments.',
    );
    const onSegment = { ...condition, rules: [{ property: 'segments.vip plan', op: 'exists' }] };
    assert.equal(
      errors(parseJourney(withNode('check', onSegment))),
      'nodes.check.rules[0].property: must be segments.<segment id> or segments.<segment id>.since',
    );
    const since = { ...condition, rules: [{ property: 'segments.vip.since', op: 'lt', value: '2025-01-01' }] };
    assert.doesNotMatch(errors(parseJourney(withNode('check', since))), /rules/, 'only unreachable, not a bad rule');
    const split = {
      type: 'random_split',
      branches: [
        { name: 'a', weight: 0, next: 'end' },
        { name: 'a', weight: 1, next: 'end' },
      ],
    };
    assert.equal(
      errors(parseJourney(withNode('split', split))),
      'nodes.split.branches[0].weight: must be a positive number; nodes.split.branches[1].name: "a" is used twice',
    );
    assert.equal(
      errors(parseJourney(withNode('traits', { type: 'update_traits', next: 'end' }))),
      'nodes.traits.set: must set or unset at least one trait',
    );
  });

  it('checks the journey-level fields', () => {
    const bad = {
      ...minimal,
      id: '1 bad',
      trigger: { type: 'cron' },
      entry: { policy: 'once_per_period' },
      timezone: 'Mars/Base',
    };
    assert.equal(
      errors(parseJourney(bad)),
      'id: must start with a letter and use only letters, digits, _ and -; timezone: must be an IANA time zone like Europe/Berlin; trigger.type: must have a type: one of event, segment, date_trait, api, schedule; entry.period: is required',
    );
    assert.equal(errors(parseJourney('journey')), 'must be an object');
    assert.equal(
      errors(parseJourney(withNode('wait 2', { type: 'exit' }))),
      'nodes.wait 2: is not a valid id: must start with a letter and use only letters, digits, _ and -',
    );
    assert.equal(errors(parseJourney({ ...minimal, name: 7 })), 'name: must be text');
    const goals = { ...minimal, goals: [{ event: 'Order Completed', where: [{ property: 'total', op: 'gt' }] }] };
    assert.equal(errors(parseJourney(goals)), 'goals[0].where[0].value: must be a number or date for op "gt"');
  });

  it('accepts every trigger type', () => {
    const triggers = [
      { type: 'segment', segment: 'vip', on: 'left' },
      { type: 'date_trait', trait: 'renewal_date', when: 'before', days: 7 },
      { type: 'api' },
      { type: 'schedule', at: '09:00', days: ['mon'], segment: 'weekly_digest' },
    ];
    for (const trigger of triggers) assert.ok(parseJourney({ ...minimal, trigger }).ok, trigger.type);
  });

  it('runs the graph check after the fields are valid', () => {
    assert.equal(
      errors(parseJourney({ ...minimal, start: 'nowhere' })),
      'start: no node "nowhere" (nodes are: wait_1, send_1, end)',
    );
  });
});
