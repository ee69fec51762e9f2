import { en, type MessageKey } from './en.ts';
import type { I18n } from './i18n.tsx';

/** The kinds of values the API returns that the dictionary has words for, each key being `${kind}.${value}`. */
export type LabelKind =
  | 'messageStatus'
  | 'channel'
  | 'nodeType'
  | 'branch'
  | 'timelineKind'
  | 'runOutcome'
  | 'simulationStatus'
  | 'role'
  | 'topic'
  | 'catalogName'
  | 'catalogDescription'
  | 'errors';

/** True when the dictionary has a word for `value`. */
export function hasLabel(kind: LabelKind, value: string): boolean {
  return Object.hasOwn(en, `${kind}.${value}`);
}

/**
 * A value of the API in the admin's language; one the console has no word for stays as `fallback`,
 * by default the value as the API wrote it (a channel the console does not know yet, a catalog
 * journey added to the server after this console was built).
 */
export function labelOf(t: I18n['t'], kind: LabelKind, value: string, fallback = value): string {
  return hasLabel(kind, value) ? t(`${kind}.${value}` as MessageKey) : fallback;
}
