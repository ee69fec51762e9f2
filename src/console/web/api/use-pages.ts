import { useCallback, useEffect, useState } from 'react';

export interface Page<T> {
  items: T[];
  /** The API's `next`: the `before` of the older page, null at the end. */
  next: string | null;
}

/**
 * A newest-first list that grows by older pages: `first` shows at once (and starts the list again
 * when it changes, as after a reload), `older(next)` fetches each following page.
 */
export function usePages<T>(first: Page<T>, older: (before: string) => Promise<Page<T>>) {
  const [list, setList] = useState(first);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  // By its parts, so a caller may build `first` afresh on each render.
  useEffect(() => setList({ items: first.items, next: first.next }), [first.items, first.next]);
  const loadMore = useCallback(async () => {
    if (!list.next || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const page = await older(list.next);
      setList((current) => ({ items: [...current.items, ...page.items], next: page.next }));
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  }, [list.next, busy, older]);
  return { items: list.items, hasMore: list.next !== null, busy, error, loadMore };
}
