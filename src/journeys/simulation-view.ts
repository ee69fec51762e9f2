import type { ProfileRecord } from '../storage/store.ts';
import type { JourneyDefinition, JourneyNode } from './journey-schema.ts';
import { wallTime } from './local-time.ts';
import type { Properties } from './run-state.ts';
import type { PathStep, SimulatedMessage, SimulatedWait, SimulationResult } from './simulate.ts';

/** A simulation as the API and CLI show it: ISO times, and each step of the path in words. */
export interface SimulationView {
  readonly journey: { readonly id: string; readonly name: string; readonly version: number };
  readonly customer: { readonly id: string; readonly timezone: string | null };
  readonly status: SimulationResult['status'];
  readonly outcome: SimulationResult['outcome'];
  /** Why the run converted, exited or errored (a goal's name, an exit event). */
  readonly reason: string | null;
  readonly startedAt: string | null;
  readonly endedAt: string;
  readonly trigger: { readonly event: string | null; readonly properties: Properties; readonly at: string } | null;
  readonly path: readonly (Omit<PathStep, 'at'> & { readonly at: string; readonly what: string })[];
  readonly waits: readonly (Omit<SimulatedWait, 'from' | 'until' | 'endedAt'> & {
    readonly from: string;
    readonly until: string;
    readonly endedAt: string;
  })[];
  /** Each send with what its decision does to it, in words (`what`). */
  readonly messages: readonly (Omit<SimulatedMessage, 'at'> & { readonly at: string; readonly what: string })[];
  /** The sends by their decision's outcome; a send without a decision counts as sent. */
  readonly outcomes: Readonly<Record<SimulatedOutcome, number>>;
  /** Trait updates and webhook calls the run would make. */
  readonly effects: readonly Record<string, unknown>[];
  /** How many of the customer's events the simulation read. */
  readonly eventsRead: number;
  readonly notes: readonly string[];
  /** Always true: a simulation sends and writes nothing. */
  readonly dryRun: true;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** `2025-01-06 10:00 UTC`, for sentences. */
export const shortTime = (time: number | string) => {
  const text = typeof time === 'number' ? iso(time) : time;
  return `${text.slice(0, 10)} ${text.slice(11, 16)} UTC`;
};

export function simulationView(options: {
  definition: JourneyDefinition;
  customer: ProfileRecord;
  result: SimulationResult;
  eventsRead: number;
  notes: readonly string[];
}): SimulationView {
  const { definition, result } = options;
  // Holds read in the customer's zone, as the decision that made them is worded.
  const zone = options.customer.timezone ?? 'UTC';
  const ending = result.timeline.find(
    ({ command }) => command.type === 'record' && ['converted', 'exited', 'errored'].includes(command.kind),
  );
  return {
    journey: { id: definition.id, name: definition.name, version: definition.version },
    customer: { id: options.customer.id, timezone: options.customer.timezone },
    status: result.status,
    outcome: result.outcome,
    reason: (ending?.command.type === 'record' && ending.command.reason) || null,
    startedAt: result.startedAt === null ? null : iso(result.startedAt),
    endedAt: iso(result.endedAt),
    trigger: result.trigger && {
      event: result.trigger.event,
      properties: result.trigger.properties,
      at: iso(result.trigger.timestamp),
    },
    path: result.path.map((step) => ({
      ...step,
      at: iso(step.at),
      what: describeStep(definition, result, step, zone),
    })),
    waits: result.waits.map((w) => ({ ...w, from: iso(w.from), until: iso(w.until), endedAt: iso(w.endedAt) })),
    messages: result.messages.map((m) => ({ ...m, at: iso(m.at), what: describeMessage(m, zone) })),
    outcomes: countOutcomes(result.messages),
    effects: result.timeline.flatMap(({ at, command }): Record<string, unknown>[] => {
      if (command.type === 'update_traits') {
        return [
          { at: iso(at), nodeId: command.run.nodeId, type: command.type, set: command.set, unset: command.unset },
        ];
      }
      if (command.type === 'call_webhook') {
        const { method, url, body } = command;
        return [{ at: iso(at), nodeId: command.run.nodeId, type: command.type, method, url, body }];
      }
      return [];
    }),
    eventsRead: options.eventsRead,
    notes: options.notes,
    dryRun: true,
  };
}

/** "wait 1h until 2025-01-06 11:00 UTC", "send cart_reminder via best (marketing)", "condition → then". */
export function describeStep(
  definition: JourneyDefinition,
  result: SimulationResult,
  step: PathStep,
  zone: string,
): string {
  const node = definition.nodes[step.nodeId] as JourneyNode | undefined;
  if (!node) return step.type;
  const wait = result.waits.find((w) => w.nodeId === step.nodeId && w.from === step.at);
  const until = wait ? ` until ${shortTime(wait.until)}${waitEnding(wait)}` : '';
  switch (node.type) {
    case 'wait':
      return `wait ${node.duration}${until}`;
    case 'wait_until':
      return `wait for ${node.at} local${node.days.length > 0 ? ` on ${node.days.join('/')}` : ''}${until}`;
    case 'wait_for_event': {
      const same = node.correlate ? ` with the same ${node.correlate}` : '';
      return `wait up to ${node.timeout} for ${node.event}${same}${until} → ${step.branch ?? 'still waiting'}`;
    }
    case 'condition':
      return `condition → ${step.branch ?? '?'}`;
    case 'random_split':
      return `random split → ${step.branch ?? '?'}`;
    case 'send': {
      const sent = result.messages.find((m) => m.nodeId === step.nodeId && m.at === step.at);
      const what = `send ${node.template} via ${node.channel}`;
      return sent ? `${what} (${sent.priority}) → ${describeMessage(sent, zone)}` : what;
    }
    case 'update_traits': {
      const set = Object.keys(node.set).map((k) => `set ${k}`);
      return [...set, ...node.unset.map((k) => `unset ${k}`)].join(', ');
    }
    case 'webhook':
      return `call webhook ${node.method} ${node.url}`;
    case 'exit':
      return node.reason ? `exit: ${node.reason}` : 'exit';
  }
}

type SimulatedOutcome = NonNullable<SimulatedMessage['decision']>['outcome'];

/** "sent on email", "delayed until 2025-01-07 15:00 Europe/Berlin on email", "suppressed because …": the decision decides. */
function describeMessage(message: SimulatedMessage, zone: string): string {
  const decision = message.decision;
  if (!decision || decision.outcome === 'send') return `sent on ${decision?.channel ?? message.channel}`;
  if (decision.outcome === 'delay') {
    return `delayed until ${decision.at === null ? '?' : wallTime(decision.at, zone)} on ${decision.channel}`;
  }
  // The summary reads "suppressed: <reasons>"; the reasons are the "because".
  return `suppressed because ${decision.summary.replace(/^suppressed:\s*/, '') || 'of the policy'}`;
}

function countOutcomes(messages: readonly SimulatedMessage[]): Record<SimulatedOutcome, number> {
  const counts = { send: 0, delay: 0, suppress: 0 };
  for (const message of messages) counts[message.decision?.outcome ?? 'send'] += 1;
  return counts;
}

function waitEnding(wait: SimulatedWait): string {
  if (wait.endedBy === 'horizon') return ' (still waiting at the horizon)';
  if (wait.endedBy === 'event') return ` (ended by an event at ${shortTime(wait.endedAt)})`;
  return '';
}
