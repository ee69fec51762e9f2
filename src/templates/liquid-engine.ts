import { Liquid, type LiquidError, type Template } from 'liquidjs';
import { registerLocaleFilters } from './locale-filters.ts';

/**
 * The two LiquidJS engines templates run on: one for text (subject, SMS, push…) and one for HTML,
 * which escapes every output unless it goes through `| raw`. Both are strict: a variable that is
 * not there and a filter that does not exist are errors, never an empty string.
 * `include`/`render`/`layout` find no files: templates are self-contained.
 */

/** The variables a template can read; anything else is a typo caught when the template is saved. */
export const TEMPLATE_ROOTS = ['customer', 'event', 'last_event', 'journey', 'data', 'message', 'links'] as const;

function engine(html: boolean): Liquid {
  const liquid = new Liquid({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    // `{% if customer.traits.vip %}` is how people test for a trait; only output is strict.
    lenientIf: true,
    outputEscape: html ? 'escape' : undefined,
    templates: {},
    cache: false,
  });
  registerLocaleFilters(liquid);
  return liquid;
}

const engines = { text: engine(false), html: engine(true) };

export type FieldKind = keyof typeof engines;

/** A problem in one template string: where it is, in words a template author can act on. */
export interface LiquidProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export type Parsed = { ok: true; template: Template[] } | { ok: false; problem: LiquidProblem };

export function parseLiquid(source: string, kind: FieldKind): Parsed {
  try {
    return { ok: true, template: engines[kind].parse(source) };
  } catch (error) {
    return { ok: false, problem: problemOf(error) };
  }
}

/** The roots (`customer`, `data`…) a parsed template reads that are not template variables. */
export function unknownRoots(template: Template[], kind: FieldKind): string[] {
  const roots = engines[kind].globalVariablesSync(template);
  return roots.filter((root) => !(TEMPLATE_ROOTS as readonly string[]).includes(root));
}

export async function renderLiquid(
  template: Template[],
  kind: FieldKind,
  context: Record<string, unknown>,
): Promise<{ ok: true; text: string } | { ok: false; problem: LiquidProblem }> {
  try {
    return { ok: true, text: String(await engines[kind].render(template, context)) };
  } catch (error) {
    return { ok: false, problem: problemOf(error) };
  }
}

/** "undefined variable: a.b, line:2, col:4" → line 2, column 4, `undefined variable "a.b"`. */
function problemOf(error: unknown): LiquidProblem {
  if (!(error instanceof Error)) throw error;
  const position = (error as Partial<LiquidError>).token?.getPosition();
  const line = position?.[0] ?? 1;
  const column = position?.[1] ?? 1;
  const bare = error.message.replace(/, line:\d+, col:\d+$/, '');
  const message = bare
    .replace(/^undefined filter: (.+)$/, 'unknown filter "$1"')
    .replace(/^undefined variable: (.+)$/, 'undefined variable "$1"');
  return { line, column, message };
}
