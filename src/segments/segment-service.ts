import type { Clock } from '../shared/clock.ts';
import { GodwitError, notFound } from '../shared/errors.ts';
import type { MemberPage, SegmentRecord, SegmentStore } from '../storage/segment-store.ts';
import type { SegmentDefinition } from './segment-schema.ts';

/** A segment as the API shows it: its definition, size, and whether every customer is being re-evaluated. */
export interface SegmentView {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly definition: SegmentDefinition;
  readonly size: number;
  /** True while the runtime re-evaluates every customer after a save; the size is then still settling. */
  readonly evaluating: boolean;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The one place that changes segments; each change tells the runtime, which re-evaluates in the background. */
export class SegmentService {
  constructor(
    private readonly options: {
      segments: SegmentStore;
      clock: Clock;
      onChange?: () => void;
      /** Runs `remove` unless journeys use the segment (a 409): its deletion would leave them pointing at nothing. */
      deleteUnlessUsed?: (workspaceId: string, segmentId: string, remove: () => Promise<void>) => Promise<void>;
    },
  ) {}

  async create(workspaceId: string, definition: SegmentDefinition): Promise<SegmentView> {
    const { segments, clock } = this.options;
    if (await segments.getSegment(workspaceId, definition.id)) {
      throw new GodwitError('conflict', `segment ${definition.id} already exists; update it with PUT`);
    }
    return this.saved(await segments.saveSegment({ workspaceId, definition, now: clock.now() }));
  }

  async update(workspaceId: string, id: string, definition: SegmentDefinition): Promise<SegmentView> {
    const { segments, clock } = this.options;
    if (definition.id !== id) {
      throw new GodwitError('invalid_input', `id: is ${definition.id} in the body but ${id} in the path`);
    }
    if (!(await segments.getSegment(workspaceId, id))) throw notFound(`no segment with id ${id}`);
    return this.saved(await segments.saveSegment({ workspaceId, definition, now: clock.now() }));
  }

  async get(workspaceId: string, id: string): Promise<SegmentView> {
    const record = await this.options.segments.getSegment(workspaceId, id);
    if (!record) throw notFound(`no segment with id ${id}`);
    return this.view(record);
  }

  async list(workspaceId: string): Promise<SegmentView[]> {
    const records = await this.options.segments.listSegments(workspaceId);
    return Promise.all(records.map((record) => this.view(record)));
  }

  async members(workspaceId: string, id: string, page: { limit: number; after?: string }): Promise<MemberPage> {
    if (!(await this.options.segments.getSegment(workspaceId, id))) throw notFound(`no segment with id ${id}`);
    return this.options.segments.listMembers({ workspaceId, segmentId: id, ...page });
  }

  /** The segments a customer is in, with each segment's name and since when. */
  async segmentsOf(workspaceId: string, customerId: string): Promise<{ id: string; name: string; since: number }[]> {
    const memberships = await this.options.segments.membershipsOf(workspaceId, [customerId]);
    if (memberships.length === 0) return [];
    const names = new Map((await this.options.segments.listSegments(workspaceId)).map((s) => [s.id, s.name]));
    return memberships.map((m) => ({ id: m.segmentId, name: names.get(m.segmentId) ?? m.segmentId, since: m.since }));
  }

  /** Removes the segment with its memberships and timers; a 409 while a journey uses it. */
  async delete(workspaceId: string, id: string): Promise<void> {
    const { segments, deleteUnlessUsed = (_w, _s, remove) => remove() } = this.options;
    if (!(await segments.getSegment(workspaceId, id))) throw notFound(`no segment with id ${id}`);
    await deleteUnlessUsed(workspaceId, id, async () => {
      if (!(await segments.deleteSegment(workspaceId, id))) throw notFound(`no segment with id ${id}`);
    });
    this.options.onChange?.();
  }

  private async saved(record: SegmentRecord): Promise<SegmentView> {
    this.options.onChange?.();
    return this.view(record);
  }

  private async view(record: SegmentRecord): Promise<SegmentView> {
    return {
      id: record.id,
      name: record.name,
      description: record.definition.description ?? null,
      definition: record.definition,
      size: await this.options.segments.segmentSize(record.workspaceId, record.id),
      evaluating: record.backfillAfter !== null,
      version: record.version,
      createdAt: new Date(record.createdAt).toISOString(),
      updatedAt: new Date(record.updatedAt).toISOString(),
    };
  }
}
