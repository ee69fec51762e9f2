import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { type Dictionary, en, type MessageKey } from './en.ts';
import { zhCN } from './zh-cn.ts';

/** Every label in English and Simplified Chinese; dates and numbers through Intl in the chosen locale. */

export type Locale = 'en' | 'zh-CN';
export const LOCALES: readonly { locale: Locale; name: string }[] = [
  { locale: 'en', name: 'English' },
  { locale: 'zh-CN', name: '简体中文' },
];
export const dictionaries: Record<Locale, Dictionary> = { en, 'zh-CN': zhCN };

/** The admin's saved choice, else the browser's language. */
export function initialLocale(saved: string | null | undefined): Locale {
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function translate(locale: Locale, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return dictionaries[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

export interface I18n {
  locale: Locale;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  number(value: number): string;
  percent(value: number): string;
  date(ms: number): string;
  dateTime(ms: number): string;
  /** Hours and minutes, for "as of" notes. */
  time(ms: number): string;
  /** "email, SMS, push" / "邮件、短信、推送". */
  list(items: readonly string[]): string;
  setLocale(locale: Locale): void;
}

const I18nContext = createContext<I18n | undefined>(undefined);

/** Words and Intl formats in one locale: what `useI18n()` gives a component (and tests, without React). */
export function createI18n(locale: Locale, setLocale: (locale: Locale) => void = () => {}): I18n {
  const numbers = new Intl.NumberFormat(locale);
  const percents = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const dateTimes = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  const times = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
  // Narrow: "SMS, WhatsApp, voice" and "短信、WhatsApp、语音", a list of what a rule covers rather than a sentence's "and".
  const lists = new Intl.ListFormat(locale, { type: 'conjunction', style: 'narrow' });
  return {
    locale,
    setLocale,
    t: (key, vars) => translate(locale, key, vars),
    number: (n) => numbers.format(n),
    percent: (n) => percents.format(n),
    date: (ms) => dates.format(ms),
    dateTime: (ms) => dateTimes.format(ms),
    time: (ms) => times.format(ms),
    list: (items) => lists.format(items),
  };
}

export function I18nProvider(props: { locale: Locale; setLocale(locale: Locale): void; children: ReactNode }) {
  const { locale, setLocale } = props;
  const value = useMemo(() => createI18n(locale, setLocale), [locale, setLocale]);
  return <I18nContext.Provider value={value}>{props.children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
