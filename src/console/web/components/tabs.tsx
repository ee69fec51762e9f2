import { type KeyboardEvent, type ReactNode, useId, useRef } from 'react';
import { navigate, useLocation } from '../router.tsx';

/** WAI-ARIA tabs (arrow keys move between them); the chosen tab is in the URL (`?tab=`), so it survives a reload. */
export function Tabs(props: { label: string; tabs: { id: string; label: string; render(): ReactNode }[] }) {
  const { path, search } = useLocation();
  const base = useId();
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const selected = props.tabs.find((tab) => tab.id === search.get('tab')) ?? props.tabs[0];
  const select = (id: string) => {
    const next = new URLSearchParams(search);
    next.set('tab', id);
    navigate(`${path}?${next}`, { replace: true });
  };
  const onKey = (event: KeyboardEvent, index: number) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const next = (index + step + props.tabs.length) % props.tabs.length;
    select(props.tabs[next]?.id ?? '');
    buttons.current[next]?.focus();
  };
  if (!selected) return null;
  return (
    <div className="tabs">
      <div role="tablist" aria-label={props.label}>
        {props.tabs.map((tab, i) => (
          <button
            key={tab.id}
            ref={(el) => {
              buttons.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`${base}-${tab.id}`}
            aria-selected={tab === selected}
            aria-controls={`${base}-panel`}
            tabIndex={tab === selected ? 0 : -1}
            onClick={() => select(tab.id)}
            onKeyDown={(e) => onKey(e, i)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-${selected.id}`}>
        {selected.render()}
      </div>
    </div>
  );
}
