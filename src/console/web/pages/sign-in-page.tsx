import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { ConsoleUser } from '../api/types.ts';
import { LanguageSelect } from '../components/language-select.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function SignInPage(props: { onSignedIn(user: ConsoleUser): void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string>();
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
      setError(e instanceof ApiError && e.status === 401 ? t('signIn.wrong') : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in" id="main">
      <form onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
        <h1>{t('signIn.title')}</h1>
        <label>
          {t('signIn.email')}
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          {t('signIn.password')}
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error && (
          <p id="sign-in-error" className="error" role="alert">
            {error}
          </p>
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
