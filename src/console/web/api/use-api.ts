import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from './client.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): void;
}

/** GETs `path` (again whenever it changes, or on reload); null skips the call. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: path !== null });
  const [version, setVersion] = useState(0);
  // A new request object on each reload, so the effect runs again for the same path.
  const request = useMemo(() => (path === null ? null : { path, version }), [path, version]);
  useEffect(() => {
    if (request === null) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api<T>(request.path).then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [request]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
