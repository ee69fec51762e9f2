import type { Kysely, Selectable } from 'kysely';
import type { AccountStore, SessionRecord } from './account-store.ts';
import type { Database } from './schema.ts';
import type { UserRecord } from './store.ts';

export function userFromRow(row: Selectable<Database['users']>): UserRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    email: row.email,
    passwordHash: row.password_hash,
    role: row.role,
    createdAt: Number(row.created_at),
    locale: row.locale,
  };
}

export class KyselyAccountStore implements AccountStore {
  constructor(private readonly db: Kysely<Database>) {}

  async usersByEmail(email: string): Promise<UserRecord[]> {
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .orderBy('created_at')
      .execute();
    return rows.map(userFromRow);
  }

  async getUser(userId: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    return row && userFromRow(row);
  }

  async listUsers(workspaceId: string): Promise<UserRecord[]> {
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('email')
      .execute();
    return rows.map(userFromRow);
  }

  async setUserLocale(userId: string, locale: string | null): Promise<void> {
    await this.db.updateTable('users').set({ locale }).where('id', '=', userId).execute();
  }

  async setUserPassword(userId: string, passwordHash: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
      await trx.deleteFrom('console_sessions').where('user_id', '=', userId).execute();
    });
  }

  async createSession(session: SessionRecord): Promise<void> {
    await this.db
      .insertInto('console_sessions')
      .values({
        token_hash: session.tokenHash,
        csrf_hash: session.csrfHash,
        user_id: session.userId,
        workspace_id: session.workspaceId,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
      })
      .execute();
  }

  async findSession(tokenHash: string, now: number): Promise<SessionRecord | undefined> {
    const row = await this.db
      .selectFrom('console_sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      tokenHash: row.token_hash,
      csrfHash: row.csrf_hash,
      userId: row.user_id,
      workspaceId: row.workspace_id,
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
    };
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('console_sessions').where('token_hash', '=', tokenHash).execute();
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    const result = await this.db.deleteFrom('console_sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
