import type { DecisionStore } from '../../storage/decision-store.ts';
import {
  DEFAULT_POLICY,
  type Policy,
  type PolicyRequirements,
  parseStoredPolicy,
  policyRequirements,
} from '../policy-schema.ts';

/**
 * Each workspace's policy as the runtime uses it, read from the store at most every `ttlMs`
 * (a PUT on this thread takes effect at once; on another thread, such as `godwit start`'s journey thread, or
 * another process, within the ttl). A workspace
 * that never applied one gets `DEFAULT_POLICY`.
 */

export interface LoadedPolicy {
  readonly policy: Policy;
  readonly requirements: PolicyRequirements;
  /** The stored policy's time, or undefined for the default. */
  readonly updatedAt: number | undefined;
}

const DEFAULT_LOADED: LoadedPolicy = {
  policy: DEFAULT_POLICY,
  requirements: policyRequirements(DEFAULT_POLICY),
  updatedAt: undefined,
};

export class PolicyCache {
  private readonly loaded = new Map<string, { value: LoadedPolicy; at: number }>();

  constructor(
    private readonly store: DecisionStore,
    private readonly ttlMs = 5_000,
  ) {}

  async get(workspaceId: string, now: number): Promise<LoadedPolicy> {
    const held = this.loaded.get(workspaceId);
    if (held && now - held.at < this.ttlMs && now >= held.at) return held.value;
    const stored = await this.store.getPolicy(workspaceId);
    const parsed = stored ? parseStoredPolicy(stored.policy) : undefined;
    // Stored policies are read leniently (`parseStoredPolicy`); one that still fails (a field removed since) falls back to the default.
    const value: LoadedPolicy =
      parsed?.ok === true
        ? { policy: parsed.policy, requirements: policyRequirements(parsed.policy), updatedAt: stored?.updatedAt }
        : DEFAULT_LOADED;
    this.loaded.set(workspaceId, { value, at: now });
    return value;
  }

  invalidate(workspaceId: string): void {
    this.loaded.delete(workspaceId);
  }
}
