import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from './client.ts';
import { type Loaded, useApi } from './use-api.ts';

export interface Page<T> {
  items: T[];
  /** The API's `next`: the `before` of the older page, null at the end. */
  next: string | null;
}

/**
 * A newest-first list that grows by older pages: `first` shows at once (and starts the list again
 * when it changes, as after a reload or a new filter), `older(next)` fetches each following page.
 * After a failure `loadMore()` waits to be asked `again` (a click), so a list that loads as it
 * scrolls does not retry in a loop.
 */
export function usePages<T>(first: Page<T>, older: (before: string) => Promise<Page<T>>) {
  const [list, setList] = useState(first);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  // Which list a page belongs to: one still on its way when the list starts again is dropped.
  const generation = useRef(0);
  // By its parts, so a caller may build `first` afresh on each render.
  useEffect(() => {
    generation.current += 1;
    setList({ items: first.items, next: first.next });
    setError(undefined);
    setBusy(false);
  }, [first.items, first.next]);
  const loadMore = useCallback(
    async (again = false) => {
      if (!list.next || busy || (error && !again)) return;
      const mine = generation.current;
      setBusy(true);
      setError(undefined);
      try {
        const page = await older(list.next);
        if (mine === generation.current) {
          setList((current) => ({ items: [...current.items, ...page.items], next: page.next }));
        }
      } catch (e) {
        if (mine === generation.current) setError(e as Error);
      } finally {
        if (mine === generation.current) setBusy(false);
      }
    },
    [list.next, busy, error, older],
  );
  return { items: list.items, hasMore: list.next !== null, busy, error, loadMore };
}

/**
 * A paged list of the API: its first page from `url` (items under `field`), and `older` for
 * usePages, which asks the same URL for what comes `before`.
 */
export function usePagedApi<T, K extends string>(url: string, field: K) {
  type Response = { [key in K]: T[] } & { next: string | null };
  const loaded = useApi<Response>(url);
  const first = useMemo(
    () => (loaded.data ? { items: loaded.data[field], next: loaded.data.next } : undefined),
    [loaded.data, field],
  );
  const older = useCallback(
    async (before: string): Promise<Page<T>> => {
      const page = await api<Response>(`${url}${url.includes('?') ? '&' : '?'}before=${encodeURIComponent(before)}`);
      return { items: page[field], next: page.next };
    },
    [url, field],
  );
  const list: Loaded<Page<T>> = { ...loaded, data: first };
  return { list, older };
}
