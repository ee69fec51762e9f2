import type { JourneyDefinition } from './journey-schema.ts';

/** What a journey needs from the customer data, so an install can say what is missing. */
export interface JourneyRequirements {
  readonly events: readonly string[];
  readonly traits: readonly string[];
}

/** The declared requirements plus every event the definition itself listens for. */
export function requirementsOf(journey: JourneyDefinition): JourneyRequirements {
  const events = new Set(journey.requires.events);
  if (journey.trigger.type === 'event') events.add(journey.trigger.event);
  for (const matcher of [...journey.goals, ...journey.exits]) events.add(matcher.event);
  for (const node of Object.values(journey.nodes)) if (node.type === 'wait_for_event') events.add(node.event);
  const traits = new Set(journey.requires.traits);
  // A date trigger is only as good as the trait it counts from.
  if (journey.trigger.type === 'date_trait') traits.add(journey.trigger.trait);
  return { events: [...events].sort(), traits: [...traits].sort() };
}

/** Which required events and traits the workspace has never seen. */
export function missingRequirements(journey: JourneyDefinition, seen: JourneyRequirements): JourneyRequirements {
  const { events, traits } = requirementsOf(journey);
  return {
    events: events.filter((event) => !seen.events.includes(event)),
    traits: traits.filter((trait) => !seen.traits.includes(trait)),
  };
}
