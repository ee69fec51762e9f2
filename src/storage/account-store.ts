import type { UserRecord } from './store.ts';

/** A signed-in console browser. Only hashes of its tokens are stored, as with API keys. */
export interface SessionRecord {
  tokenHash: string;
  csrfHash: string;
  userId: string;
  workspaceId: string;
  createdAt: number;
  expiresAt: number;
}

/** The part of the storage port that console sign-in uses: admin accounts and their sessions. */
export interface AccountStore {
  /** Every account with this email, across workspaces (an email is unique within one). */
  usersByEmail(email: string): Promise<UserRecord[]>;
  getUser(userId: string): Promise<UserRecord | undefined>;
  listUsers(workspaceId: string): Promise<UserRecord[]>;
  setUserLocale(userId: string, locale: string | null): Promise<void>;
  /** Replaces the password and ends every console session of the account, in one transaction. */
  setUserPassword(userId: string, passwordHash: string): Promise<void>;
  createSession(session: SessionRecord): Promise<void>;
  /** The session if it exists and has not expired at `now`. */
  findSession(tokenHash: string, now: number): Promise<SessionRecord | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Removes sessions that expired before `now`; returns how many. */
  deleteExpiredSessions(now: number): Promise<number>;
}
