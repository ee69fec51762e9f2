import { useEffect, useRef } from 'react';
import type { MessageDetail } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { DecisionView } from '../components/decision-explanation.tsx';
import { earlierDecisionsOf, isDecisionExplanation } from '../components/decision-words.ts';
import { Await } from '../components/states.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { labelOf } from '../i18n/labels.ts';

/**
 * Remote content stays blocked in the preview: loading the open pixel would record an open that no
 * customer made, and links must not leave the console.
 */
const NO_REMOTE = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`;

/** One message as it was rendered; email HTML shows in a sandboxed frame (no scripts, no same-origin access). */
export function MessageDetailView(props: { messageKey: string; onClose(): void }) {
  const { t, dateTime } = useI18n();
  const loaded = useApi<{ message: MessageDetail }>(`/v1/messages/${encodeURIComponent(props.messageKey)}`);
  const panel = useRef<HTMLElement>(null);
  // Opening a message takes the keyboard there, so Tab reads it next rather than the rest of the list.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per message opened
  useEffect(() => {
    panel.current?.focus();
  }, [props.messageKey]);
  useCloseOnEscape(props.onClose);
  return (
    <aside ref={panel} className="detail-panel" aria-label={t('messages.detail')} tabIndex={-1}>
      <button type="button" onClick={props.onClose} className="close">
        {t('common.close')}
      </button>
      <Await loaded={loaded}>
        {({ message }) => {
          const content = message.content ?? {};
          const html = typeof content.html === 'string' ? content.html : undefined;
          const text = [content.subject, content.title, content.text ?? content.body]
            .filter((v) => typeof v === 'string')
            .join('\n\n');
          const { explanation, earlier } = (message.payload ?? {}) as { explanation?: unknown; earlier?: unknown };
          return (
            <>
              <h2>
                {message.channel ? labelOf(t, 'channel', message.channel) : '—'} ·{' '}
                {labelOf(t, 'messageStatus', message.status)}
              </h2>
              <p className="mono small">{message.key}</p>
              {/* Why it went, waits or was dropped: the engine's reasons in the admin's words, else its English summary. */}
              {(isDecisionExplanation(explanation) || typeof message.decision === 'string') && (
                <section aria-label={t('messages.decision')}>
                  <h3>{t('messages.decision')}</h3>
                  {isDecisionExplanation(explanation) ? (
                    <DecisionView decision={explanation} />
                  ) : (
                    <p lang="en">{String(message.decision)}</p>
                  )}
                </section>
              )}
              {/* A held message decided again: what was decided before, oldest first. */}
              {earlierDecisionsOf(earlier).length > 0 && (
                <section aria-label={t('messages.earlierDecisions')}>
                  <h3>{t('messages.earlierDecisions')}</h3>
                  <ol>
                    {earlierDecisionsOf(earlier).map((e) => (
                      <li key={e.decidedAt}>
                        <p className="small">{t('messages.decidedAt', { time: dateTime(Date.parse(e.decidedAt)) })}</p>
                        {isDecisionExplanation(e.explanation) ? (
                          <DecisionView decision={e.explanation} />
                        ) : (
                          <p lang="en">{String(e.decision)}</p>
                        )}
                      </li>
                    ))}
                  </ol>
                </section>
              )}
              {html ? (
                <iframe title={t('messages.rendered')} sandbox="" srcDoc={NO_REMOTE + html} className="rendered" />
              ) : text ? (
                <pre>{text}</pre>
              ) : (
                <p className="muted">{t('messages.notRendered')}</p>
              )}
              <h3>{t('messages.events')}</h3>
              <ol>
                {message.events.map((e) => (
                  <li key={e.id}>
                    {dateTime(e.at)} {e.kind}
                  </li>
                ))}
              </ol>
            </>
          );
        }}
      </Await>
    </aside>
  );
}

/** Esc closes the panel wherever focus is on the page (a key pressed inside the sandboxed frame never reaches it). */
function useCloseOnEscape(onClose: () => void) {
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) close.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
