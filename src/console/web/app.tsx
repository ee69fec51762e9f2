import { Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { api, whenSignedOut } from './api/client.ts';
import type { ConsoleUser } from './api/types.ts';
import { ErrorBoundary } from './components/error-boundary.tsx';
import { Shell } from './components/shell.tsx';
import { I18nProvider, initialLocale, type Locale } from './i18n/i18n.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { preloadable } from './preloadable.tsx';
import { useLocation } from './router.tsx';

/** Each page is its own chunk; the one for the address being opened starts loading with the app, beside the session check. */
const pages = {
  overview: preloadable(() => import('./pages/overview-page.tsx')),
  customers: preloadable(() => import('./customers/customers-page.tsx')),
  customer: preloadable(() => import('./customers/customer-page.tsx')),
  journeys: preloadable(() => import('./journeys/journeys-page.tsx')),
  journey: preloadable(() => import('./journeys/journey-page.tsx')),
  messages: preloadable(() => import('./pages/messages-page.tsx')),
  settings: preloadable(() => import('./pages/settings-page.tsx')),
};
const OverviewPage = pages.overview.Component;
const CustomersPage = pages.customers.Component;
const CustomerPage = pages.customer.Component;
const JourneysPage = pages.journeys.Component;
const JourneyPage = pages.journey.Component;
const MessagesPage = pages.messages.Component;
const SettingsPage = pages.settings.Component;

function preloadPageAt(path: string): void {
  const [, section, id] = path.split('/');
  const key = section === 'customers' || section === 'journeys' ? (id ? section.slice(0, -1) : section) : section;
  void pages[(key || 'overview') as keyof typeof pages]?.preload().catch(() => {});
}
preloadPageAt(location.pathname);

function Page() {
  const { path } = useLocation();
  const [, section, id] = path.split('/').map(decodeURIComponent);
  // Moves focus to the new page's heading so screen readers announce it.
  const main = useRef<HTMLElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each page change
  useEffect(() => {
    main.current?.querySelector('h1')?.focus();
  }, [path]);
  let page = <OverviewPage />;
  if (section === 'customers') page = id ? <CustomerPage id={id} /> : <CustomersPage />;
  else if (section === 'journeys') page = id ? <JourneyPage id={id} /> : <JourneysPage />;
  else if (section === 'messages') page = <MessagesPage />;
  else if (section === 'settings') page = <SettingsPage />;
  return (
    <main ref={main} id="main">
      <ErrorBoundary resetKey={path}>
        <Suspense
          fallback={
            <p className="muted" role="status">
              …
            </p>
          }
        >
          {page}
        </Suspense>
      </ErrorBoundary>
    </main>
  );
}

export function App() {
  const [user, setUser] = useState<ConsoleUser | null | undefined>(undefined);
  const [locale, setLocaleState] = useState<Locale>(() => initialLocale(null));
  useEffect(() => {
    whenSignedOut(() => setUser(null));
    api<{ user: ConsoleUser }>('/v1/session').then(
      ({ user }) => {
        setUser(user);
        setLocaleState(initialLocale(user.locale));
      },
      () => setUser(null),
    );
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    api('/v1/session/locale', { method: 'PUT', body: { locale: next } }).catch(() => {});
  }, []);
  const signedIn = (next: ConsoleUser) => {
    setUser(next);
    setLocaleState(initialLocale(next.locale));
  };
  return (
    <I18nProvider locale={locale} setLocale={setLocale}>
      {user === undefined ? null : user === null ? (
        <SignInPage onSignedIn={signedIn} />
      ) : (
        <Shell user={user} onSignedOut={() => setUser(null)}>
          <Page />
        </Shell>
      )}
    </I18nProvider>
  );
}
