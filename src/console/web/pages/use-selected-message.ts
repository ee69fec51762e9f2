import { useEffect, useRef } from 'react';
import { navigate, useLocation } from '../router.tsx';

const OPENS_MESSAGE = 'data-opens-message';

/** Marks a button that opens a message, so closing the message can return focus to it. */
export const opensMessage = (key: string) => ({ [OPENS_MESSAGE]: key });

/**
 * The message shown beside the list is in the URL (`?message=<key>`): a reload shows it again, and
 * back and forward open and close it. Each change is a history entry for that reason.
 */
export function useSelectedMessage() {
  const { path, search } = useLocation();
  const selected = search.get('message') ?? undefined;
  const show = (key: string | undefined) => {
    const next = new URLSearchParams(search);
    if (key === undefined) next.delete('message');
    else next.set('message', key);
    const query = next.toString();
    navigate(query ? `${path}?${query}` : path);
  };
  useFocusReturn(selected);
  return { selected, open: (key: string) => show(key), close: () => show(undefined) };
}

/**
 * When the message closes with focus inside it (Esc, Close, the back button), focus would fall to the
 * page's start: it goes back to the button that opened it, or to the heading if that one is not in view.
 */
function useFocusReturn(selected: string | undefined) {
  const previous = useRef(selected);
  useEffect(() => {
    const closed = previous.current;
    previous.current = selected;
    const focusLost = !document.activeElement || document.activeElement === document.body;
    if (closed === undefined || selected !== undefined || !focusLost) return;
    const opener = document.querySelector<HTMLElement>(`[${OPENS_MESSAGE}="${CSS.escape(closed)}"]`);
    (opener ?? document.querySelector<HTMLElement>('main h1'))?.focus();
  }, [selected]);
}
