import type { SegmentRecord, SegmentStore } from '../../storage/segment-store.ts';
import { type SegmentDependencies, segmentDependencies } from '../segment-dependencies.ts';

/** A stored segment with what it reads, worked out once per load. */
export interface LoadedSegment {
  readonly record: SegmentRecord;
  readonly dependencies: SegmentDependencies;
}

/** How long a process trusts its list when no change was announced (another process may have made one). */
const TTL_MS = 5_000;

/**
 * The runtime's view of segment definitions, per workspace, reloaded on `invalidate()` and every
 * few seconds. The runtime updates backfill progress here as it commits it, so it never repeats a page.
 */
export class SegmentDefinitions {
  private byWorkspace = new Map<string, LoadedSegment[]>();
  private loadedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly store: SegmentStore) {}

  invalidate(): void {
    this.loadedAt = Number.NEGATIVE_INFINITY;
  }

  async refresh(now: number): Promise<void> {
    if (now - this.loadedAt < TTL_MS && now >= this.loadedAt) return;
    const byWorkspace = new Map<string, LoadedSegment[]>();
    for (const record of await this.store.allSegments()) {
      const loaded = { record, dependencies: segmentDependencies(record.definition) };
      byWorkspace.set(record.workspaceId, [...(byWorkspace.get(record.workspaceId) ?? []), loaded]);
    }
    this.byWorkspace = byWorkspace;
    this.loadedAt = now;
  }

  inWorkspace(workspaceId: string): readonly LoadedSegment[] {
    return this.byWorkspace.get(workspaceId) ?? [];
  }

  find(workspaceId: string, segmentId: string): LoadedSegment | undefined {
    return this.inWorkspace(workspaceId).find((s) => s.record.id === segmentId);
  }

  /** The first segment whose every-customer re-evaluation is unfinished. */
  nextBackfill(): LoadedSegment | undefined {
    for (const list of this.byWorkspace.values()) {
      const found = list.find((s) => s.record.backfillAfter !== null);
      if (found) return found;
    }
    return undefined;
  }

  /** Records committed backfill progress, unless the segment has been saved again since. */
  backfillMoved(segment: LoadedSegment, after: string | null): void {
    const current = this.find(segment.record.workspaceId, segment.record.id);
    if (current?.record.version === segment.record.version) current.record.backfillAfter = after;
  }
}
