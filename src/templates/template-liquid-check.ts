import type { DefinitionIssue } from '../shared/definition-parsing.ts';
import { type FieldKind, parseLiquid, TEMPLATE_ROOTS, unknownRoots } from './liquid-engine.ts';
import type { TemplateDefinition } from './template-schema.ts';

/**
 * Save-time checks of every Liquid string of a template, in the default channels and in each
 * locale: syntax, filters that exist, and variables under the roots templates can read.
 * `channels.email.subject: line 1, column 4: unknown filter "titlecase"`.
 */

export interface LiquidField {
  readonly path: string;
  readonly source: string;
  readonly kind: FieldKind;
}

/** Every Liquid string of a template with its path; HTML bodies escape their output. */
export function liquidFields(template: TemplateDefinition): LiquidField[] {
  const fields: LiquidField[] = [];
  const walk = (value: unknown, path: string, kind: FieldKind) => {
    if (typeof value === 'string') fields.push({ path, source: value, kind });
    else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) walk(item, `${path}[${i}]`, kind);
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        walk(item, `${path}.${key}`, path.endsWith('.email') && key === 'html' ? 'html' : kind);
      }
    }
  };
  walk(template.channels, 'channels', 'text');
  for (const [locale, overrides] of Object.entries(template.locales)) walk(overrides, `locales.${locale}`, 'text');
  return fields;
}

export function checkTemplateLiquid(template: TemplateDefinition): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  for (const field of liquidFields(template)) {
    const parsed = parseLiquid(field.source, field.kind);
    if (!parsed.ok) {
      const { line, column, message } = parsed.problem;
      issues.push({ path: field.path, message: `line ${line}, column ${column}: ${message}` });
      continue;
    }
    const unknown = unknownRoots(parsed.template, field.kind);
    if (unknown.length > 0) {
      const names = unknown.map((name) => `"${name}"`).join(', ');
      issues.push({
        path: field.path,
        message: `unknown variable ${names}: templates read ${TEMPLATE_ROOTS.join(', ')}`,
      });
    }
  }
  return issues;
}
