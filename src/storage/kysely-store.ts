import type { Kysely, RawBuilder, Transaction } from 'kysely';
import type { AccountStore } from './account-store.ts';
import type { ChannelStore } from './channel-store.ts';
import { chunk } from './chunk.ts';
import { heldPosition } from './cursor-lease.ts';
import { CUSTOMER_OWNED_TABLES } from './customer-owned-tables.ts';
import { searchCustomers } from './customer-search.ts';
import type { DecisionStore } from './decision-store.ts';
import type { DeliveryStore } from './delivery-store.ts';
import type { JourneyStore } from './journey-store.ts';
import { KyselyAccountStore, userFromRow } from './kysely-account-store.ts';
import { KyselyChannelStore } from './kysely-channel-store.ts';
import { KyselyDecisionStore } from './kysely-decision-store.ts';
import { KyselyDeliveryStore, type KyselyDeliveryStoreOptions } from './kysely-delivery-store.ts';
import { KyselyJourneyStore, type KyselyJourneyStoreOptions } from './kysely-journey-store.ts';
import { KyselyOverviewStore } from './kysely-overview-store.ts';
import { KyselySegmentStore } from './kysely-segment-store.ts';
import { KyselySubscriptionGroupStore } from './kysely-subscription-group-store.ts';
import { KyselySuppressionStore } from './kysely-suppression-store.ts';
import { KyselyTemplateStore } from './kysely-template-store.ts';
import { LeaseLostError } from './lease-lost-error.ts';
import type { NamedLocks } from './named-locks.ts';
import type { OverviewStore } from './overview-store.ts';
import {
  auditFromRow,
  auditToRow,
  decodeTimelineCursor,
  encodeTimelineCursor,
  eventFromRow,
  identityFromRow,
  profileFromRow,
  profileToRow,
} from './rows.ts';
import type { Database } from './schema.ts';
import type { SegmentStore } from './segment-store.ts';
import type {
  CustomerExport,
  CustomerSearch,
  IdentityRecord,
  KeyRecord,
  NewEvent,
  ProfileRecord,
  ResolutionChange,
  Store,
  StoredEvent,
  TimelinePage,
  UserRecord,
} from './store.ts';
import type { SubscriptionGroupStore } from './subscription-group-store.ts';
import type { SuppressionStore } from './suppression-store.ts';
import type { TemplateStore } from './template-store.ts';

/**
 * The store written once over Kysely for every dialect. Adapters supply only what must
 * differ: connection set-up, the bulk paths tuned to their driver, and JSON field access.
 */
export abstract class KyselyStore implements Store {
  abstract readonly dialect: 'sqlite' | 'postgres';
  abstract readonly writeConcurrency: number;
  abstract readonly locks: NamedLocks;

  readonly journeys: JourneyStore;
  readonly segments: SegmentStore;
  readonly templates: TemplateStore;
  readonly delivery: DeliveryStore;
  readonly channels: ChannelStore;
  readonly accounts: AccountStore;
  readonly overview: OverviewStore;
  readonly suppressions: SuppressionStore;
  readonly decisions: DecisionStore;
  readonly subscriptionGroups: SubscriptionGroupStore;

  constructor(
    protected readonly db: Kysely<Database>,
    journeyOptions: KyselyJourneyStoreOptions = {},
    deliveryOptions: KyselyDeliveryStoreOptions = {},
  ) {
    this.journeys = new KyselyJourneyStore(db, journeyOptions);
    this.segments = new KyselySegmentStore(db, journeyOptions);
    this.templates = new KyselyTemplateStore(db);
    this.delivery = new KyselyDeliveryStore(db, { lockEventLog: journeyOptions.lockEventLog, ...deliveryOptions });
    this.channels = new KyselyChannelStore(db);
    this.accounts = new KyselyAccountStore(db);
    this.overview = new KyselyOverviewStore(db);
    this.suppressions = new KyselySuppressionStore(db);
    this.decisions = new KyselyDecisionStore(db);
    this.subscriptionGroups = new KyselySubscriptionGroupStore(db);
  }

  abstract migrate(): Promise<string[]>;
  abstract close(): Promise<void>;
  abstract appendEvents(events: readonly NewEvent[]): Promise<number>;
  /** Sets customer_id on many events inside an open transaction. */
  protected abstract assignEvents(trx: Transaction<Database>, pairs: ResolutionChange['assignEvents']): Promise<void>;
  // The dialect's trait SQL, for customer search (TraitSql in customer-search.ts says what each writes).
  protected abstract traitText(name: string): RawBuilder<string | null>;
  protected abstract traitValueLike(pattern: string): RawBuilder<boolean>;
  protected abstract lowerCase(text: RawBuilder<string>, lowerText: string): RawBuilder<string>;

  async createWorkspace(workspace: { id: string; name: string; createdAt: number }): Promise<void> {
    await this.db
      .insertInto('workspaces')
      .values({ id: workspace.id, name: workspace.name, created_at: workspace.createdAt })
      .execute();
  }

  async listWorkspaces(): Promise<{ id: string; name: string; createdAt: number }[]> {
    const rows = await this.db.selectFrom('workspaces').selectAll().orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: Number(r.created_at) }));
  }

  async insertKey(key: KeyRecord & { keyHash: string }): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({
        id: key.id,
        workspace_id: key.workspaceId,
        kind: key.kind,
        key_hash: key.keyHash,
        label: key.label,
        created_at: key.createdAt,
      })
      .execute();
  }

  async findKeyByHash(keyHash: string): Promise<KeyRecord | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      workspaceId: row.workspace_id,
      kind: row.kind as KeyRecord['kind'],
      label: row.label,
      createdAt: Number(row.created_at),
    };
  }

  async insertUser(user: UserRecord): Promise<void> {
    await this.db
      .insertInto('users')
      .values({
        id: user.id,
        workspace_id: user.workspaceId,
        email: user.email,
        password_hash: user.passwordHash,
        role: user.role,
        created_at: user.createdAt,
      })
      .execute();
  }

  async findUser(workspaceId: string, email: string): Promise<UserRecord | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('email', '=', email)
      .executeTakeFirst();
    return row && userFromRow(row);
  }

  async readEventsAfter(seq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(eventFromRow);
  }

  async lastEventSeq(): Promise<number> {
    const row = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  async countEvents(workspaceId: string): Promise<number> {
    const row = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async hasEvent(workspaceId: string, messageId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('events')
      .select('seq')
      .where('workspace_id', '=', workspaceId)
      .where('message_id', '=', messageId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async findIdentities(workspaceId: string, values: readonly string[]): Promise<IdentityRecord[]> {
    const out: IdentityRecord[] = [];
    for (const part of chunk([...new Set(values)], 500)) {
      const rows = await this.db
        .selectFrom('identities')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('value', 'in', part)
        .execute();
      out.push(...rows.map(identityFromRow));
    }
    return out;
  }

  async loadProfiles(
    workspaceId: string,
    customerIds: readonly string[],
  ): Promise<{ profiles: ProfileRecord[]; identities: IdentityRecord[] }> {
    const profiles: ProfileRecord[] = [];
    const identities: IdentityRecord[] = [];
    for (const part of chunk([...new Set(customerIds)], 500)) {
      // By id alone: with the workspace in the WHERE clause SQLite's planner picks the
      // (workspace_id, created_at) index and scans every customer of the workspace per chunk.
      const rows = await this.db.selectFrom('customers').selectAll().where('id', 'in', part).execute();
      for (const row of rows) if (row.workspace_id === workspaceId) profiles.push(profileFromRow(row));
      const ids = await this.db.selectFrom('identities').selectAll().where('customer_id', 'in', part).execute();
      identities.push(...ids.map(identityFromRow));
    }
    return { profiles, identities };
  }

  async applyResolution(change: ResolutionChange): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const { workspaceId, from, into } of change.merges) {
        await trx
          .updateTable('identities')
          .set({ customer_id: into })
          .where('workspace_id', '=', workspaceId)
          .where('customer_id', '=', from)
          .execute();
        await trx.updateTable('events').set({ customer_id: into }).where('customer_id', '=', from).execute();
        await trx
          .updateTable('identity_audit')
          .set({ into_customer_id: into })
          .where('into_customer_id', '=', from)
          .execute();
        for (const table of CUSTOMER_OWNED_TABLES) {
          await trx.updateTable(table).set({ customer_id: into }).where('customer_id', '=', from).execute();
        }
        await trx.deleteFrom('customers').where('id', '=', from).execute();
      }
      for (const part of chunk(change.upsertProfiles, 200)) {
        await trx
          .insertInto('customers')
          .values(part.map(profileToRow))
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              traits: eb.ref('excluded.traits'),
              trait_times: eb.ref('excluded.trait_times'),
              consent: eb.ref('excluded.consent'),
              timezone: eb.ref('excluded.timezone'),
              locale: eb.ref('excluded.locale'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
      for (const part of chunk(change.upsertIdentities, 500)) {
        await trx
          .insertInto('identities')
          .values(
            part.map((i) => ({
              workspace_id: i.workspaceId,
              value: i.value,
              kind: i.kind,
              customer_id: i.customerId,
              created_at: i.createdAt,
            })),
          )
          .onConflict((oc) =>
            oc
              .columns(['workspace_id', 'value', 'kind'])
              .doUpdateSet((eb) => ({ customer_id: eb.ref('excluded.customer_id') })),
          )
          .execute();
      }
      for (const part of chunk(change.audit, 500)) {
        await trx.insertInto('identity_audit').values(part.map(auditToRow)).execute();
      }
      await this.assignEvents(trx, change.assignEvents);
      const moved = await trx
        .updateTable('cursors')
        .set({ position: change.cursor.position })
        .where('name', '=', change.cursor.name)
        .where('owner', '=', change.cursor.owner)
        .executeTakeFirst();
      // A processor whose lease has passed to another must not write: roll the whole batch back.
      if (Number(moved.numUpdatedRows) !== 1) throw new LeaseLostError(change.cursor.name);
    });
  }

  async getProfile(workspaceId: string, customerId: string): Promise<ProfileRecord | undefined> {
    const row = await this.db
      .selectFrom('customers')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', customerId)
      .executeTakeFirst();
    return row ? profileFromRow(row) : undefined;
  }

  async identitiesOf(workspaceId: string, customerId: string): Promise<IdentityRecord[]> {
    const rows = await this.db
      .selectFrom('identities')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', customerId)
      .orderBy('created_at')
      .execute();
    return rows.map(identityFromRow);
  }

  async timeline(options: {
    workspaceId: string;
    customerId: string;
    limit: number;
    before?: string;
  }): Promise<TimelinePage> {
    let query = this.db
      .selectFrom('events')
      .selectAll()
      .where('customer_id', '=', options.customerId)
      .where('workspace_id', '=', options.workspaceId);
    const cursor = options.before ? decodeTimelineCursor(options.before) : undefined;
    if (cursor) {
      query = query.where((eb) =>
        eb.or([
          eb('timestamp', '<', cursor.timestamp),
          eb.and([eb('timestamp', '=', cursor.timestamp), eb('seq', '<', cursor.seq)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('timestamp', 'desc')
      .orderBy('seq', 'desc')
      .limit(options.limit + 1)
      .execute();
    const events = rows.slice(0, options.limit).map(eventFromRow);
    const last = events[events.length - 1];
    return { events, next: rows.length > options.limit && last ? encodeTimelineCursor(last) : null };
  }

  searchCustomers(search: CustomerSearch): Promise<ProfileRecord[]> {
    const dialect = {
      traitText: (name: string) => this.traitText(name),
      traitValueLike: (pattern: string) => this.traitValueLike(pattern),
      lowerCase: (text: RawBuilder<string>, lowerText: string) => this.lowerCase(text, lowerText),
    };
    return searchCustomers(this.db, dialect, search);
  }

  async countCustomers(workspaceId: string): Promise<number> {
    const row = await this.db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async setConsent(workspaceId: string, customerId: string, consent: ProfileRecord['consent']): Promise<void> {
    await this.db
      .updateTable('customers')
      .set({ consent: JSON.stringify(consent), updated_at: Date.now() })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', customerId)
      .execute();
  }

  async exportCustomer(workspaceId: string, customerId: string): Promise<CustomerExport | undefined> {
    const profile = await this.getProfile(workspaceId, customerId);
    if (!profile) return undefined;
    const identities = await this.identitiesOf(workspaceId, customerId);
    const events = await this.db
      .selectFrom('events')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('timestamp')
      .orderBy('seq')
      .execute();
    const audit = await this.db
      .selectFrom('identity_audit')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where((eb) => eb.or([eb('into_customer_id', '=', customerId), eb('from_customer_id', '=', customerId)]))
      .execute();
    const runs = await this.journeys.listRuns({ workspaceId, customerId, limit: Number.MAX_SAFE_INTEGER });
    return {
      profile,
      identities,
      events: events.map(eventFromRow),
      audit: audit.map(auditFromRow),
      journeyRuns: await this.journeys.getRuns(runs.map((run) => run.runId)),
      messages: await this.journeys.listOutbox({ workspaceId, customerId, limit: Number.MAX_SAFE_INTEGER }),
    };
  }

  async deleteCustomer(workspaceId: string, customerId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // The identities' values, read back as they go, also find the customer's events by userId or anonymousId.
      const identities = await trx
        .deleteFrom('identities')
        .where('workspace_id', '=', workspaceId)
        .where('customer_id', '=', customerId)
        .returning('value')
        .execute();
      const values = identities.map((i) => i.value);
      await trx
        .deleteFrom('events')
        .where('workspace_id', '=', workspaceId)
        .where((eb) => {
          const own = [eb('customer_id', '=', customerId)];
          if (values.length > 0) own.push(eb('user_id', 'in', values), eb('anonymous_id', 'in', values));
          return eb.or(own);
        })
        .execute();
      await trx
        .deleteFrom('identity_audit')
        .where('workspace_id', '=', workspaceId)
        .where((eb) => eb.or([eb('into_customer_id', '=', customerId), eb('from_customer_id', '=', customerId)]))
        .execute();
      for (const table of CUSTOMER_OWNED_TABLES) {
        await trx
          .deleteFrom(table)
          .where('workspace_id', '=', workspaceId)
          .where('customer_id', '=', customerId)
          .execute();
      }
      const deleted = await trx
        .deleteFrom('customers')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', customerId)
        .executeTakeFirst();
      return Number(deleted.numDeletedRows) > 0;
    });
  }

  async acquireCursor(options: {
    name: string;
    owner: string;
    now: number;
    leaseMs: number;
  }): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('cursors')
      .select(['owner', 'lease_until', 'position'])
      .where('name', '=', options.name)
      .executeTakeFirst();
    const held = heldPosition(
      row && { owner: row.owner, leaseUntil: Number(row.lease_until), position: Number(row.position) },
      options,
    );
    if (held !== undefined) return held;
    await this.db
      .insertInto('cursors')
      .values({ name: options.name, position: 0, owner: null, lease_until: 0 })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const result = await this.db
      .updateTable('cursors')
      .set({ owner: options.owner, lease_until: options.now + options.leaseMs })
      .where('name', '=', options.name)
      .where((eb) =>
        eb.or([eb('owner', 'is', null), eb('owner', '=', options.owner), eb('lease_until', '<', options.now)]),
      )
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    return this.readCursor(options.name);
  }

  async releaseCursor(name: string, owner: string): Promise<void> {
    await this.db
      .updateTable('cursors')
      .set({ owner: null, lease_until: 0 })
      .where('name', '=', name)
      .where('owner', '=', owner)
      .execute();
  }

  async readCursor(name: string): Promise<number> {
    const row = await this.db.selectFrom('cursors').select('position').where('name', '=', name).executeTakeFirst();
    return Number(row?.position ?? 0);
  }
}
