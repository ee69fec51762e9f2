import { en, type MessageKey } from './en.ts';
import type { I18n } from './i18n.tsx';

/** A message status or channel in the admin's language; a value the console has no word for stays as the API wrote it. */
export function labelOf(t: I18n['t'], kind: 'messageStatus' | 'channel', value: string): string {
  const key = `${kind}.${value}`;
  return key in en ? t(key as MessageKey) : value;
}
