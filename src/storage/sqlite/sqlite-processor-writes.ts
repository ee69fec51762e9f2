import type BetterSqlite3 from 'better-sqlite3';
import { type CursorLeaseRow, heldPosition } from '../cursor-lease.ts';
import { CUSTOMER_OWNED_TABLES } from '../customer-owned-tables.ts';
import { LeaseLostError } from '../lease-lost-error.ts';
import { profileToRow } from '../rows.ts';
import type { ResolutionChange } from '../store.ts';
import { writeTransaction } from './sqlite-connection.ts';

/**
 * The profile processor's writes on SQLite: its cursor lease and each ResolutionChange, with
 * prepared statements row by row (the statements KyselyStore builds, without compiling thousands
 * of parameters per batch). Synchronous, so the caller must hold the connection.
 *
 * Folding can always be redone from the event log, and the cursor moves in the same transaction
 * as the change, so these commits skip the fsync (synchronous=NORMAL, still atomic): a power cut
 * can only cost redoing the last batches. Event appends stay FULL, and each one syncs the log
 * with everything written before it.
 */
export class SqliteProcessorWrites {
  private readonly moveIdentities: BetterSqlite3.Statement;
  private readonly moveEvents: BetterSqlite3.Statement;
  private readonly moveAudit: BetterSqlite3.Statement;
  private readonly moveOwned: BetterSqlite3.Statement[];
  private readonly deleteCustomer: BetterSqlite3.Statement;
  private readonly upsertProfile: BetterSqlite3.Statement;
  private readonly upsertIdentity: BetterSqlite3.Statement;
  private readonly insertAudit: BetterSqlite3.Statement;
  private readonly assignEvent: BetterSqlite3.Statement;
  private readonly advanceCursor: BetterSqlite3.Statement;
  private readonly createCursor: BetterSqlite3.Statement;
  private readonly takeLease: BetterSqlite3.Statement;
  private readonly readLease: BetterSqlite3.Statement;
  private readonly apply: (change: ResolutionChange) => void;

  constructor(private readonly raw: BetterSqlite3.Database) {
    this.moveIdentities = raw.prepare(
      'update identities set customer_id = ? where workspace_id = ? and customer_id = ?',
    );
    this.moveEvents = raw.prepare('update events set customer_id = ? where customer_id = ?');
    this.moveAudit = raw.prepare('update identity_audit set into_customer_id = ? where into_customer_id = ?');
    this.moveOwned = CUSTOMER_OWNED_TABLES.map((table) =>
      raw.prepare(`update ${table} set customer_id = ? where customer_id = ?`),
    );
    this.deleteCustomer = raw.prepare('delete from customers where id = ?');
    this.upsertProfile = raw.prepare(
      `insert into customers (id, workspace_id, traits, trait_times, consent, timezone, locale, created_at, updated_at)
       values (@id, @workspace_id, @traits, @trait_times, @consent, @timezone, @locale, @created_at, @updated_at)
       on conflict (id) do update set traits = excluded.traits, trait_times = excluded.trait_times,
         consent = excluded.consent, timezone = excluded.timezone, locale = excluded.locale, updated_at = excluded.updated_at`,
    );
    this.upsertIdentity = raw.prepare(
      `insert into identities (workspace_id, value, kind, customer_id, created_at) values (?, ?, ?, ?, ?)
       on conflict (workspace_id, value, kind) do update set customer_id = excluded.customer_id`,
    );
    this.insertAudit = raw.prepare(
      `insert into identity_audit (id, workspace_id, action, from_customer_id, into_customer_id, reason, created_at)
       values (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.assignEvent = raw.prepare('update events set customer_id = ? where seq = ?');
    this.advanceCursor = raw.prepare('update cursors set position = ? where name = ? and owner = ?');
    this.createCursor = raw.prepare(
      `insert into cursors (name, position, owner, lease_until) values (?, 0, null, 0) on conflict (name) do nothing`,
    );
    this.takeLease = raw.prepare(
      `update cursors set owner = @owner, lease_until = @until
       where name = @name and (owner is null or owner = @owner or lease_until < @now)`,
    );
    this.readLease = raw.prepare('select owner, lease_until as leaseUntil, position from cursors where name = ?');
    this.apply = writeTransaction(raw, (change: ResolutionChange) => this.write(change));
  }

  applyChange(change: ResolutionChange): void {
    this.unsynced(() => this.apply(change));
  }

  /** Takes or renews the lease (see heldPosition); the cursor's position, or undefined while another owner holds it. */
  acquireCursor(options: { name: string; owner: string; now: number; leaseMs: number }): number | undefined {
    const { name, owner, now } = options;
    const lease = () => this.readLease.get(name) as CursorLeaseRow | undefined;
    const held = heldPosition(lease(), options);
    if (held !== undefined) return held;
    return this.unsynced(
      writeTransaction(this.raw, () => {
        this.createCursor.run(name);
        if (this.takeLease.run({ name, owner, now, until: now + options.leaseMs }).changes === 0) return undefined;
        return Number(lease()?.position);
      }),
    );
  }

  private unsynced<T>(write: () => T): T {
    this.raw.pragma('synchronous = NORMAL');
    try {
      return write();
    } finally {
      this.raw.pragma('synchronous = FULL');
    }
  }

  assignEvents(pairs: ResolutionChange['assignEvents']): void {
    for (const { seq, customerId } of pairs) this.assignEvent.run(customerId, seq);
  }

  private write(change: ResolutionChange): void {
    for (const { workspaceId, from, into } of change.merges) {
      this.moveIdentities.run(into, workspaceId, from);
      this.moveEvents.run(into, from);
      this.moveAudit.run(into, from);
      for (const move of this.moveOwned) move.run(into, from);
      this.deleteCustomer.run(from);
    }
    for (const profile of change.upsertProfiles) this.upsertProfile.run(profileToRow(profile));
    for (const i of change.upsertIdentities) {
      this.upsertIdentity.run(i.workspaceId, i.value, i.kind, i.customerId, i.createdAt);
    }
    for (const a of change.audit) {
      this.insertAudit.run(a.id, a.workspaceId, a.action, a.fromCustomerId, a.intoCustomerId, a.reason, a.createdAt);
    }
    this.assignEvents(change.assignEvents);
    const { position, name, owner } = change.cursor;
    // A processor whose lease has passed to another must not write: throwing rolls the whole batch back.
    if (this.advanceCursor.run(position, name, owner).changes !== 1) throw new LeaseLostError(name);
  }
}
