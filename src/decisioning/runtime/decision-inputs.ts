import type { Channel, MessageClass } from '../../delivery/channel-choice.ts';
import { groupBy } from '../../shared/group-by.ts';
import type { Store } from '../../storage/store.ts';
import type { EngagementCounts } from '../beta-model.ts';
import {
  type CustomerEngagement,
  HOURS_OF_WEEK,
  type KnownSend,
  type PopulationModel,
  type RecentEvent,
} from '../decision-types.ts';
import type { ChannelHealthCache } from './channel-health-cache.ts';
import type { LoadedPolicy } from './policy-cache.ts';
import type { PopulationCache } from './population-cache.ts';
import type { TemplateChannelsCache } from './template-channels-cache.ts';

/**
 * What `decide` needs about one batch's customers of one workspace, loaded with one query per
 * kind and only the kinds the batch needs: recent and scheduled sends (caps, collisions), the
 * engagement counters and the population model (only for `best` channel or best time), the events
 * the policy's rules name, and segment memberships when a rule names a segment.
 */

export interface BatchDecisionInputs {
  readonly sends: Map<string, KnownSend[]>;
  readonly engagement: Map<string, CustomerEngagement>;
  readonly population: PopulationModel;
  readonly events: Map<string, RecentEvent[]>;
  readonly segments: Map<string, string[]> | undefined;
  /** Channels whose provider is failing now. */
  readonly unhealthy: ReadonlySet<Channel>;
  /** Template id → the channels it has content for, for the `best` sends' templates (absent: not narrowed). */
  readonly templateChannels?: ReadonlyMap<string, ReadonlySet<Channel>>;
}

const NO_POPULATION: PopulationModel = { channels: {} };

export async function loadDecisionInputs(options: {
  readonly store: Store;
  readonly population: PopulationCache;
  readonly health: ChannelHealthCache;
  /** With `templateIds`: the channels those templates have content for. */
  readonly templates?: TemplateChannelsCache;
  readonly templateIds?: readonly string[];
  readonly loaded: LoadedPolicy;
  readonly workspaceId: string;
  readonly customerIds: readonly string[];
  /** Some send asks for `best` channel or best time. */
  readonly learning: boolean;
  /**
   * The classes of the batch's sends: their recent sends are read only when a cap or collision can
   * hold one of them (a batch of receipts and codes skips the lookback). All classes when omitted.
   */
  readonly messageClasses?: readonly MessageClass[];
  readonly now: number;
}): Promise<BatchDecisionInputs> {
  const { store, loaded, workspaceId, now } = options;
  const ids = [...new Set(options.customerIds)];
  const { requirements, policy } = loaded;
  const segmentRules = policy.suppression.some((rule) => rule.when.some((c) => 'segment' in c));
  const holdable = options.messageClasses?.some((c) => requirements.heldClasses.includes(c)) ?? true;
  const templateIds = options.templateIds ?? [];
  const [sendRows, engagementRows, population, eventRows, memberships, unhealthy, templateChannels] = await Promise.all(
    [
      holdable
        ? store.decisions.recentSends({
            workspaceId,
            customerIds: ids,
            since: now - requirements.sendLookbackMs,
            queuedSince: now - requirements.sendLookbackMs - requirements.queuedSlackMs,
          })
        : [],
      options.learning ? store.decisions.engagementOf(workspaceId, ids) : [],
      options.learning ? options.population.get(workspaceId, policy, now) : NO_POPULATION,
      requirements.events.length > 0
        ? store.decisions.recentEvents({
            workspaceId,
            customerIds: ids,
            names: requirements.events,
            since: now - requirements.eventLookbackMs,
          })
        : [],
      segmentRules ? store.segments.membershipsOf(workspaceId, ids) : undefined,
      options.health.unhealthy(now),
      options.templates && templateIds.length > 0
        ? options.templates.channelsOf(workspaceId, templateIds, now)
        : new Map<string, ReadonlySet<Channel>>(),
    ],
  );
  const sends = new Map<string, KnownSend[]>();
  for (const row of sendRows) {
    const list = sends.get(row.customerId) ?? [];
    list.push({
      id: row.idempotencyKey,
      ...(row.journeyId === null ? {} : { journeyId: row.journeyId }),
      channel: row.channel as Channel,
      messageClass: row.messageClass as MessageClass,
      // A held message whose time has passed (its timer is late: a backlog, a restart) goes when it fires, not before now.
      at: row.scheduled ? Math.max(row.at, now) : row.at,
    });
    sends.set(row.customerId, list);
  }
  const events = new Map<string, RecentEvent[]>();
  for (const [id, list] of groupBy(eventRows, (e) => e.customerId)) {
    events.set(
      id,
      list.map((e) => ({ name: e.name, at: e.at, properties: e.properties })),
    );
  }
  let segments: Map<string, string[]> | undefined;
  if (memberships) {
    segments = new Map();
    for (const m of memberships) segments.set(m.customerId, [...(segments.get(m.customerId) ?? []), m.segmentId]);
  }
  return {
    sends,
    engagement: engagementOf(engagementRows),
    population,
    events,
    segments,
    unhealthy,
    templateChannels,
  };
}

function engagementOf(
  rows: readonly { customerId: string; channel: string; hourOfWeek: number; sends: number; responses: number }[],
): Map<string, CustomerEngagement> {
  const out = new Map<
    string,
    { channels: Partial<Record<Channel, EngagementCounts>>; hours: { sends: Uint16Array; responses: Uint16Array } }
  >();
  for (const row of rows) {
    let held = out.get(row.customerId);
    if (!held) {
      held = {
        channels: {},
        hours: { sends: new Uint16Array(HOURS_OF_WEEK), responses: new Uint16Array(HOURS_OF_WEEK) },
      };
      out.set(row.customerId, held);
    }
    const channel = row.channel as Channel;
    const seen = held.channels[channel] ?? { sends: 0, responses: 0 };
    held.channels[channel] = { sends: seen.sends + row.sends, responses: seen.responses + row.responses };
    if (row.hourOfWeek >= 0 && row.hourOfWeek < HOURS_OF_WEEK) {
      held.hours.sends[row.hourOfWeek] = (held.hours.sends[row.hourOfWeek] as number) + row.sends;
      held.hours.responses[row.hourOfWeek] = (held.hours.responses[row.hourOfWeek] as number) + row.responses;
    }
  }
  return out;
}
