import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { TimelineEntry } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { entryView } from './timeline-entry.ts';

const ROW_HEIGHT = 52;

/** One timeline across channels, virtualised: only the rows in view exist in the page, so 10,000 entries scroll freely. */
export function Timeline(props: { entries: TimelineEntry[]; hasMore: boolean; loadMore(): void }) {
  const i18n = useI18n();
  const { t, dateTime, number } = i18n;
  const scroller = useRef<HTMLElement>(null);
  const virtualizer = useVirtualizer({
    count: props.entries.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1)?.index ?? 0;
  const { hasMore, loadMore, entries } = props;
  useEffect(() => {
    if (hasMore && last >= entries.length - 40) loadMore();
  }, [last, hasMore, loadMore, entries.length]);

  if (entries.length === 0) return <p className="muted">{t('customer.noTimeline')}</p>;
  return (
    <>
      <p className="muted" aria-live="polite">
        {t(hasMore ? 'customer.timelineCountMore' : 'customer.timelineCount', { count: number(entries.length) })}
      </p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus so the keyboard can scroll it */}
      <section ref={scroller} className="timeline" tabIndex={0} aria-label={t('customer.timeline')}>
        <ol style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const entry = entries[item.index] as TimelineEntry;
            const view = entryView(entry, i18n);
            return (
              <li
                key={String(entry.seq ?? item.index)}
                className={`entry ${view.kind}`}
                data-type={entry.type}
                aria-posinset={item.index + 1}
                aria-setsize={entries.length}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                <time>{view.at === undefined ? '' : dateTime(view.at)}</time>
                <span className={`badge ${view.kind}`}>{view.kindLabel}</span>
                <strong>{view.href ? <Link to={view.href}>{view.title}</Link> : view.title}</strong>
                <span className="detail" title={view.decision}>
                  {view.detail}
                  {view.decision && (
                    <>
                      {' — '}
                      <span lang={view.decisionInEnglish ? 'en' : undefined}>{view.decision}</span>
                    </>
                  )}
                </span>
              </li>
            );
          })}
        </ol>
      </section>
    </>
  );
}
