import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JourneyDefinition } from './journey-schema.ts';
import { MAX_NODES_PER_STEP, step } from './journey-step.ts';
import { seededRandom } from './seeded-random.ts';
import { DAY, defineJourney, HOUR, T0, TestRun } from './test-journeys.ts';

const exit = { type: 'exit' };

describe('journey step: actions and waits', () => {
  it('runs actions until a wait, then resumes when its timer fires', () => {
    const journey = defineJourney({
      nodes: {
        first: { type: 'send', template: 'welcome', channel: 'email', data: { coupon: 'HELLO' }, next: 'tag' },
        tag: { type: 'update_traits', set: { onboarded: true }, unset: ['trial'], next: 'pause' },
        pause: { type: 'wait', duration: '2d', next: 'crm' },
        crm: { type: 'webhook', url: 'https://crm.example/hooks', body: { stage: 'active' }, next: 'done' },
        done: { type: 'exit', reason: 'finished onboarding' },
      },
    });
    const run = new TestRun(journey, {
      customer: { traits: { trial: true } },
      trigger: { properties: { plan: 'pro' } },
    });
    const started = run.start();
    assert.deepEqual(
      started.commands.map((c) => c.type),
      ['record', 'send_message', 'record', 'record', 'update_traits', 'record', 'record', 'schedule_timer'],
    );
    assert.deepEqual(run.ofType('send_message')[0], {
      type: 'send_message',
      idempotencyKey: 'run1:first:1',
      run: { runId: 'run1', journeyId: 'test', version: 1, customerId: 'c1', nodeId: 'first' },
      template: 'welcome',
      channel: 'email',
      priority: 'marketing',
      data: { coupon: 'HELLO' },
      trigger: { event: 'Go', properties: { plan: 'pro' }, timestamp: T0 },
      event: null,
    });
    assert.deepEqual(run.ofType('update_traits')[0]?.set, { onboarded: true });
    assert.deepEqual(started.state.traits, { onboarded: true }, 'the run sees its own trait updates');
    assert.deepEqual(started.state.waiting, {
      kind: 'timer',
      nodeId: 'pause',
      visit: 1,
      timerId: 'run1:pause:1:timer',
      dueAt: T0 + 2 * DAY,
    });
    assert.equal(started.state.status, 'waiting');

    const resumed = run.fireTimer();
    assert.equal(run.now, T0 + 2 * DAY);
    assert.deepEqual(run.ofType('call_webhook')[0], {
      type: 'call_webhook',
      idempotencyKey: 'run1:crm:1',
      run: { runId: 'run1', journeyId: 'test', version: 1, customerId: 'c1', nodeId: 'crm' },
      url: 'https://crm.example/hooks',
      method: 'POST',
      body: { stage: 'active' },
    });
    assert.deepEqual(resumed.commands.at(-1), { type: 'finish', outcome: 'completed', at: T0 + 2 * DAY });
    assert.equal(resumed.state.status, 'finished');
    assert.equal(resumed.state.outcome, 'completed');
    assert.deepEqual(run.records(), [
      'entered:first',
      'completed:first',
      'entered:tag',
      'completed:tag',
      'entered:pause',
      'completed:pause',
      'entered:crm',
      'completed:crm',
      'entered:done',
      'completed:done',
    ]);
  });

  it('branches on traits, trigger properties and the awaited event', () => {
    const journey = defineJourney({
      nodes: {
        first: {
          type: 'condition',
          match: 'any',
          rules: [
            { property: 'traits.plan', op: 'eq', value: 'pro' },
            { property: 'trigger.total', op: 'gt', value: 100 },
          ],
          then: 'vip',
          else: 'regular',
        },
        vip: { type: 'send', template: 'vip', next: 'done' },
        regular: { type: 'send', template: 'regular', next: 'done' },
        done: exit,
      },
    });
    const templateFor = (traits: object, properties: object) => {
      const run = new TestRun(journey, {
        customer: { traits: { ...traits } },
        trigger: { properties: { ...properties } },
      });
      run.start();
      return `${run.ofType('send_message')[0]?.template} ${run.records()[1]}`;
    };
    assert.equal(templateFor({ plan: 'pro' }, {}), 'vip completed:first[then]');
    assert.equal(templateFor({ plan: 'free' }, { total: 250 }), 'vip completed:first[then]');
    assert.equal(templateFor({ plan: 'free' }, { total: 20 }), 'regular completed:first[else]');
    assert.equal(templateFor({}, {}), 'regular completed:first[else]');
  });

  it('splits by weight, reproducibly for the same seed', () => {
    const journey = defineJourney({
      nodes: {
        first: {
          type: 'random_split',
          branches: [
            { name: 'a', weight: 45, next: 'send_a' },
            { name: 'b', weight: 45, next: 'send_b' },
            { name: 'control', weight: 10, holdout: true, next: 'done' },
          ],
        },
        send_a: { type: 'send', template: 'a', next: 'done' },
        send_b: { type: 'send', template: 'b', next: 'done' },
        done: exit,
      },
    });
    const branches = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 2000 }, (_, i) => {
        const run = new TestRun(journey, { runId: `r${i}`, random });
        return run.start().state.splits.first;
      });
    };
    assert.deepEqual(branches(7), branches(7));
    assert.notDeepEqual(branches(7), branches(8));
    const counts = new Map<string | undefined, number>();
    for (const branch of branches(7)) counts.set(branch, (counts.get(branch) ?? 0) + 1);
    assert.ok(Math.abs((counts.get('a') ?? 0) - 900) < 90, `a: ${counts.get('a')}`);
    assert.ok(Math.abs((counts.get('b') ?? 0) - 900) < 90, `b: ${counts.get('b')}`);
    assert.ok(Math.abs((counts.get('control') ?? 0) - 200) < 50, `control: ${counts.get('control')}`);
    const control = new TestRun(journey, { random: () => 0.95 });
    control.start();
    assert.deepEqual(control.records().slice(0, 2), ['entered:first', 'completed:first[control]']);
    assert.equal(control.ofType('send_message').length, 0);
  });
});

describe('journey step: idempotency and replays', () => {
  const loop = defineJourney({
    nodes: {
      first: { type: 'send', template: 'digest', next: 'pause' },
      pause: { type: 'wait', duration: '7d', next: 'check' },
      check: {
        type: 'condition',
        rules: [{ property: 'traits.unsubscribed', op: 'eq', value: true }],
        then: 'done',
        else: 'first',
      },
      done: exit,
    },
  });

  it('keys each effect by (run, node, visit): unique across visits and runs', () => {
    const keys = (runId: string) => {
      const run = new TestRun(loop, { runId });
      run.start();
      for (let week = 0; week < 3; week += 1) run.fireTimer();
      return run.ofType('send_message').map((c) => c.idempotencyKey);
    };
    assert.deepEqual(keys('run1'), ['run1:first:1', 'run1:first:2', 'run1:first:3', 'run1:first:4']);
    assert.equal(new Set([...keys('run1'), ...keys('run2')]).size, 8);
  });

  it('gives the same commands when a step is replayed from the same state', () => {
    const run = new TestRun(loop);
    run.start();
    const before = run.state;
    const timerId = before?.waiting?.timerId ?? '';
    const now = T0 + 7 * DAY;
    const first = step({
      definition: loop,
      state: before,
      input: { type: 'timer_fired', timerId },
      now,
      random: Math.random,
    });
    const replay = step({
      definition: loop,
      state: before,
      input: { type: 'timer_fired', timerId },
      now,
      random: Math.random,
    });
    assert.deepEqual(replay, first);
    assert.equal(first.commands.find((c) => c.type === 'send_message')?.idempotencyKey, 'run1:first:2');
  });

  it('ignores a stale timer and any input after the run finished', () => {
    const run = new TestRun(loop);
    run.start();
    const stale = run.apply({ type: 'timer_fired', timerId: 'run1:pause:0:timer' });
    assert.deepEqual(stale.commands, []);
    assert.equal(stale.state.waiting?.timerId, 'run1:pause:1:timer');
    const done = new TestRun(defineJourney({ nodes: { first: exit } }));
    const finished = done.start().state;
    assert.equal(finished.outcome, 'completed');
    assert.deepEqual(done.apply({ type: 'event', event: { event: 'Go', properties: {}, timestamp: T0 } }).commands, []);
    assert.equal(done.last?.state, finished);
  });

  it('refuses inputs that do not fit the run (a runtime bug)', () => {
    const run = new TestRun(loop);
    run.start();
    assert.throws(() => run.start(), /already started/);
    const args = { definition: loop, state: null, now: T0, random: Math.random };
    assert.throws(() => step({ ...args, input: { type: 'timer_fired', timerId: 'x' } }), /needs the run's state/);
    const edited = { ...loop, version: 2 };
    const input = { type: 'timer_fired', timerId: 'x' } as const;
    assert.throws(() => step({ ...args, definition: edited, state: run.state, input }), /is on test v1, not v2/);
  });

  it('errors, rather than spinning, on a definition that skipped the graph check', () => {
    const unchecked = {
      ...loop,
      nodes: { ...loop.nodes, first: { ...loop.nodes.first, next: 'first' } },
    } as JourneyDefinition;
    const run = new TestRun(unchecked);
    const result = run.start();
    assert.equal(result.state.outcome, 'errored');
    assert.equal(run.ofType('send_message').length, MAX_NODES_PER_STEP);
    assert.match(run.ofType('record').at(-1)?.reason ?? '', /without a wait/);
    const missing = new TestRun({ ...loop, start: 'nowhere' } as JourneyDefinition).start();
    assert.deepEqual(
      missing.commands.map((c) => c.type),
      ['record', 'finish'],
    );
    assert.equal(missing.state.outcome, 'errored');
  });

  it('counts a day in the customer zone and falls back to the journey zone, then UTC', () => {
    const wait = (timezone: string | null, journeyZone?: string) => {
      const journey = defineJourney({
        timezone: journeyZone,
        nodes: { first: { type: 'wait', duration: '1d', next: 'done' }, done: exit },
      });
      const run = new TestRun(journey, { now: Date.UTC(2025, 2, 8, 15), customer: { timezone } });
      return (run.start().state.waiting?.dueAt ?? 0) - run.now;
    };
    assert.equal(wait('America/New_York'), 23 * HOUR);
    assert.equal(wait('Not/AZone', 'America/New_York'), 23 * HOUR);
    assert.equal(wait(null), 24 * HOUR);
  });
});
