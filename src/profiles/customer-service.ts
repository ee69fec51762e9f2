import type { Clock } from '../shared/clock.ts';
import { GodwitError, invalidInput, notFound } from '../shared/errors.ts';
import type {
  ConsentEntry,
  CustomerExport,
  IdentityKind,
  IdentityRecord,
  ProfileRecord,
  Store,
} from '../storage/store.ts';
import { customerTimeline, type MergedTimelinePage } from './customer-timeline.ts';
import { lookupForms } from './identifiers.ts';

export interface CustomerView {
  profile: ProfileRecord;
  identities: IdentityRecord[];
  timeline: MergedTimelinePage;
}

export type ConsentListener = (change: { workspaceId: string; customerId: string; channel: string }) => Promise<void>;

const identityKinds: readonly IdentityKind[] = ['user_id', 'anonymous_id', 'email', 'phone'];

/** Reads and administers profiles: lookup by any identifier, timeline, consent, export and erasure. */
export class CustomerService {
  private readonly consentListeners: ConsentListener[] = [];

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly defaultCountry?: string,
  ) {}

  /**
   * Finds a customer by Godwit id or by any identifier (userId, anonymousId, email, phone).
   * `by` restricts the lookup to one kind when a value could be ambiguous.
   */
  async resolveId(workspaceId: string, idOrIdentifier: string, by?: string): Promise<string> {
    if (by !== undefined && by !== 'id' && !identityKinds.includes(by as IdentityKind)) {
      throw invalidInput(`by must be one of id, ${identityKinds.join(', ')}`);
    }
    if (by === undefined || by === 'id') {
      const profile = await this.store.getProfile(workspaceId, idOrIdentifier);
      if (profile) return profile.id;
      if (by === 'id') throw notFound(`no customer with id ${idOrIdentifier}`);
    }
    const matches = await this.store.findIdentities(workspaceId, lookupForms(idOrIdentifier, this.defaultCountry));
    const ranked = identityKinds
      .filter((kind) => by === undefined || kind === by)
      .map((kind) => matches.find((m) => m.kind === kind))
      .find((m) => m !== undefined);
    if (!ranked) throw notFound(`no customer with id or identifier ${idOrIdentifier}`);
    return ranked.customerId;
  }

  async view(workspaceId: string, customerId: string, page: { limit: number; before?: string }): Promise<CustomerView> {
    const profile = await this.store.getProfile(workspaceId, customerId);
    if (!profile) throw notFound(`no customer with id ${customerId}`);
    const identities = await this.store.identitiesOf(workspaceId, customerId);
    const timeline = await customerTimeline(this.store, { workspaceId, customerId, ...page });
    return { profile, identities, timeline };
  }

  /** Consent changes bypass the event log, so stages that read consent (segments) subscribe here. */
  onConsentChanged(listener: ConsentListener): void {
    this.consentListeners.push(listener);
  }

  async setConsent(
    workspaceId: string,
    customerId: string,
    change: { channel: string; topic: string; status: ConsentEntry['status']; source: string },
  ): Promise<ProfileRecord['consent']> {
    const entry = { status: change.status, at: this.clock.now(), source: change.source };
    return this.changeConsent(workspaceId, customerId, change, () => entry);
  }

  /**
   * Replaces one channel and topic's entry with what `next` makes of the current one (undefined
   * removes it: no choice recorded), and tells the listeners.
   */
  async changeConsent(
    workspaceId: string,
    customerId: string,
    where: { channel: string; topic: string },
    next: (current: ConsentEntry | undefined, now: number) => ConsentEntry | undefined,
  ): Promise<ProfileRecord['consent']> {
    const profile = await this.store.getProfile(workspaceId, customerId);
    if (!profile) throw notFound(`no customer with id ${customerId}`);
    const consent = profile.consent;
    const topics = { ...consent[where.channel] };
    const entry = next(topics[where.topic], this.clock.now());
    if (entry) topics[where.topic] = entry;
    else delete topics[where.topic];
    consent[where.channel] = topics;
    await this.store.setConsent(workspaceId, customerId, consent);
    for (const listener of this.consentListeners) await listener({ workspaceId, customerId, channel: where.channel });
    return consent;
  }

  async export(workspaceId: string, customerId: string): Promise<CustomerExport & { exportedAt: string }> {
    const data = await this.store.exportCustomer(workspaceId, customerId);
    if (!data) throw notFound(`no customer with id ${customerId}`);
    return { exportedAt: new Date(this.clock.now()).toISOString(), ...data };
  }

  async erase(workspaceId: string, customerId: string): Promise<void> {
    if (!(await this.store.deleteCustomer(workspaceId, customerId))) {
      throw new GodwitError('not_found', `no customer with id ${customerId}`);
    }
  }
}
