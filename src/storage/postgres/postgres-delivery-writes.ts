import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { chunk } from '../chunk.ts';
import { messageFromRow } from '../delivery-rows.ts';
import type { ClaimedMessage, DeliveryOutcome } from '../delivery-store.ts';
import { insertSuppressions } from '../kysely-suppression-store.ts';
import type { Database } from '../schema.ts';

const ROWS_PER_STATEMENT = 500;

/**
 * Outcomes on PostgreSQL: one UPDATE … FROM unnest(…) per 500 messages instead of a round trip per
 * message, returning the keys whose claim still held; only their events are written.
 */
export function postgresRecordOutcomes(db: Kysely<Database>) {
  return (outcomes: readonly DeliveryOutcome[]): Promise<number> =>
    db.transaction().execute(async (trx) => {
      let applied = 0;
      const events: DeliveryOutcome['events'] = [];
      const suppressions: NonNullable<DeliveryOutcome['suppressions']> = [];
      for (const part of chunk(outcomes, ROWS_PER_STATEMENT)) {
        const held = await settle(trx, part);
        for (const o of part) {
          if (!held.has(`${o.workspaceId}\u0000${o.idempotencyKey}`)) continue;
          applied += 1;
          events.push(...o.events);
          suppressions.push(...(o.suppressions ?? []));
        }
      }
      for (const part of chunk(events, 500)) {
        await sql`insert into delivery_events (id, workspace_id, customer_id, idempotency_key, kind, at, detail)
          select * from unnest(${part.map((e) => e.id)}::text[], ${part.map((e) => e.workspaceId)}::text[],
            ${part.map((e) => e.customerId)}::text[], ${part.map((e) => e.idempotencyKey)}::text[],
            ${part.map((e) => e.kind)}::text[], ${part.map((e) => e.at)}::bigint[],
            ${part.map((e) => JSON.stringify(e.detail))}::text[])
          on conflict (id) do nothing`.execute(trx);
      }
      await insertSuppressions(trx, suppressions);
      return applied;
    });
}

/** Keys (workspace NUL key) whose row was still claimed by the outcome's owner, now settled. */
async function settle(trx: Transaction<Database>, part: readonly DeliveryOutcome[]): Promise<Set<string>> {
  const column = <T>(pick: (o: DeliveryOutcome) => T) => part.map(pick);
  const given = (pick: (o: DeliveryOutcome) => unknown) => part.map((o) => pick(o) !== undefined);
  const content = (o: DeliveryOutcome) =>
    o.content === undefined || o.content === null ? null : JSON.stringify(o.content);
  const result = await sql<{ workspace_id: string; idempotency_key: string }>`
    update outbox o set status = v.status, attempts = v.attempts, next_attempt_at = v.next_attempt_at,
      claimed_by = null, claimed_until = null, updated_at = v.updated_at,
      provider = case when v.set_provider then v.provider else o.provider end,
      provider_message_id = case when v.set_pmid then v.pmid else o.provider_message_id end,
      last_error = case when v.set_error then v.error else o.last_error end,
      sent_at = case when v.set_sent then v.sent_at else o.sent_at end,
      content = case when v.set_content then v.content else o.content end
    from unnest(
      ${column((o) => o.workspaceId)}::text[], ${column((o) => o.idempotencyKey)}::text[],
      ${column((o) => o.owner)}::text[], ${column((o) => o.status)}::text[], ${column((o) => o.attempts)}::int[],
      ${column((o) => o.nextAttemptAt)}::bigint[], ${column((o) => o.at)}::bigint[],
      ${given((o) => o.provider)}::bool[], ${column((o) => o.provider ?? null)}::text[],
      ${given((o) => o.providerMessageId)}::bool[], ${column((o) => o.providerMessageId ?? null)}::text[],
      ${given((o) => o.lastError)}::bool[], ${column((o) => o.lastError ?? null)}::text[],
      ${given((o) => o.sentAt)}::bool[], ${column((o) => o.sentAt ?? null)}::bigint[],
      ${given((o) => o.content)}::bool[], ${column(content)}::text[]
    ) as v(workspace_id, idempotency_key, owner, status, attempts, next_attempt_at, updated_at,
      set_provider, provider, set_pmid, pmid, set_error, error, set_sent, sent_at, set_content, content)
    where o.workspace_id = v.workspace_id and o.idempotency_key = v.idempotency_key
      and o.status = 'sending' and o.claimed_by = v.owner
    returning o.workspace_id, o.idempotency_key`.execute(trx);
  return new Set(result.rows.map((r) => `${r.workspace_id}\u0000${r.idempotency_key}`));
}

/**
 * Claims on PostgreSQL in one statement per kind (due pending, expired claims): the rows are picked
 * FOR UPDATE SKIP LOCKED and updated in the same round trip, so concurrent workers pass each
 * other's picks by.
 */
export function postgresClaimDue(db: Kysely<Database>) {
  return (options: { owner: string; now: number; leaseMs: number; limit: number }): Promise<ClaimedMessage[]> =>
    db.transaction().execute(async (trx) => {
      const pending = await claim(trx, { ...options, status: 'pending' });
      const left = options.limit - pending.length;
      const expired = left > 0 ? await claim(trx, { ...options, limit: left, status: 'sending' }) : [];
      return [...pending, ...expired];
    });
}

async function claim(
  trx: Transaction<Database>,
  options: { owner: string; now: number; leaseMs: number; limit: number; status: 'pending' | 'sending' },
): Promise<ClaimedMessage[]> {
  const { owner, now, leaseMs, limit, status } = options;
  const until = now + leaseMs;
  const result = await sql<Selectable<Database['outbox']>>`
    with due as (
      select workspace_id, idempotency_key from outbox
      where status = ${status} and next_attempt_at <= ${now}
      order by next_attempt_at limit ${limit}
      for update skip locked)
    update outbox o set status = 'sending', claimed_by = ${owner}, claimed_until = ${until},
      next_attempt_at = ${until}, updated_at = ${now}
    from due where o.workspace_id = due.workspace_id and o.idempotency_key = due.idempotency_key
    returning o.*`.execute(trx);
  return result.rows.map((row) => ({ ...messageFromRow(row), recovered: status === 'sending' }));
}
