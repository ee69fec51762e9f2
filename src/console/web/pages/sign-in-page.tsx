import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { ConsoleUser } from '../api/types.ts';
import { LanguageSelect } from '../components/language-select.tsx';
import { ErrorNote } from '../components/states.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function SignInPage(props: { onSignedIn(user: ConsoleUser): void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const { user } = await api<{ user: ConsoleUser }>('/v1/session', {
        method: 'POST',
        body: { email: form.get('email'), password: form.get('password') },
      });
      props.onSignedIn(user);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in" id="main">
      <form onSubmit={submit} aria-describedby={error === undefined ? undefined : 'sign-in-error'}>
        <h1>{t('signIn.title')}</h1>
        <label>
          {t('signIn.email')}
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          {t('signIn.password')}
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error !== undefined && (
          <div id="sign-in-error">
            {/* Here a 401 means the password, not a session that ended. */}
            {error instanceof ApiError && error.status === 401 ? (
              <p className="error" role="alert">
                {t('signIn.wrong')}
              </p>
            ) : (
              <ErrorNote error={error} />
            )}
          </div>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('signIn.busy') : t('signIn.submit')}
        </button>
        <p className="muted">{t('signIn.hint')}</p>
        <LanguageSelect />
      </form>
    </main>
  );
}
