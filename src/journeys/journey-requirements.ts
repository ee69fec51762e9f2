import type { JourneyDefinition } from './journey-schema.ts';

/** What a journey needs from the customer data, so an install can say what is missing. */
export interface JourneyRequirements {
  readonly events: readonly string[];
  readonly traits: readonly string[];
}

/**
 * The declared requirements plus the events the definition waits for: its trigger, goals and
 * `wait_for_event` nodes. Not its exits: an exit (an unsubscribe) often first happens once the
 * journey runs, and a journey that never sees one still works.
 */
export function requirementsOf(journey: JourneyDefinition): JourneyRequirements {
  const events = new Set([...journey.requires.events, ...awaitedEvents(journey)]);
  const traits = new Set(journey.requires.traits);
  // A date trigger is only as good as the trait it counts from.
  if (journey.trigger.type === 'date_trait') traits.add(journey.trigger.trait);
  return { events: [...events].sort(), traits: [...traits].sort() };
}

/** The required events and the exits: every event whose arrival matters to a run. */
export function eventsListenedTo(journey: JourneyDefinition): string[] {
  return [...new Set([...requirementsOf(journey).events, ...journey.exits.map((exit) => exit.event)])].sort();
}

function awaitedEvents(journey: JourneyDefinition): string[] {
  const events = [...journey.goals.map((goal) => goal.event)];
  if (journey.trigger.type === 'event') events.push(journey.trigger.event);
  for (const node of Object.values(journey.nodes)) if (node.type === 'wait_for_event') events.push(node.event);
  return events;
}

/** Which required events and traits the workspace has never seen. */
export function missingRequirements(journey: JourneyDefinition, seen: JourneyRequirements): JourneyRequirements {
  const { events, traits } = requirementsOf(journey);
  return {
    events: events.filter((event) => !seen.events.includes(event)),
    traits: traits.filter((trait) => !seen.traits.includes(trait)),
  };
}

/** One line per kind of data the workspace lacks, as an install reports it. */
export function requirementWarnings(missing: JourneyRequirements): string[] {
  const warnings: string[] = [];
  if (missing.events.length > 0)
    warnings.push(`the workspace has not sent these events yet: ${missing.events.join(', ')}`);
  if (missing.traits.length > 0) warnings.push(`no customer has these traits yet: ${missing.traits.join(', ')}`);
  return warnings;
}
