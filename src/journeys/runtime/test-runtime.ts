import type { TestGodwit } from '../../app/test-godwit.ts';
import type { MessageSummary } from '../../delivery/message-service.ts';
import type { JourneyChange } from '../../storage/journey-store.ts';
import type { Store } from '../../storage/store.ts';
import { formatJourneyIssues, type JourneyDefinition, parseJourney } from '../journey-schema.ts';
import { callApi, T0 } from '../test-journey-api.ts';

/** Saves a journey as live version `version`, the way the journey service will. */
export async function goLive(t: TestGodwit, fields: Record<string, unknown>, version = 1): Promise<JourneyDefinition> {
  const parsed = parseJourney({ name: 'Test', status: 'live', ...fields, version });
  if (!parsed.ok) throw new Error(formatJourneyIssues(parsed.issues));
  const definition = parsed.journey;
  const { store, runtime } = t.godwit;
  await store.journeys.saveJourney(
    {
      workspaceId: t.workspaceId,
      id: definition.id,
      name: definition.name,
      status: 'live',
      latestVersion: version,
      createdAt: T0,
      updatedAt: T0,
    },
    { workspaceId: t.workspaceId, journeyId: definition.id, version, definition, createdAt: T0 },
  );
  runtime.journeysChanged();
  return definition;
}

/**
 * Stops the runtime's background loop so a test with a ManualClock drives events and timers
 * itself (processEvents, fireDueTimers) and no background slice fires a timer first.
 */
export async function driveByHand(t: TestGodwit): Promise<void> {
  await t.godwit.runtime.stop();
}

/** The journey's messages by the node that sent them, once `count` of them are in the outbox (the runtime runs in the background). */
export async function messagesByNode(
  t: TestGodwit,
  journeyId: string,
  count: number,
): Promise<Partial<Record<string, MessageSummary>>> {
  let messages: MessageSummary[] = [];
  for (let i = 0; i < 200 && messages.length < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    messages = (await callApi(t, 'GET', `/v1/messages?journey=${journeyId}`)).body.messages;
  }
  return Object.fromEntries(messages.map((m) => [m.key.split(':')[1], m]));
}

/** The store, but committing a journey change fails while `refuses(change)` says so: a bug meeting some data. */
export function refusingStore(store: Store, refuses: (change: JourneyChange) => boolean): Store {
  const journeys = Object.create(store.journeys) as Store['journeys'];
  journeys.applyJourneyChange = (change: JourneyChange) =>
    refuses(change) ? Promise.reject(new Error('cannot store this run')) : store.journeys.applyJourneyChange(change);
  return Object.create(store, { journeys: { value: journeys } }) as Store;
}

/** A logger that keeps the errors' messages, for tests of what is passed over. */
export function errorLog(): { logger: never; errors: string[] } {
  const errors: string[] = [];
  const logger = { warn: () => {}, error: (_: unknown, message: string) => errors.push(message) };
  return { logger: logger as never, errors };
}
