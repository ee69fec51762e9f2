import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JourneyStatus } from '../storage/journey-store.ts';
import { blockingReferences, describeMissing, missingReferences, referencesOf } from './journey-references.ts';
import type { JourneyDefinition } from './journey-schema.ts';
import { defineJourney } from './test-journeys.ts';

const journey = defineJourney({
  trigger: { type: 'schedule', at: '09:00', segment: 'vip' },
  entry: { policy: 'every_time' },
  nodes: {
    first: {
      type: 'condition',
      rules: [
        { property: 'traits.plan', op: 'eq', value: 'pro' },
        { property: 'segments.lapsed.since', op: 'lt', value: '2025-01-01' },
      ],
      then: 'offer',
      else: 'done',
    },
    offer: { type: 'send', template: 'winback_offer', channel: 'email', next: 'again' },
    again: { type: 'send', template: 'welcome_email', channel: 'sms', next: 'done' },
    done: { type: 'exit' },
  },
});

describe('journey references', () => {
  it('finds the segments a trigger or condition names and the templates sends render', () => {
    assert.deepEqual(
      referencesOf(journey).map(({ kind, id, path }) => `${kind} ${id} at ${path}`),
      [
        'segment vip at trigger.segment',
        'segment lapsed at nodes.first.rules[1].property',
        'template winback_offer at nodes.offer.template',
        'template welcome_email at nodes.again.template',
      ],
    );
  });

  it('reports each place a missing one is named, asking once per name and channel', async () => {
    const asked: string[] = [];
    const has = (existing: string) => async (_: string, id: string, channel?: string) => {
      asked.push(channel ? `${id}:${channel}` : id);
      return id === existing;
    };
    const lookup = { hasTemplate: has('winback_offer'), hasSegment: has('vip') };
    const again = { type: 'send', template: 'welcome_email', channel: 'email', next: 'end' };
    const twice = defineJourney({ ...journey, nodes: { ...journey.nodes, done: again, end: { type: 'exit' } } });
    const missing = await missingReferences(lookup, 'w', twice);
    assert.deepEqual(
      missing.map((ref) => ref.path),
      ['nodes.first.rules[1].property', 'nodes.again.template', 'nodes.done.template'],
    );
    // A template that lacks a channel's content is asked again without it, to say which is missing.
    assert.deepEqual(asked.sort(), [
      'lapsed',
      'vip',
      'welcome_email',
      'welcome_email:email',
      'welcome_email:sms',
      'winback_offer:email',
    ]);
  });

  it('needs the content of a fixed channel from the template, and says which', async () => {
    const contentFor = new Map([
      ['winback_offer', ['email']],
      ['welcome_email', ['email']],
    ]);
    const lookup = {
      hasTemplate: async (_: string, id: string, channel?: string) =>
        contentFor.has(id) && (!channel || (contentFor.get(id) ?? []).includes(channel)),
      hasSegment: async () => true,
    };
    const missing = await missingReferences(lookup, 'w', journey);
    assert.deepEqual(describeMissing(missing), [
      { path: 'nodes.again.template', message: 'template welcome_email has no sms content' },
    ]);
  });

  it('refuses only what going live, or a live journey naming something new, would run into', () => {
    const missing = referencesOf(journey).filter((ref) => ref.id !== 'vip');
    const live = { ...journey, status: 'live' as const };
    const blocking = (from: { status: JourneyStatus } | undefined, to: JourneyDefinition = live) =>
      blockingReferences({ from: from && { ...from, definition: journey }, to }, missing).length;
    assert.equal(blocking(undefined), 3, 'created live: all of them');
    assert.equal(blocking({ status: 'paused' }), 3, 'paused → live: all of them');
    assert.equal(blocking({ status: 'live' }), 0, 'live, naming what it named before: none');
    assert.equal(blocking(undefined, journey), 0, 'a draft: none, they are warnings');
    const renamed = referencesOf(journey).map((ref) => (ref.id === 'welcome_email' ? { ...ref, id: 'new_one' } : ref));
    const added = blockingReferences({ from: { status: 'live', definition: journey }, to: live }, renamed);
    assert.deepEqual(
      added.map((ref) => ref.id),
      ['new_one'],
    );
  });
});
