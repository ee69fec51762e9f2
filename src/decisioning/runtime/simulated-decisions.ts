import type { SimulatedDecide } from '../../journeys/simulate.ts';
import type { ProfileRecord, Store } from '../../storage/store.ts';
import { loadDecisionInputs } from './decision-inputs.ts';
import { decideOne, sendDecisionsFor } from './send-decisions.ts';

/**
 * The decision engine for the journey simulator: one customer's policy and data as the runtime
 * would load them at `now`, then each simulated send decided at its virtual time, earlier simulated
 * sends counting against later ones (caps, collisions). Reads the store; writes nothing.
 */
export async function simulatedDecisions(options: {
  store: Store;
  workspaceId: string;
  profile: ProfileRecord;
  /** The templates the journey's sends render, for `best` to choose among their channels. */
  templates: readonly string[];
  now: number;
}): Promise<SimulatedDecide> {
  const { store, workspaceId, profile, now } = options;
  const decisions = sendDecisionsFor(store);
  const loaded = await decisions.policies.get(workspaceId, now);
  const [inputs, identities, templateChannels] = await Promise.all([
    loadDecisionInputs({
      store,
      population: decisions.population,
      health: decisions.health,
      loaded,
      workspaceId,
      customerIds: [profile.id],
      learning: true,
      now,
    }),
    store.identitiesOf(workspaceId, profile.id),
    decisions.templates.channelsOf(workspaceId, options.templates, now),
  ]);
  const withTemplates = { ...inputs, templateChannels };
  return (command, at) => {
    const outcome = decideOne(
      {
        workspaceId,
        idempotencyKey: command.idempotencyKey,
        customerId: profile.id,
        channel: command.channel,
        messageClass: command.priority,
        topic: command.topic,
        template: command.template,
        bestTimeWithinMs: command.bestTimeWithinMs,
        queuedAt: at,
        profile,
        identities,
      },
      withTemplates,
      loaded.policy,
      at,
    );
    const { record } = outcome;
    return {
      outcome: record.outcome,
      channel: record.channel,
      at: record.at,
      summary: outcome.summary,
      reasons: record.reasons,
    };
  };
}
