import type BetterSqlite3 from 'better-sqlite3';
import { settleJourneyChange } from '../journey-change.ts';
import { outboxToRow, runToRow, timerToRow, triggerTimerToRow } from '../journey-rows.ts';
import type { JourneyChange } from '../journey-store.ts';
import { sumIncrements } from '../kysely-decision-store.ts';
import { LeaseLostError } from '../lease-lost-error.ts';
import { writeTransaction } from './sqlite-connection.ts';
import { SqliteEventInserter } from './sqlite-event-inserter.ts';

/**
 * Journey changes on SQLite: the statements KyselyJourneyStore builds, prepared once and run row
 * by row in one transaction, without compiling thousands of parameters per batch. Synchronous,
 * so the caller must hold the connection. Commits stay fsynced (synchronous=FULL): an outbox entry
 * or a timer that was committed must survive a power cut, since a replay would start new runs.
 */
export class SqliteJourneyWrites {
  private readonly upsertRun: BetterSqlite3.Statement;
  private readonly deleteTimer: BetterSqlite3.Statement;
  private readonly insertTimer: BetterSqlite3.Statement;
  private readonly postponeTimer: BetterSqlite3.Statement;
  private readonly insertOutbox: BetterSqlite3.Statement;
  private readonly redecided: BetterSqlite3.Statement;
  private readonly addEngagement: BetterSqlite3.Statement;
  private readonly addCount: BetterSqlite3.Statement;
  private readonly events: SqliteEventInserter;
  private readonly advanceCursor: BetterSqlite3.Statement;
  private readonly dropTriggers: BetterSqlite3.Statement;
  private readonly deleteTriggerPair: BetterSqlite3.Statement;
  private readonly insertTrigger: BetterSqlite3.Statement;
  readonly apply: (change: JourneyChange) => void;

  constructor(raw: BetterSqlite3.Database) {
    this.upsertRun = raw.prepare(
      `insert into journey_runs (id, workspace_id, journey_id, version, customer_id, status, outcome, node_id, started_at, updated_at, state, path)
       values (@id, @workspace_id, @journey_id, @version, @customer_id, @status, @outcome, @node_id, @started_at, @updated_at, @state, @path)
       on conflict (id) do update set status = excluded.status, outcome = excluded.outcome, node_id = excluded.node_id,
         updated_at = excluded.updated_at, state = excluded.state, path = excluded.path`,
    );
    this.deleteTimer = raw.prepare('delete from journey_timers where id = ?');
    this.insertTimer = raw.prepare(
      `insert into journey_timers (id, workspace_id, run_id, customer_id, due_at)
       values (@id, @workspace_id, @run_id, @customer_id, @due_at) on conflict (id) do nothing`,
    );
    this.postponeTimer = raw.prepare('update journey_timers set due_at = ? where id = ?');
    this.insertOutbox = raw.prepare(
      `insert into outbox (workspace_id, idempotency_key, customer_id, run_id, journey_id, node_id, kind, channel, status, payload, created_at, updated_at, message_class, next_attempt_at)
       values (@workspace_id, @idempotency_key, @customer_id, @run_id, @journey_id, @node_id, @kind, @channel, @status, @payload, @created_at, @updated_at, @message_class, @next_attempt_at)
       on conflict (workspace_id, idempotency_key) do nothing`,
    );
    this.redecided = raw.prepare(
      `update outbox set channel = @channel, status = @status, payload = @payload, updated_at = @updated_at, next_attempt_at = @next_attempt_at
       where workspace_id = @workspace_id and idempotency_key = @idempotency_key and status = 'scheduled'`,
    );
    this.addEngagement = raw.prepare(
      `insert into engagement_counts (workspace_id, customer_id, channel, hour_of_week, sends, responses)
       values (@workspaceId, @customerId, @channel, @hourOfWeek, @sends, @responses)
       on conflict (workspace_id, customer_id, channel, hour_of_week)
       do update set sends = sends + excluded.sends, responses = responses + excluded.responses`,
    );
    this.addCount = raw.prepare(
      `insert into journey_node_counts (workspace_id, journey_id, version, node_id, kind, branch, count)
       values (?, ?, ?, ?, ?, ?, ?)
       on conflict (workspace_id, journey_id, version, node_id, kind, branch) do update set count = count + excluded.count`,
    );
    this.events = new SqliteEventInserter(raw);
    this.advanceCursor = raw.prepare('update cursors set position = ? where name = ? and owner = ?');
    this.dropTriggers = raw.prepare('delete from journey_trigger_timers where workspace_id = ? and journey_id = ?');
    // `is` matches null to null: the journey's own timer has no customer.
    this.deleteTriggerPair = raw.prepare(
      'delete from journey_trigger_timers where workspace_id = ? and journey_id = ? and customer_id is ?',
    );
    this.insertTrigger = raw.prepare(
      `insert into journey_trigger_timers (workspace_id, journey_id, customer_id, kind, plan, due_at, since, after)
       values (@workspace_id, @journey_id, @customer_id, @kind, @plan, @due_at, @since, @after)`,
    );
    this.apply = writeTransaction(raw, (change: JourneyChange) => this.write(change));
  }

  private write(change: JourneyChange): void {
    const settled = settleJourneyChange(change);
    for (const run of settled.runs) this.upsertRun.run(runToRow(run));
    for (const id of settled.deleteTimers) this.deleteTimer.run(id);
    for (const timer of settled.addTimers) this.insertTimer.run(timerToRow(timer));
    for (const { timerId, dueAt } of change.postponeTimers ?? []) this.postponeTimer.run(dueAt, timerId);
    for (const entry of change.outbox) this.insertOutbox.run(outboxToRow(entry));
    for (const entry of change.outboxUpdates ?? []) this.redecided.run(outboxToRow(entry));
    for (const increment of sumIncrements(change.engagement ?? [])) this.addEngagement.run(increment);
    for (const c of settled.counts) {
      this.addCount.run(c.workspaceId, c.journeyId, c.version, c.nodeId, c.kind, c.branch, c.count);
    }
    for (const { workspaceId, journeyId } of settled.dropTriggers) this.dropTriggers.run(workspaceId, journeyId);
    for (const update of settled.triggerTimers) {
      this.deleteTriggerPair.run(update.workspaceId, update.journeyId, update.customerId);
    }
    for (const update of settled.triggerTimers) {
      if (update.timer) this.insertTrigger.run(triggerTimerToRow(update.timer));
    }
    // Nested in this transaction (a savepoint), so the events commit with the rest of the change.
    this.events.insertAll(change.events);
    const { cursor } = change;
    // A stage whose lease has passed to another must not write: throwing rolls the whole change back.
    if (cursor && this.advanceCursor.run(cursor.position, cursor.name, cursor.owner).changes !== 1) {
      throw new LeaseLostError(cursor.name);
    }
  }
}
