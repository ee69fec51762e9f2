import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { JourneyStats } from '../api/types.ts';

/** Counts refresh while the page is open, so the graph shows runs moving. */
const LIVE_REFRESH_MS = 5000;

export interface LiveStats {
  stats: JourneyStats | undefined;
  /** When the counts shown were fetched. */
  asOf: number | undefined;
  /** Why the last refresh failed; undefined once one succeeds again, so the counts are current. */
  error: unknown;
}

/** The journey's live counts, polled; a failed poll keeps the last counts and says they are getting old. */
export function useLiveStats(journeyPath: string): LiveStats {
  const [live, setLive] = useState<LiveStats>({ stats: undefined, asOf: undefined, error: undefined });
  useEffect(() => {
    let mounted = true;
    const refresh = () =>
      api<JourneyStats>(`${journeyPath}/stats`).then(
        (stats) => mounted && setLive({ stats, asOf: Date.now(), error: undefined }),
        (error: unknown) => mounted && setLive((last) => ({ ...last, error })),
      );
    refresh();
    const timer = setInterval(refresh, LIVE_REFRESH_MS);
    return () => {
      mounted = false;
      clearInterval(timer);
    };
  }, [journeyPath]);
  return live;
}
