import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { MessageClass } from '../../delivery/channel-choice.ts';
import { addOutbox, openTestStore, outboxEntry, START, WS } from '../../delivery/test-delivery.ts';
import type { DecisionStore } from '../../storage/decision-store.ts';
import type { Store } from '../../storage/store.ts';
import { DEFAULT_POLICY, policyRequirements } from '../policy-schema.ts';
import { ChannelHealthCache } from './channel-health-cache.ts';
import { loadDecisionInputs } from './decision-inputs.ts';
import { PopulationCache } from './population-cache.ts';

describe('decision inputs of a batch', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let lookbacks: number;

  beforeEach(async () => {
    ({ store, dispose } = await openTestStore());
    await addOutbox(store, [outboxEntry('earlier', { status: 'sent', messageClass: 'marketing', createdAt: START })]);
  });
  afterEach(() => dispose());

  const load = (messageClasses: MessageClass[]) => {
    lookbacks = 0;
    // The real store, counting how often the batch reads the customers' recent sends.
    const decisions: DecisionStore = Object.create(store.decisions);
    decisions.recentSends = (query) => {
      lookbacks += 1;
      return store.decisions.recentSends(query);
    };
    const counted = Object.create(store, { decisions: { value: decisions } }) as Store;
    return loadDecisionInputs({
      store: counted,
      population: new PopulationCache(decisions),
      health: new ChannelHealthCache(store.delivery),
      loaded: { policy: DEFAULT_POLICY, requirements: policyRequirements(DEFAULT_POLICY), updatedAt: undefined },
      workspaceId: WS,
      customerIds: ['c1'],
      learning: false,
      messageClasses,
      now: START + 60_000,
    });
  };

  it('reads recent sends when a cap or collision can hold one of its classes', async () => {
    const inputs = await load(['transactional', 'marketing']);
    assert.equal(lookbacks, 1);
    assert.deepEqual(
      inputs.sends.get('c1')?.map((s) => s.id),
      ['earlier'],
    );
  });

  it('skips them for a batch of receipts and codes that nothing in the policy holds', async () => {
    const inputs = await load(['transactional']);
    assert.equal(lookbacks, 0);
    assert.equal(inputs.sends.size, 0);
  });
});
