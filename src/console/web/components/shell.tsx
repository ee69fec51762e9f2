import type { ReactNode } from 'react';
import { api } from '../api/client.ts';
import type { ConsoleUser } from '../api/types.ts';
import type { MessageKey } from '../i18n/en.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { LanguageSelect } from './language-select.tsx';

const SECTIONS: { path: string; label: MessageKey }[] = [
  { path: '/', label: 'nav.overview' },
  { path: '/customers', label: 'nav.customers' },
  { path: '/journeys', label: 'nav.journeys' },
  { path: '/messages', label: 'nav.messages' },
  { path: '/settings', label: 'nav.settings' },
];

export function Shell(props: { user: ConsoleUser; onSignedOut(): void; children: ReactNode }) {
  const { t } = useI18n();
  const { path } = useLocation();
  const current = (section: string) => (section === '/' ? path === '/' : path.startsWith(section));
  const signOut = async () => {
    await api('/v1/session', { method: 'DELETE' }).catch(() => {});
    navigate('/', { replace: true });
    props.onSignedOut();
  };
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t('nav.skip')}
      </a>
      <header className="top">
        <span className="brand">Godwit</span>
        <nav aria-label={t('nav.label')}>
          {SECTIONS.map((s) => (
            <Link key={s.path} to={s.path} aria-current={current(s.path) ? 'page' : undefined}>
              {t(s.label)}
            </Link>
          ))}
        </nav>
        <div className="account">
          <LanguageSelect />
          <span className="muted">{props.user.email}</span>
          <button type="button" onClick={signOut}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      {props.children}
    </div>
  );
}
