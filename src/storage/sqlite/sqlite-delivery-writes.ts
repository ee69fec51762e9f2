import type BetterSqlite3 from 'better-sqlite3';
import type { Selectable } from 'kysely';
import { deliveryEventToRow, messageFromRow } from '../delivery-rows.ts';
import type { ClaimedMessage, DeliveryOutcome } from '../delivery-store.ts';
import type { Database } from '../schema.ts';
import { suppressionToRow } from '../suppression-rows.ts';
import { writeTransaction } from './sqlite-connection.ts';

/**
 * Claims and outcomes on SQLite: the statements KyselyDeliveryStore builds, prepared once and run
 * row by row in one transaction (compiling a statement per message cost more than the work).
 * Synchronous, so the caller must hold the connection.
 */
export class SqliteDeliveryWrites {
  private readonly due: BetterSqlite3.Statement;
  private readonly claim: BetterSqlite3.Statement;
  private readonly settle: BetterSqlite3.Statement;
  private readonly insertEvent: BetterSqlite3.Statement;
  private readonly insertSuppression: BetterSqlite3.Statement;
  readonly claimDue: (options: { owner: string; now: number; leaseMs: number; limit: number }) => ClaimedMessage[];
  readonly recordOutcomes: (outcomes: readonly DeliveryOutcome[]) => number;

  constructor(raw: BetterSqlite3.Database) {
    this.due = raw.prepare(
      'select * from outbox where status = ? and next_attempt_at <= ? order by next_attempt_at limit ?',
    );
    this.claim = raw.prepare(
      `update outbox set status = 'sending', claimed_by = ?, claimed_until = ?, next_attempt_at = ?, updated_at = ?
       where workspace_id = ? and idempotency_key = ?`,
    );
    // coalesce keeps a column the outcome leaves undefined (passed as null with a flag).
    this.settle = raw.prepare(
      `update outbox set status = @status, attempts = @attempts, next_attempt_at = @next_attempt_at,
         claimed_by = null, claimed_until = null, updated_at = @updated_at,
         provider = case when @set_provider then @provider else provider end,
         provider_message_id = case when @set_provider_message_id then @provider_message_id else provider_message_id end,
         last_error = case when @set_last_error then @last_error else last_error end,
         sent_at = case when @set_sent_at then @sent_at else sent_at end,
         content = case when @set_content then @content else content end
       where workspace_id = @workspace_id and idempotency_key = @idempotency_key
         and status = 'sending' and claimed_by = @owner`,
    );
    this.insertEvent = raw.prepare(
      `insert into delivery_events (id, workspace_id, customer_id, idempotency_key, kind, at, detail)
       values (@id, @workspace_id, @customer_id, @idempotency_key, @kind, @at, @detail) on conflict (id) do nothing`,
    );
    this.insertSuppression = raw.prepare(
      `insert into suppressions (workspace_id, channel, address, reason, source_message, detail, created_at)
       values (@workspace_id, @channel, @address, @reason, @source_message, @detail, @created_at)
       on conflict do nothing`,
    );
    this.claimDue = writeTransaction(raw, (options: Parameters<SqliteDeliveryWrites['claimDue']>[0]) =>
      this.claimRows(options),
    );
    this.recordOutcomes = writeTransaction(raw, (outcomes: readonly DeliveryOutcome[]) => this.settleRows(outcomes));
  }

  private claimRows(options: { owner: string; now: number; leaseMs: number; limit: number }): ClaimedMessage[] {
    const { owner, now, leaseMs, limit } = options;
    type Row = Selectable<Database['outbox']>;
    const pending = this.due.all('pending', now, limit) as Row[];
    const expired = pending.length < limit ? (this.due.all('sending', now, limit - pending.length) as Row[]) : [];
    const until = now + leaseMs;
    const out: ClaimedMessage[] = [];
    for (const row of [...pending, ...expired]) {
      this.claim.run(owner, until, until, now, row.workspace_id, row.idempotency_key);
      out.push({
        ...messageFromRow(row),
        status: 'sending',
        nextAttemptAt: until,
        recovered: row.status === 'sending',
      });
    }
    return out;
  }

  private settleRows(outcomes: readonly DeliveryOutcome[]): number {
    let applied = 0;
    for (const o of outcomes) {
      const changed = this.settle.run({
        status: o.status,
        attempts: o.attempts,
        next_attempt_at: o.nextAttemptAt,
        updated_at: o.at,
        ...optional('provider', o.provider),
        ...optional('provider_message_id', o.providerMessageId),
        ...optional('last_error', o.lastError),
        ...optional('sent_at', o.sentAt),
        ...optional('content', o.content === undefined || o.content === null ? o.content : JSON.stringify(o.content)),
        workspace_id: o.workspaceId,
        idempotency_key: o.idempotencyKey,
        owner: o.owner,
      }).changes;
      // A claim that expired and passed to another worker is theirs now: write nothing of it.
      if (changed !== 1) continue;
      applied += 1;
      for (const event of o.events) this.insertEvent.run(deliveryEventToRow(event));
      for (const entry of o.suppressions ?? []) this.insertSuppression.run(suppressionToRow(entry));
    }
    return applied;
  }
}

function optional<K extends string>(name: K, value: string | number | null | undefined) {
  return { [name]: value ?? null, [`set_${name}`]: value === undefined ? 0 : 1 } as Record<
    string,
    string | number | null
  >;
}
