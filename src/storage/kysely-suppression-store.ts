import type { Kysely, Transaction } from 'kysely';
import { chunk } from './chunk.ts';
import { afterCursor } from './keyset.ts';
import type { Database } from './schema.ts';
import { suppressionFromRow, suppressionToRow } from './suppression-rows.ts';
import type { SuppressionAddress, SuppressionRecord, SuppressionStore } from './suppression-store.ts';

export class KyselySuppressionStore implements SuppressionStore {
  constructor(private readonly db: Kysely<Database>) {}

  add(records: readonly SuppressionRecord[]): Promise<number> {
    return insertSuppressions(this.db, records);
  }

  async remove(workspaceId: string, entry: SuppressionAddress): Promise<boolean> {
    const result = await this.db
      .deleteFrom('suppressions')
      .where('workspace_id', '=', workspaceId)
      .where('channel', '=', entry.channel)
      .where('address', '=', entry.address)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async find(workspaceId: string, entries: readonly SuppressionAddress[]): Promise<SuppressionRecord[]> {
    const wanted = new Set(entries.map((e) => `${e.channel}\u0000${e.address}`));
    const out: SuppressionRecord[] = [];
    for (const part of chunk([...new Set(entries.map((e) => e.address))], 500)) {
      const rows = await this.db
        .selectFrom('suppressions')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('address', 'in', part)
        .execute();
      for (const row of rows) if (wanted.has(`${row.channel}\u0000${row.address}`)) out.push(suppressionFromRow(row));
    }
    return out;
  }

  async list(query: Parameters<SuppressionStore['list']>[0]): Promise<SuppressionRecord[]> {
    let select = this.db.selectFrom('suppressions').selectAll().where('workspace_id', '=', query.workspaceId);
    if (query.channel) select = select.where('channel', '=', query.channel);
    const { before } = query;
    if (before) {
      const ties = [
        ['address', before.address],
        ['channel', before.channel],
      ] as const;
      select = select.where(afterCursor('created_at', before.createdAt, ties));
    }
    const rows = await select
      .orderBy('created_at', 'desc')
      .orderBy('address')
      .orderBy('channel')
      .limit(query.limit)
      .execute();
    return rows.map(suppressionFromRow);
  }
}

/** Inside a caller's transaction too, so a bounce and the suppression it causes commit together. */
export async function insertSuppressions(
  db: Kysely<Database> | Transaction<Database>,
  records: readonly SuppressionRecord[],
): Promise<number> {
  let added = 0;
  for (const part of chunk(records, 200)) {
    const result = await db
      .insertInto('suppressions')
      .values(part.map(suppressionToRow))
      .onConflict((oc) => oc.columns(['workspace_id', 'address', 'channel']).doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}
