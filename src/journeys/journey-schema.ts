import { z } from 'zod';
import {
  type DefinitionIssue,
  decodeDefinitionText,
  describeIssue,
  formatDefinitionIssues,
  toDefinitionIssues,
} from '../shared/definition-parsing.ts';
import { eventMatcherShape, identifierSchema, nodeRefSchema, prioritySchema, timeZoneSchema } from './field-schema.ts';
import { checkJourneyGraph } from './journey-graph.ts';
import { nodeSchema } from './node-schema.ts';
import { entrySchema, triggerSchema } from './trigger-schema.ts';

/** A journey definition as data: the one schema the API, console, CLI and catalog share. */
export const journeySchema = z.strictObject({
  id: identifierSchema,
  name: z.string().min(1, { error: 'must not be empty' }),
  description: z.string().optional(),
  version: z.number().int().min(1).default(1),
  status: z.enum(['draft', 'live', 'paused', 'archived']).default('draft'),
  /** The priority class of its messages, and what policies suppress (transactional > service > marketing). */
  category: prioritySchema.default('marketing'),
  /** Categories of other journeys' messages to hold back while a customer is in this one. */
  suppresses: z.array(prioritySchema).default([]),
  /** Used for customers whose own time zone is unknown; UTC when absent. */
  timezone: timeZoneSchema.optional(),
  trigger: triggerSchema,
  entry: entrySchema,
  goals: z.array(z.strictObject({ name: z.string().min(1).optional(), ...eventMatcherShape })).default([]),
  exits: z.array(z.strictObject(eventMatcherShape)).default([]),
  /** What the data must contain for the journey to work; installing checks it. */
  requires: z
    .strictObject({ events: z.array(z.string()).default([]), traits: z.array(z.string()).default([]) })
    .default({ events: [], traits: [] }),
  start: nodeRefSchema,
  nodes: z.record(identifierSchema, nodeSchema),
});

export type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export type JourneyDefinition = DeepReadonly<z.output<typeof journeySchema>>;
export type JourneyNode = JourneyDefinition['nodes'][string];
export type NodeType = JourneyNode['type'];
export type NodeOfType<T extends NodeType> = Extract<JourneyNode, { type: T }>;
export type JourneyTrigger = JourneyDefinition['trigger'];
export type EntryPolicy = JourneyDefinition['entry'];
export type JourneyGoal = JourneyDefinition['goals'][number];
/** Goals, exit criteria and wait_for_event all describe an event this way. */
export type EventMatcher = JourneyDefinition['exits'][number];

/** One problem, at a path a person can find: `nodes.wait_1.duration`. */
export type JourneyIssue = DefinitionIssue;

export type JourneyParseResult =
  | { readonly ok: true; readonly journey: JourneyDefinition }
  | { readonly ok: false; readonly issues: readonly JourneyIssue[] };

/** Validates a definition already decoded from JSON or YAML: fields first, then the graph. */
export function parseJourney(value: unknown): JourneyParseResult {
  const result = journeySchema.safeParse(value, { error: describeIssue });
  if (!result.success) return { ok: false, issues: result.error.issues.flatMap(toDefinitionIssues) };
  const issues = checkJourneyGraph(result.data);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, journey: result.data };
}

/** Reads JSON or YAML text (YAML 1.2, so `on:` and `09:00` stay strings). JSON is detected by its `{`. */
export function parseJourneyText(text: string): JourneyParseResult {
  const decoded = decodeDefinitionText(text);
  return decoded.ok ? parseJourney(decoded.value) : decoded;
}

export function formatJourneyIssues(issues: readonly JourneyIssue[]): string {
  return formatDefinitionIssues(issues);
}

export { formatPath } from '../shared/definition-parsing.ts';
