import { z } from 'zod';
import { identifierSchema } from '../journeys/field-schema.ts';
import type { DeepReadonly } from '../journeys/journey-schema.ts';
import {
  type DefinitionIssue,
  decodeDefinitionText,
  describeIssue,
  toDefinitionIssues,
} from '../shared/definition-parsing.ts';
import { segmentRuleSchema } from './rule-schema.ts';

/** A segment definition as data: the one schema the API, console and CLI share. */
export const segmentSchema = z.strictObject({
  id: identifierSchema,
  name: z.string().min(1, { error: 'must not be empty' }),
  description: z.string().optional(),
  rule: segmentRuleSchema,
});

export type SegmentDefinition = DeepReadonly<z.output<typeof segmentSchema>>;

export type SegmentParseResult =
  | { readonly ok: true; readonly segment: SegmentDefinition }
  | { readonly ok: false; readonly issues: readonly DefinitionIssue[] };

/** Validates a definition already decoded from JSON or YAML. */
export function parseSegment(value: unknown): SegmentParseResult {
  const result = segmentSchema.safeParse(value, { error: describeIssue });
  if (!result.success) return { ok: false, issues: result.error.issues.flatMap(toDefinitionIssues) };
  return { ok: true, segment: result.data };
}

/** Reads JSON or YAML text, as `parseJourneyText` does; format problems with `formatDefinitionIssues`. */
export function parseSegmentText(text: string): SegmentParseResult {
  const decoded = decodeDefinitionText(text);
  return decoded.ok ? parseSegment(decoded.value) : decoded;
}
