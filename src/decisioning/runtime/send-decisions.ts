import { CHANNELS, type Channel, chooseChannel, type MessageClass } from '../../delivery/channel-choice.ts';
import { seededRandom, seedOf } from '../../journeys/seeded-random.ts';
import { groupBy } from '../../shared/group-by.ts';
import type { IdentityRecord, ProfileRecord, Store } from '../../storage/store.ts';
import type { SuppressionRecord } from '../../storage/suppression-store.ts';
import { hourOfWeek } from '../best-time.ts';
import { byClassRank, outranks } from '../collisions.ts';
import { decide, durationMs } from '../decide.ts';
import { describeDecision } from '../decision-summary.ts';
import type { ChannelStatus, Decision, DecisionContext, KnownSend } from '../decision-types.ts';
import type { Policy } from '../policy-schema.ts';
import { ChannelHealthCache } from './channel-health-cache.ts';
import { type BatchDecisionInputs, loadDecisionInputs } from './decision-inputs.ts';
import { PolicyCache } from './policy-cache.ts';
import { PopulationCache } from './population-cache.ts';
import { TemplateChannelsCache } from './template-channels-cache.ts';

/**
 * The decision engine in the runtime: a batch's sends, decided in order with the workspace's
 * policy and what the batch loaded about its customers. A decision made earlier in the batch counts
 * for the later ones (two sends to one customer in one batch meet the same caps). Draws are seeded
 * by the outbox key, so a replayed batch decides the same.
 */

export interface SendRequest {
  readonly workspaceId: string;
  readonly idempotencyKey: string;
  readonly customerId: string;
  readonly channel: Channel | 'best';
  readonly messageClass: MessageClass;
  readonly topic?: string;
  /** The journey that sends it: explanations of other sends name it. */
  readonly journeyId?: string;
  /** The template it renders: `best` chooses among the channels it has content for. */
  readonly template?: string;
  readonly bestTimeWithinMs?: number;
  /**
   * A delayed message decided again when its timer fired. It goes before sends planned after it
   * (they decide again at their own time), so only sends made by now count against it: a timer
   * that fires a little late does not push it behind the next one and on past its deadline.
   */
  readonly redecided?: boolean;
  /** When the message was first queued: `maxDelay` counts from here, across decisions. */
  readonly queuedAt: number;
  readonly profile: ProfileRecord;
  readonly identities: readonly IdentityRecord[];
  readonly suppressions?: readonly SuppressionRecord[];
  /** Segment id → since, when the batch loaded them. */
  readonly segments?: Readonly<Record<string, number>>;
}

/** The decision as the outbox entry keeps it (payload `decision`): what the timeline and the API show. */
export interface DecisionRecord {
  readonly outcome: Decision['outcome'];
  readonly channel: Channel | null;
  readonly at: number | null;
  /** Hour of week in the customer's zone of `at` (engagement counters credit responses to it). */
  readonly hourOfWeek: number | null;
  readonly timeZone: string;
  readonly decidedAt: number;
  readonly reasons: Decision['reasons'];
}

export interface SendOutcome {
  readonly request: SendRequest;
  readonly decision: Decision;
  readonly address: string | null;
  /** The decision in words (`describeDecision`). */
  readonly summary: string;
  readonly record: DecisionRecord;
}

export class SendDecisions {
  readonly policies: PolicyCache;
  readonly population: PopulationCache;
  readonly health: ChannelHealthCache;
  readonly templates: TemplateChannelsCache;

  constructor(private readonly store: Store) {
    this.policies = new PolicyCache(store.decisions);
    this.population = new PopulationCache(store.decisions);
    this.health = new ChannelHealthCache(store.delivery);
    this.templates = new TemplateChannelsCache(store.templates);
  }

  async decideAll(requests: readonly SendRequest[], now: number): Promise<SendOutcome[]> {
    const out: SendOutcome[] = [];
    for (const [workspaceId, list] of groupBy(requests, (r) => r.workspaceId)) {
      const loaded = await this.policies.get(workspaceId, now);
      const inputs = await loadDecisionInputs({
        store: this.store,
        population: this.population,
        health: this.health,
        templates: this.templates,
        loaded,
        workspaceId,
        customerIds: list.map((r) => r.customerId),
        learning: list.some((r) => r.channel === 'best' || r.bestTimeWithinMs !== undefined),
        templateIds: list.flatMap((r) => (r.channel === 'best' && r.template !== undefined ? [r.template] : [])),
        messageClasses: [...new Set(list.map((r) => r.messageClass))],
        now,
      });
      // Higher classes first: a service message and a marketing one triggered by the same event collide
      // as the policy says, whichever journey asked first.
      for (const request of [...list].sort(byClassRank)) out.push(decideOne(request, inputs, loaded.policy, now));
    }
    return out;
  }
}

/**
 * One decision against inputs loaded for its batch; the decision then counts for the next one.
 * The simulator uses it too, on one customer's inputs, at virtual times.
 */
export function decideOne(request: SendRequest, inputs: BatchDecisionInputs, policy: Policy, now: number): SendOutcome {
  const statuses = channelStatuses(request, inputs);
  const timeZone = request.profile.timezone ?? 'UTC';
  const known = inputs.sends.get(request.customerId) ?? [];
  // Decided again when its timer fired: only sends made by now count against it, and higher-class ones planned after
  // it, which it must give way to (they listed it in `preempts`).
  const sends = request.redecided
    ? known.filter((s) => s.at <= now || outranks(s.messageClass, request.messageClass))
    : known;
  const preferred = request.profile.traits.preferred_channel;
  const context: DecisionContext = {
    customerId: request.customerId,
    timeZone,
    traits: request.profile.traits,
    segments: inputs.segments?.get(request.customerId) ?? Object.keys(request.segments ?? {}),
    preferredChannel: CHANNELS.includes(preferred as Channel) ? (preferred as Channel) : undefined,
    channels: statuses.map((s) => s.status),
    engagement: inputs.engagement.get(request.customerId) ?? { channels: {} },
    population: inputs.population,
    recentEvents: inputs.events.get(request.customerId) ?? [],
    sends,
  };
  const decision = decide({
    request: {
      id: request.idempotencyKey,
      messageClass: request.messageClass,
      channel: request.channel,
      timing:
        request.bestTimeWithinMs === undefined
          ? { type: 'now' }
          : { type: 'best_time', windowMs: request.bestTimeWithinMs },
      notAfter: deadlineOf(policy, request),
    },
    context,
    policy,
    now,
    random: seededRandom(seedOf(request.idempotencyKey)),
  });
  const going = decision.outcome !== 'suppress' ? decision : undefined;
  if (going) {
    const planned: KnownSend = {
      id: request.idempotencyKey,
      ...(request.journeyId === undefined ? {} : { journeyId: request.journeyId }),
      channel: going.channel,
      messageClass: request.messageClass,
      at: going.at,
    };
    inputs.sends.set(request.customerId, [...known, planned]);
  }
  return {
    request,
    decision,
    address: going ? (statuses.find((s) => s.status.channel === going.channel)?.address ?? null) : null,
    summary: describeDecision(decision, timeZone),
    record: {
      outcome: decision.outcome,
      channel: going?.channel ?? null,
      at: going?.at ?? null,
      hourOfWeek: going ? hourOfWeek(going.at, timeZone) : null,
      timeZone,
      decidedAt: now,
      reasons: decision.reasons,
    },
  };
}

function deadlineOf(policy: Policy, request: SendRequest): number | undefined {
  const maxDelay = policy.maxDelay[request.messageClass];
  return maxDelay === undefined ? undefined : request.queuedAt + durationMs(maxDelay);
}

/**
 * What each channel allows, by the channel choice's own rules (address, suppression list, consent
 * for the class and topic) and its provider's health: a fixed channel asks about that one only (going live
 * checked that its template has content for it), `best` about the channels its template has content for.
 */
function channelStatuses(
  request: SendRequest,
  inputs: Pick<BatchDecisionInputs, 'unhealthy' | 'templateChannels'>,
): { status: ChannelStatus; address: string | null }[] {
  const renders = request.template === undefined ? undefined : inputs.templateChannels?.get(request.template);
  const channels =
    request.channel !== 'best' ? [request.channel] : BEST_ORDER.filter((channel) => renders?.has(channel) ?? true);
  return channels.map((channel) => {
    const choice = chooseChannel({
      requested: channel,
      messageClass: request.messageClass,
      topic: request.topic,
      profile: request.profile,
      identities: request.identities,
      suppressions: request.suppressions,
    });
    const providerHealthy = !inputs.unhealthy.has(channel);
    const status: ChannelStatus = choice.ok
      ? { channel, consented: true, reachable: true, providerHealthy }
      : { channel, consented: true, reachable: true, providerHealthy, blocked: choice.reason };
    return { status, address: choice.ok ? choice.address : null };
  });
}

/** The order `best` ranks channels in while nothing is known about any of them (as the channel choice does). */
const BEST_ORDER: readonly Channel[] = ['email', 'sms', 'whatsapp', 'push', 'in_app', 'voice'];

const perStore = new WeakMap<Store, SendDecisions>();

/** One per store in a process, so the policy and population caches are shared by every stage. */
export function sendDecisionsFor(store: Store): SendDecisions {
  let held = perStore.get(store);
  if (!held) {
    held = new SendDecisions(store);
    perStore.set(store, held);
  }
  return held;
}
