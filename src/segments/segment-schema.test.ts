import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDefinitionIssues } from '../shared/definition-parsing.ts';
import { parseSegment, parseSegmentText, type SegmentParseResult } from './segment-schema.ts';

function errors(result: SegmentParseResult): string {
  assert.equal(result.ok, false, 'expected the definition to be rejected');
  return result.ok ? '' : formatDefinitionIssues(result.issues);
}

function withRule(rule: unknown): unknown {
  return { id: 'lapsed', name: 'Lapsed buyers', rule };
}

const lapsedYaml = `
id: lapsed_pro
name: Lapsed pro buyers
description: Pro customers who bought recently but stopped logging in
rule:
  all:
    - { trait: plan, op: eq, value: pro }
    - { consent: { channel: email, topic: marketing }, status: granted }
    - event: Order Completed
      where: [{ property: total, op: gt, value: 100 }]
      within: 30d
      op: gte
      value: 1
    - not: { event: Login, within: 14d, op: gte, value: 1 }
`;

describe('segment schema', () => {
  it('reads a segment from YAML, infers rule types and fills in defaults', () => {
    const result = parseSegmentText(lapsedYaml);
    assert.ok(result.ok, result.ok ? '' : formatDefinitionIssues(result.issues));
    assert.deepEqual(result.segment.rule, {
      type: 'all',
      all: [
        { type: 'trait', trait: 'plan', op: 'eq', value: 'pro' },
        { type: 'consent', consent: { channel: 'email', topic: 'marketing' }, status: 'granted' },
        {
          type: 'event',
          event: 'Order Completed',
          where: [{ property: 'total', op: 'gt', value: 100 }],
          aggregate: 'count',
          within: '30d',
          op: 'gte',
          value: 1,
        },
        {
          type: 'not',
          not: { type: 'event', event: 'Login', where: [], aggregate: 'count', within: '14d', op: 'gte', value: 1 },
        },
      ],
    });
    const fromJson = parseSegmentText(JSON.stringify(result.segment));
    assert.ok(fromJson.ok);
    assert.deepEqual(fromJson.segment, result.segment, 'a parsed definition parses to itself');
  });

  it('defaults a consent topic to the whole channel', () => {
    const result = parseSegment(withRule({ consent: { channel: 'sms' }, status: 'denied' }));
    assert.ok(result.ok);
    assert.deepEqual(result.segment.rule, {
      type: 'consent',
      consent: { channel: 'sms', topic: 'all' },
      status: 'denied',
    });
  });

  it('reports unreadable text with its position', () => {
    assert.match(errors(parseSegmentText('{ "id": ')), /^not valid JSON: /);
    assert.match(errors(parseSegmentText('id: x\nrule: { all: [\n')), /^not valid YAML: line \d+, column \d+/);
  });

  it('points YAML mistakes at the rule that has them', () => {
    const yaml = `
id: lapsed
name: Lapsed
rule:
  all:
    - { trait: plan, op: eq, value: pro }
    - { event: Login, within: 2 weeks, op: eq, value: 0 }
    - any:
        - { consent: { channel: email }, status: yes }
        - { segment: vip }
`;
    assert.equal(
      errors(parseSegmentText(yaml)),
      'rule.all[1].within: must be like 30m, 2h, 3d; rule.all[2].any[0].status: must be one of granted, denied; rule.all[2].any[1].type: must have a type: one of all, any, not, trait, consent, event',
    );
  });

  it('checks what each aggregate needs', () => {
    const order = { event: 'Order Completed', within: '30d' };
    const cases: [unknown, string][] = [
      [{ ...order, aggregate: 'sum', op: 'gte', value: 100 }, 'rule.property: is required for aggregate "sum"'],
      [{ ...order, property: 'total', op: 'gte', value: 1 }, 'rule.property: only applies to aggregate "sum"'],
      [{ ...order, op: 'gte', value: '1' }, 'rule.value: must be a number'],
      [{ ...order, op: 'exists' }, 'rule.op: must be one of eq, neq, gt, gte, lt, lte for aggregate "count"'],
      [{ ...order, op: 'contains', value: 1 }, 'rule.op: must be one of eq, neq, gt, gte, lt, lte, exists'],
      [
        { ...order, aggregate: 'last_seen', op: 'eq', value: '3d' },
        'rule.op: must be one of gt, gte, lt, lte, exists for aggregate "last_seen"',
      ],
      [
        { ...order, aggregate: 'last_seen', op: 'gt', value: 7 },
        'rule.value: must be like 30m, 2h, 3d (the time since the last one)',
      ],
      [{ ...order, aggregate: 'last_seen', op: 'gte', value: '30d' }, 'rule.value: must be shorter than within (30d)'],
      [
        { ...order, aggregate: 'last_seen', op: 'exists', value: 'no' },
        'rule.value: must be true or false for op "exists"',
      ],
      [{ ...order, aggregate: 'average', op: 'gt', value: 1 }, 'rule.aggregate: must be one of count, sum, last_seen'],
      [{ event: 'Login', op: 'eq', value: 0 }, 'rule.within: is required'],
    ];
    for (const [rule, expected] of cases) assert.equal(errors(parseSegment(withRule(rule))), expected);
    for (const rule of [
      { ...order, aggregate: 'sum', property: 'total', op: 'gte', value: 100 },
      { ...order, aggregate: 'last_seen', op: 'gt', value: '7d' },
      { ...order, aggregate: 'last_seen', op: 'lte', value: '60d' },
      { ...order, aggregate: 'last_seen', op: 'exists', value: false },
    ]) {
      const result = parseSegment(withRule(rule));
      assert.ok(result.ok, result.ok ? '' : formatDefinitionIssues(result.issues));
    }
  });

  it('checks trait filters as journey filters are checked', () => {
    assert.equal(
      errors(parseSegment(withRule({ not: { trait: 'plan', op: 'in', value: 'pro' } }))),
      'rule.not.value: must be a list for op "in"',
    );
    assert.equal(
      errors(parseSegment(withRule({ trait: 'plan', op: 'like', value: 'p%' }))),
      'rule.op: must be one of eq, neq, gt, gte, lt, lte, contains, exists, in',
    );
  });

  it('names unknown fields, empty lists and bad ids', () => {
    assert.equal(
      errors(parseSegment(withRule({ all: [{ event: 'Login', within: '14d', op: 'eq', value: 0, wher: [] }] }))),
      'rule.all[0].wher: is not a known field',
    );
    assert.equal(errors(parseSegment(withRule({ any: [] }))), 'rule.any: must list at least one rule');
    assert.equal(errors(parseSegment(withRule('vip'))), 'rule: must be an object');
    assert.equal(
      errors(parseSegment({ id: '1 bad', name: '', rule: { trait: 'vip', op: 'exists' } })),
      'id: must start with a letter and use only letters, digits, _ and -; name: must not be empty',
    );
    assert.equal(errors(parseSegment({ id: 'x', name: 'X' })), 'rule: is required');
  });
});
