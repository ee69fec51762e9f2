/**
 * Which locale variant of a template a customer gets: the exact tag (zh-CN for zh-CN), else a
 * variant of the same language (zh-CN for zh or zh-Hans-CN, en for en-US), else the template's default.
 */

export interface LocaleChoice {
  readonly locale: string;
  readonly reason: 'exact' | 'language' | 'default';
}

export function chooseLocale(options: {
  readonly requested: string | null | undefined;
  readonly available: readonly string[];
  readonly defaultLocale: string;
}): LocaleChoice {
  const { available, defaultLocale } = options;
  const requested = canonicalLocale(options.requested);
  if (!requested) return { locale: defaultLocale, reason: 'default' };
  const exact = available.find((tag) => tag.toLowerCase() === requested.toLowerCase());
  if (exact) return { locale: exact, reason: 'exact' };
  const language = languageOf(requested);
  // The default first, so en-US picks `en` over another English variant only when the default is English.
  const sameLanguage = [defaultLocale, ...available].find((tag) => languageOf(tag) === language);
  if (sameLanguage) return { locale: sameLanguage, reason: 'language' };
  return { locale: defaultLocale, reason: 'default' };
}

/** `zh_CN` and `ZH-cn` as `zh-CN`; undefined for text that is no locale. */
export function canonicalLocale(tag: string | null | undefined): string | undefined {
  if (!tag) return undefined;
  try {
    return Intl.getCanonicalLocales(tag.trim().replace(/_/g, '-'))[0];
  } catch {
    return undefined;
  }
}

function languageOf(tag: string): string {
  return (tag.split('-')[0] ?? tag).toLowerCase();
}
