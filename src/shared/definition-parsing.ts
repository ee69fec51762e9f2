import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

/**
 * What journeys and segments share when they read a definition written by a person: JSON or YAML
 * text in, and problems out at a path the person can find (`nodes.wait_1.duration`).
 */

/** One problem, at a path a person can find: `rule.all[1].within`. */
export interface DefinitionIssue {
  readonly path: string;
  readonly message: string;
}

export type DecodedText = { readonly ok: true; readonly value: unknown } | DefinitionFailure;
export type DefinitionFailure = { readonly ok: false; readonly issues: readonly DefinitionIssue[] };

/** Reads JSON or YAML text (YAML 1.2, so `on:` and `09:00` stay strings). JSON is detected by its `{`. */
export function decodeDefinitionText(text: string): DecodedText {
  if (text.trimStart().startsWith('{')) {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (error) {
      return failure(`not valid JSON: ${(error as Error).message}`);
    }
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter });
  const [first] = document.errors;
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    return failure(`not valid YAML: line ${line}, column ${col}: ${first.message}`);
  }
  return { ok: true, value: document.toJS() };
}

export function formatDefinitionIssues(issues: readonly DefinitionIssue[]): string {
  return issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
}

const EXPECTED: Readonly<Record<string, string>> = {
  object: 'an object',
  record: 'an object',
  array: 'a list',
  string: 'text',
};

/** A zod error map: "is required" and "must be a list" (or "text or a number" for a union) instead of zod's type jargon. */
export function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type' && issue.code !== 'invalid_union') return undefined;
  if (issue.input === undefined) return 'is required';
  const expected =
    issue.code === 'invalid_type'
      ? [issue.expected]
      : issue.errors.flat().flatMap((i) => (i.code === 'invalid_type' && i.path.length === 0 ? [i.expected] : []));
  if (expected.length === 0) return undefined;
  return `must be ${[...new Set(expected)].map((e) => EXPECTED[e] ?? `a ${e}`).join(' or ')}`;
}

/** One zod issue as issues a person can act on: each unknown key gets its own line. */
export function toDefinitionIssues(issue: z.core.$ZodIssue): DefinitionIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'is not a known field' }));
  }
  if (issue.code === 'invalid_key') {
    return [{ path: formatPath(issue.path), message: `is not a valid id: ${issue.issues[0]?.message ?? 'invalid'}` }];
  }
  return [{ path: formatPath(issue.path), message: issue.message }];
}

function failure(message: string): DefinitionFailure {
  return { ok: false, issues: [{ path: '', message }] };
}
