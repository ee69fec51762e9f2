import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
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
export interface JourneyIssue {
  readonly path: string;
  readonly message: string;
}

export type JourneyParseResult =
  | { readonly ok: true; readonly journey: JourneyDefinition }
  | { readonly ok: false; readonly issues: readonly JourneyIssue[] };

/** Validates a definition already decoded from JSON or YAML: fields first, then the graph. */
export function parseJourney(value: unknown): JourneyParseResult {
  const result = journeySchema.safeParse(value, { error: describeIssue });
  if (!result.success) return { ok: false, issues: result.error.issues.flatMap(toJourneyIssues) };
  const issues = checkJourneyGraph(result.data);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, journey: result.data };
}

/** Reads JSON or YAML text (YAML 1.2, so `on:` and `09:00` stay strings). JSON is detected by its `{`. */
export function parseJourneyText(text: string): JourneyParseResult {
  if (text.trimStart().startsWith('{')) {
    try {
      return parseJourney(JSON.parse(text));
    } catch (error) {
      return { ok: false, issues: [{ path: '', message: `not valid JSON: ${(error as Error).message}` }] };
    }
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter });
  const [first] = document.errors;
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    return {
      ok: false,
      issues: [{ path: '', message: `not valid YAML: line ${line}, column ${col}: ${first.message}` }],
    };
  }
  return parseJourney(document.toJS());
}

export function formatJourneyIssues(issues: readonly JourneyIssue[]): string {
  return issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
}

const EXPECTED: Readonly<Record<string, string>> = { object: 'an object', array: 'a list', string: 'text' };

function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'is required';
  return `must be ${EXPECTED[issue.expected] ?? `a ${issue.expected}`}`;
}

function toJourneyIssues(issue: z.core.$ZodIssue): JourneyIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'is not a known field' }));
  }
  if (issue.code === 'invalid_key') {
    return [{ path: formatPath(issue.path), message: `is not a valid id: ${issue.issues[0]?.message ?? 'invalid'}` }];
  }
  return [{ path: formatPath(issue.path), message: issue.message }];
}
