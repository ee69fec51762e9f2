import type { Clock } from '../../shared/clock.ts';
import { formatDefinitionIssues } from '../../shared/definition-parsing.ts';
import { invalidInput } from '../../shared/errors.ts';
import type { Store } from '../../storage/store.ts';
import {
  DEFAULT_POLICY,
  type Policy,
  type PolicyParseResult,
  parsePolicy,
  parsePolicyText,
  parseStoredPolicy,
} from '../policy-schema.ts';
import { type HoldoutReport, type HoldoutReportQuery, holdoutReport } from './holdout-report.ts';
import { sendDecisionsFor } from './send-decisions.ts';

/** A workspace's communication policy: read it (the default until one is applied), replace it whole. */

export interface PolicyView {
  readonly policy: Policy;
  /** True while the workspace has not applied a policy of its own. */
  readonly default: boolean;
  readonly updatedAt: string | null;
}

export class PolicyService {
  constructor(private readonly deps: { store: Store; clock: Clock }) {}

  async get(workspaceId: string): Promise<PolicyView> {
    const stored = await this.deps.store.decisions.getPolicy(workspaceId);
    const parsed = stored ? parseStoredPolicy(stored.policy) : undefined;
    if (!stored || !parsed?.ok) return { policy: DEFAULT_POLICY, default: true, updatedAt: null };
    return { policy: parsed.policy, default: false, updatedAt: new Date(stored.updatedAt).toISOString() };
  }

  /**
   * Validates and stores `input` (an object, or JSON/YAML text). Decisions on this thread use it at once; the
   * journey thread of `godwit start` and other processes within their cache's 5 s (`policy-cache.ts`).
   */
  async put(workspaceId: string, input: unknown): Promise<PolicyView> {
    const parsed: PolicyParseResult = typeof input === 'string' ? parsePolicyText(input) : parsePolicy(input);
    if (!parsed.ok) {
      // The first problem in the message (a YAML syntax error has no path); every one in details, as
      // journeys, segments and templates give them.
      const first = parsed.issues.slice(0, 1);
      throw invalidInput(`invalid policy: ${formatDefinitionIssues(first) || 'unknown problem'}`, parsed.issues);
    }
    const updatedAt = this.deps.clock.now();
    await this.deps.store.decisions.putPolicy({ workspaceId, policy: parsed.policy, updatedAt });
    sendDecisionsFor(this.deps.store).policies.invalidate(workspaceId);
    return { policy: parsed.policy, default: false, updatedAt: new Date(updatedAt).toISOString() };
  }

  /** The lift of the policy's holdout on a conversion event; a 409 while the policy holds no one out. */
  async holdoutLift(workspaceId: string, query: HoldoutReportQuery): Promise<HoldoutReport> {
    const { policy } = await this.get(workspaceId);
    return holdoutReport(this.deps.store, workspaceId, policy, query);
  }
}
