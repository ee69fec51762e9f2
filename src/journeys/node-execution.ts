import { assertNever } from './assert-never.ts';
import { addDuration, approximateMs, parseDuration } from './duration.ts';
import { WEEKDAYS } from './field-schema.ts';
import { matchesFilters } from './filters.ts';
import type { JourneyNode, NodeOfType } from './journey-schema.ts';
import { nextLocalTime } from './local-time.ts';
import type { RunDraft } from './run-draft.ts';
import { pickWeighted } from './seeded-random.ts';

/** What running one node decided: go on (through a branch), park at a wait, or end the run. */
export type NodeResult =
  | { readonly kind: 'next'; readonly nodeId: string; readonly branch?: string }
  | { readonly kind: 'wait' }
  | { readonly kind: 'finish' };

export interface NodeVisit {
  readonly nodeId: string;
  readonly visit: number;
}

export function executeNode(draft: RunDraft, node: JourneyNode, at: NodeVisit): NodeResult {
  switch (node.type) {
    case 'wait':
      draft.suspend('timer', {
        ...at,
        dueAt: addDuration(draft.now, parseDuration(node.duration), draft.base.timezone),
      });
      return { kind: 'wait' };
    case 'wait_until':
      draft.suspend('timer', { ...at, dueAt: nextWallTime(draft, node) });
      return { kind: 'wait' };
    case 'wait_for_event':
      draft.suspend('event', {
        ...at,
        dueAt: addDuration(draft.now, parseDuration(node.timeout), draft.base.timezone),
      });
      return { kind: 'wait' };
    case 'condition': {
      const holds = matchesFilters(node.rules, conditionDocument(draft), node.match);
      return holds
        ? { kind: 'next', nodeId: node.then, branch: 'then' }
        : { kind: 'next', nodeId: node.else, branch: 'else' };
    }
    case 'random_split': {
      const branch = pickWeighted(node.branches, draft.random());
      draft.splits[at.nodeId] = branch.name;
      return { kind: 'next', nodeId: branch.next, branch: branch.name };
    }
    case 'send':
      send(draft, node, at);
      return { kind: 'next', nodeId: node.next };
    case 'update_traits':
      updateTraits(draft, node, at);
      return { kind: 'next', nodeId: node.next };
    case 'webhook':
      draft.commands.push({
        type: 'call_webhook',
        idempotencyKey: draft.keyFor(at.nodeId, at.visit),
        run: draft.runRef(at.nodeId),
        url: node.url,
        method: node.method,
        body: node.body,
      });
      return { kind: 'next', nodeId: node.next };
    case 'exit':
      return { kind: 'finish' };
    default:
      return assertNever(node);
  }
}

function nextWallTime(draft: RunDraft, node: NodeOfType<'wait_until'>): number {
  const [hour = 0, minute = 0] = node.at.split(':').map(Number);
  return nextLocalTime({
    after: draft.now,
    timeZone: draft.base.timezone,
    hour,
    minute,
    weekdays: node.days.map((day) => WEEKDAYS.indexOf(day)),
  });
}

/**
 * The document condition rules read: `traits.*`, `trigger.*`, `event.*`, and `segments.<id>`,
 * present (as `{ since: ISO time }`) while the customer is a member.
 */
function conditionDocument(draft: RunDraft): Record<string, unknown> {
  const segments = Object.fromEntries(
    Object.entries(draft.segments).map(([id, since]) => [id, { since: new Date(since).toISOString() }]),
  );
  return {
    traits: draft.traits,
    trigger: draft.base.trigger.properties,
    event: draft.lastEvent?.properties ?? {},
    segments,
  };
}

function send(draft: RunDraft, node: NodeOfType<'send'>, at: NodeVisit): void {
  draft.commands.push({
    type: 'send_message',
    idempotencyKey: draft.keyFor(at.nodeId, at.visit),
    run: draft.runRef(at.nodeId),
    template: node.template,
    channel: node.channel,
    priority: node.priority ?? draft.definition.category,
    ...(node.topic ? { topic: node.topic } : {}),
    ...(node.bestTime ? { bestTimeWithinMs: approximateMs(parseDuration(node.bestTime.within)) } : {}),
    data: node.data,
    trigger: draft.base.trigger,
    event: draft.lastEvent,
  });
}

/** Applied to the run's copy as well, so later conditions in the same run see the new values. */
function updateTraits(draft: RunDraft, node: NodeOfType<'update_traits'>, at: NodeVisit): void {
  draft.commands.push({
    type: 'update_traits',
    idempotencyKey: draft.keyFor(at.nodeId, at.visit),
    run: draft.runRef(at.nodeId),
    set: node.set,
    unset: node.unset,
  });
  Object.assign(draft.traits, node.set);
  for (const name of node.unset) delete draft.traits[name];
}
