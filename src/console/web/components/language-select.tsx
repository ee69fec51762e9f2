import { useId } from 'react';
import { LOCALES, type Locale, useI18n } from '../i18n/i18n.tsx';

export function LanguageSelect() {
  const { t, locale, setLocale } = useI18n();
  const id = useId();
  return (
    <span className="language">
      <label htmlFor={id}>{t('nav.language')}</label>
      <select id={id} value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l.locale} value={l.locale} lang={l.locale}>
            {l.name}
          </option>
        ))}
      </select>
    </span>
  );
}
