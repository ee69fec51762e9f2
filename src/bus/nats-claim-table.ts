import type { KV } from 'nats';
import type { ClaimTable } from './bus-adapter.ts';
import { emptyGroupState, type GroupState } from './group-assignment.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Group records in a JetStream key-value bucket: one key per group, written with the bucket's
 * revision check (`create` when absent, `update` at the revision read), so a record changed by
 * another consumer in between is refused rather than overwritten.
 */
export class NatsClaimTable implements ClaimTable {
  constructor(private readonly kv: KV) {}

  async read(group: string): Promise<{ state: GroupState; version: number }> {
    const entry = await this.kv.get(group);
    if (entry?.operation !== 'PUT') return { state: emptyGroupState(), version: entry?.revision ?? 0 };
    return { state: JSON.parse(decoder.decode(entry.value)) as GroupState, version: entry.revision };
  }

  async write(group: string, state: GroupState, version: number): Promise<boolean> {
    const data = encoder.encode(JSON.stringify(state));
    try {
      if (version === 0) await this.kv.create(group, data);
      else await this.kv.update(group, data, version);
      return true;
    } catch (error) {
      if (isRevisionConflict(error)) return false;
      throw error;
    }
  }
}

/** JetStream answers a failed revision check with API error 10071 ("wrong last sequence"). */
function isRevisionConflict(error: unknown): boolean {
  const e = error as { api_error?: { err_code?: number }; message?: string };
  return e?.api_error?.err_code === 10071 || /wrong last sequence/i.test(e?.message ?? '');
}
