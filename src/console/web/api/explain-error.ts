import type { I18n } from '../i18n/i18n.tsx';
import { hasLabel, labelOf } from '../i18n/labels.ts';
import { ApiError } from './client.ts';

/** A failure as the admin reads it: a sentence in their language, and what the server said (in English) if it said anything. */
export interface ExplainedError {
  readonly summary: string;
  readonly detail?: string;
}

/** A failure the console finds itself, already in the admin's words; `detail` is the browser's own (English) text. */
export class ConsoleError extends Error {
  constructor(
    summary: string,
    readonly detail?: string,
  ) {
    super(summary);
  }
}

/**
 * An error code the console has a sentence for becomes that sentence, with the server's message as
 * detail (every problem, one per line, when it listed several). An unknown code, or an error that is
 * not the API's, keeps its own text: better in English than hidden.
 */
export function explainError(t: I18n['t'], error: unknown): ExplainedError {
  if (error instanceof ConsoleError)
    return error.detail ? { summary: error.message, detail: error.detail } : { summary: error.message };
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof ApiError) || !hasLabel('errors', error.code)) return { summary: message };
  const summary = labelOf(t, 'errors', error.code);
  // Status 0: the server never answered, so there are no words of its own to add.
  if (error.status === 0) return { summary };
  const details = error.details ?? [];
  const lines = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message));
  return { summary, detail: lines.length > 1 ? lines.join('\n') : message };
}
