import type { AuditRecord, IdentityRecord, ProfileRecord, ResolutionChange } from '../storage/store.ts';
import { type IdentityKey, identifiersOf } from './identifiers.ts';
import { isPlaceholder } from './placeholder-ids.ts';
import { applyEventTraits, mergeProfileInto } from './profile-merge.ts';

/** The parts of an event that identity resolution reads. */
export interface ResolvableEvent {
  seq: number;
  type: string;
  timestamp: number;
  userId: string | null;
  anonymousId: string | null;
  previousId?: string | null;
  traits?: Record<string, unknown>;
  context?: Record<string, unknown>;
}

export interface ResolutionInput {
  workspaceId: string;
  events: readonly ResolvableEvent[];
  /** Every profile that owns one of the events' identifiers, with all its identities. */
  profiles: readonly ProfileRecord[];
  identities: readonly IdentityRecord[];
}

export interface ResolutionContext {
  now: number;
  newId(): string;
  defaultCountry?: string;
}

export type ResolutionOutput = Omit<ResolutionChange, 'cursor'>;

const keyOf = (k: IdentityKey) => `${k.kind}\u0001${k.value}`;
const USER_PREFIX = 'user_id\u0001';

/**
 * Resolves a batch of events to profiles, pure and in memory. The rule that keeps merges safe:
 * a profile has at most one userId, and two profiles with different userIds are never merged;
 * an identifier that would join them stays where it is and the refusal is audited.
 */
export function resolveIdentities(input: ResolutionInput, context: ResolutionContext): ResolutionOutput {
  const state = new ResolutionState(input, context);
  for (const event of input.events) state.resolve(event);
  return state.output();
}

class ResolutionState {
  private readonly profiles = new Map<string, ProfileRecord>();
  private readonly owner = new Map<string, string>();
  private readonly keysOf = new Map<string, Set<string>>();
  private readonly dirty = new Set<string>();
  private readonly touchedKeys = new Set<string>();
  private readonly mergedInto = new Map<string, string>();
  private readonly merges: ResolutionChange['merges'] = [];
  private readonly audit: AuditRecord[] = [];
  private readonly assignments: { seq: number; customerId: string }[] = [];

  constructor(
    private readonly input: ResolutionInput,
    private readonly context: ResolutionContext,
  ) {
    for (const profile of input.profiles) {
      this.profiles.set(profile.id, editableCopy(profile));
      this.keysOf.set(profile.id, new Set());
    }
    for (const identity of input.identities) this.link(keyOf(identity), identity.customerId);
  }

  resolve(event: ResolvableEvent): void {
    const keys = this.keysFor(event).map(keyOf);
    if (keys.length === 0) return; // only placeholder ids: stored, but linked to nobody
    const owners = [...new Set(keys.map((k) => this.owner.get(k)).filter((o): o is string => o !== undefined))];
    const anchor = isPlaceholder(event.userId)
      ? owners.map((o) => this.userIdOf(o)).find((u) => u !== undefined)
      : String(event.userId);
    const compatible = owners.filter((o) => [undefined, anchor].includes(this.userIdOf(o)));
    const primary =
      compatible.find((o) => anchor !== undefined && this.userIdOf(o) === anchor) ??
      this.oldest(compatible) ??
      this.createProfile(event.timestamp);

    for (const other of compatible) {
      if (other !== primary) this.merge(other, primary);
    }
    for (const other of owners) {
      if (!compatible.includes(other)) this.refuse(other, primary);
    }
    for (const key of keys) {
      if (!this.owner.has(key)) this.attach(key, primary);
    }
    const profile = this.profiles.get(primary) as ProfileRecord;
    if (applyEventTraits(profile, event)) this.touch(primary);
    this.assignments.push({ seq: event.seq, customerId: primary });
  }

  output(): ResolutionOutput {
    const final = (id: string) => {
      let current = id;
      for (let next = this.mergedInto.get(current); next; next = this.mergedInto.get(current)) current = next;
      return current;
    };
    return {
      upsertProfiles: [...this.dirty].map((id) => this.profiles.get(id) as ProfileRecord),
      merges: this.merges,
      upsertIdentities: [...this.touchedKeys].map((key) => {
        const [kind, value] = key.split('\u0001') as [IdentityRecord['kind'], string];
        const customerId = final(this.owner.get(key) as string);
        return { workspaceId: this.input.workspaceId, kind, value, customerId, createdAt: this.context.now };
      }),
      assignEvents: this.assignments.map((a) => ({ seq: a.seq, customerId: final(a.customerId) })),
      audit: this.audit.map((a) => ({ ...a, intoCustomerId: final(a.intoCustomerId) })),
    };
  }

  private keysFor(event: ResolvableEvent): IdentityKey[] {
    const keys = identifiersOf(
      {
        userId: event.userId,
        anonymousId: event.anonymousId,
        traits: event.type === 'identify' ? event.traits : undefined,
      },
      this.context.defaultCountry,
    );
    if (event.type === 'alias' && !isPlaceholder(event.previousId)) {
      // previousId is an earlier userId or an anonymousId; link it in whichever role it is known.
      const value = String(event.previousId);
      const asUser = this.owner.has(keyOf({ kind: 'user_id', value }));
      keys.push({ kind: asUser ? 'user_id' : 'anonymous_id', value });
    }
    return keys;
  }

  private userIdOf(customerId: string): string | undefined {
    for (const key of this.keysOf.get(customerId) ?? []) {
      if (key.startsWith(USER_PREFIX)) return key.slice(USER_PREFIX.length);
    }
    return undefined;
  }

  private oldest(ids: string[]): string | undefined {
    return ids.sort((a, b) => (this.profiles.get(a)?.createdAt ?? 0) - (this.profiles.get(b)?.createdAt ?? 0))[0];
  }

  private createProfile(at: number): string {
    const id = this.context.newId();
    this.profiles.set(id, {
      id,
      workspaceId: this.input.workspaceId,
      traits: {},
      traitTimes: {},
      consent: {},
      timezone: null,
      locale: null,
      createdAt: Math.min(at, this.context.now),
      updatedAt: this.context.now,
    });
    this.keysOf.set(id, new Set());
    this.touch(id);
    return id;
  }

  private link(key: string, customerId: string): void {
    this.owner.set(key, customerId);
    if (!this.keysOf.has(customerId)) this.keysOf.set(customerId, new Set());
    this.keysOf.get(customerId)?.add(key);
  }

  private attach(key: string, customerId: string): void {
    this.link(key, customerId);
    this.touchedKeys.add(key);
  }

  private touch(customerId: string): void {
    const profile = this.profiles.get(customerId);
    if (profile) profile.updatedAt = this.context.now;
    this.dirty.add(customerId);
  }

  private merge(from: string, into: string): void {
    const source = this.profiles.get(from) as ProfileRecord;
    mergeProfileInto(this.profiles.get(into) as ProfileRecord, source);
    for (const key of this.keysOf.get(from) ?? []) this.link(key, into);
    this.keysOf.delete(from);
    this.profiles.delete(from);
    this.dirty.delete(from);
    this.touch(into);
    this.mergedInto.set(from, into);
    this.merges.push({ workspaceId: this.input.workspaceId, from, into });
    this.record('merge', from, into, 'an event linked identifiers of both profiles');
  }

  private refuse(other: string, primary: string): void {
    this.record('refused_merge', other, primary, 'both profiles have a userId and they differ');
  }

  private record(action: AuditRecord['action'], from: string, into: string, reason: string): void {
    this.audit.push({
      id: this.context.newId(),
      workspaceId: this.input.workspaceId,
      action,
      fromCustomerId: from,
      intoCustomerId: into,
      reason,
      createdAt: this.context.now,
    });
  }
}

/**
 * A copy resolution may change without touching its input: each object it writes into is copied
 * (a deep clone costs more than the rest of resolving an event). Trait values and consent
 * entries are only ever replaced, never changed in place, so they are shared.
 */
function editableCopy(profile: ProfileRecord): ProfileRecord {
  const consent: ProfileRecord['consent'] = {};
  for (const [channel, topics] of Object.entries(profile.consent)) consent[channel] = { ...topics };
  return { ...profile, traits: { ...profile.traits }, traitTimes: { ...profile.traitTimes }, consent };
}
