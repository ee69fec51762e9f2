import { GodwitError } from '../shared/errors.ts';
import type { JourneyStore } from '../storage/journey-store.ts';
import { type JourneyReference, namesReference } from './journey-references.ts';

/** A template or segment, or only some channels' content of a template (what a template edit drops). */
export interface UsedThing {
  readonly kind: JourneyReference['kind'];
  readonly id: string;
  readonly channels?: readonly string[];
}

/**
 * A 409 while anything still uses it: live journeys whose latest version names it (new runs would start on
 * nothing), versions with runs still waiting that name it (whatever the journey's status, those runs go on),
 * and for a template the messages still to go that will render it (held, or queued). With `channels`, only
 * sends on those channels count: a `best` send chooses among the channels its template has.
 */
export async function refuseWhileUsed(journeys: JourneyStore, workspaceId: string, thing: UsedThing): Promise<void> {
  const { live, waiting } = await usersOf(journeys, workspaceId, thing);
  const messages =
    thing.kind === 'template' ? await journeys.countWaitingWithTemplate(workspaceId, thing.id, thing.channels) : 0;
  if (live.length === 0 && waiting.length === 0 && messages === 0) return;
  const by = [
    ...(live.length > 0 ? [`live journeys: ${live.join(', ')}`] : []),
    ...(waiting.length > 0 ? [`runs still waiting in ${waiting.join(', ')}`] : []),
    ...(messages > 0 ? [`${messages} message${messages === 1 ? '' : 's'} still to go`] : []),
  ];
  const what = thing.channels
    ? `template ${thing.id}'s ${thing.channels.join(' and ')} content is sent`
    : `${thing.kind} ${thing.id} is ${thing.kind === 'template' ? 'sent' : 'used'}`;
  const finished = thing.channels ? 'change it once they have finished' : 'delete it once they have finished';
  const then = live.length > 0 ? 'pause or change them first' : finished;
  throw new GodwitError('conflict', `${what} by ${by.join(' and by ')}; ${then}`);
}

/** Live journeys whose latest version names it; `journey (version N)` for each older or not-live version with waiting runs. */
async function usersOf(journeys: JourneyStore, workspaceId: string, thing: UsedThing) {
  const live: string[] = [];
  const waiting: string[] = [];
  const names = (definition: Parameters<typeof namesReference>[0]) =>
    thing.channels
      ? thing.channels.some((channel) => namesReference(definition, thing.kind, thing.id, channel))
      : namesReference(definition, thing.kind, thing.id);
  for (const journey of await journeys.listJourneys(workspaceId)) {
    const current = journey.status === 'live' ? journey.latestVersion : undefined;
    const counts = await journeys.nodeCounts(workspaceId, journey.id);
    const versions = new Set(counts.filter((c) => c.kind === 'waiting' && c.count > 0).map((c) => c.version));
    if (current !== undefined) versions.add(current);
    for (const version of [...versions].sort((a, b) => a - b)) {
      const record = await journeys.getVersion(workspaceId, journey.id, version);
      if (!record || !names(record.definition)) continue;
      if (version === current) live.push(journey.id);
      else waiting.push(`${journey.id} (version ${version})`);
    }
  }
  return { live, waiting };
}
