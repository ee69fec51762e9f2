import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { ChunkLoadError } from '../preloadable.tsx';
import { ErrorNote } from './states.tsx';

/** Why a page failed: a chunk that did not load offers a reload, anything else says what went wrong. */
export function PageFailure(props: { error: Error }) {
  if (props.error instanceof ChunkLoadError) return <ChunkFailure />;
  return <ErrorNote error={props.error} />;
}

/**
 * Asks Godwit whether it answers at all: if it does, the chunk is gone because the console was
 * updated; if not, Godwit is down. The reload button shows at once, the reason when it is known.
 */
function ChunkFailure() {
  const { t } = useI18n();
  const [answering, setAnswering] = useState<boolean>();
  useEffect(() => {
    let live = true;
    fetch('/healthz', { cache: 'no-store' }).then(
      (response) => live && setAnswering(response.ok),
      () => live && setAnswering(false),
    );
    return () => {
      live = false;
    };
  }, []);
  return (
    <div className="error" role="alert">
      {answering !== undefined && <p>{t(answering ? 'errors.consoleUpdated' : 'errors.pageUnreachable')}</p>}
      <button type="button" className="primary" onClick={() => location.reload()}>
        {t('errors.reload')}
      </button>
    </div>
  );
}
