import type { Kysely } from 'kysely';
import type { ChannelStore, InAppMessageRecord } from './channel-store.ts';
import { chunk } from './chunk.ts';
import type { Database } from './schema.ts';

export class KyselyChannelStore implements ChannelStore {
  constructor(private readonly db: Kysely<Database>) {}

  async getSecret(workspaceId: string, name: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('workspace_secrets')
      .select('ciphertext')
      .where('workspace_id', '=', workspaceId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.ciphertext;
  }

  async putSecret(secret: { workspaceId: string; name: string; ciphertext: string; now: number }): Promise<void> {
    await this.db
      .insertInto('workspace_secrets')
      .values(secretRow(secret))
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'name']).doUpdateSet({ ciphertext: secret.ciphertext, updated_at: secret.now }),
      )
      .execute();
  }

  async putSecretIfAbsent(secret: { workspaceId: string; name: string; ciphertext: string; now: number }) {
    await this.db
      .insertInto('workspace_secrets')
      .values(secretRow(secret))
      .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
      .execute();
    return (await this.getSecret(secret.workspaceId, secret.name)) ?? secret.ciphertext;
  }

  async listSecretNames(workspaceId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('workspace_secrets')
      .select('name')
      .where('workspace_id', '=', workspaceId)
      .orderBy('name')
      .execute();
    return rows.map((r) => r.name);
  }

  async addInAppMessage(message: InAppMessageRecord): Promise<boolean> {
    const result = await this.db
      .insertInto('in_app_messages')
      .values({
        workspace_id: message.workspaceId,
        id: message.id,
        customer_id: message.customerId,
        content: message.content,
        created_at: message.createdAt,
        delivered_at: message.deliveredAt,
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async undeliveredInAppMessages(workspaceId: string, customerIds: readonly string[]): Promise<InAppMessageRecord[]> {
    const out: InAppMessageRecord[] = [];
    for (const part of chunk(customerIds, 500)) {
      const rows = await this.db
        .selectFrom('in_app_messages')
        .selectAll()
        .where('customer_id', 'in', part) // workspace filtered below: storage README, "Customer-keyed reads"
        .where('delivered_at', 'is', null)
        .orderBy('created_at')
        .execute();
      for (const row of rows) {
        if (row.workspace_id !== workspaceId) continue;
        out.push({
          workspaceId: row.workspace_id,
          id: row.id,
          customerId: row.customer_id,
          content: row.content,
          createdAt: Number(row.created_at),
          deliveredAt: null,
        });
      }
    }
    return out;
  }

  async markInAppDelivered(workspaceId: string, ids: readonly string[], at: number): Promise<void> {
    for (const part of chunk(ids, 500)) {
      await this.db
        .updateTable('in_app_messages')
        .set({ delivered_at: at })
        .where('workspace_id', '=', workspaceId)
        .where('id', 'in', part)
        .where('delivered_at', 'is', null)
        .execute();
    }
  }
}

function secretRow(secret: { workspaceId: string; name: string; ciphertext: string; now: number }) {
  return {
    workspace_id: secret.workspaceId,
    name: secret.name,
    ciphertext: secret.ciphertext,
    created_at: secret.now,
    updated_at: secret.now,
  };
}
