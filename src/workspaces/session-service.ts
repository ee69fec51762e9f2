import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';
import { GodwitError } from '../shared/errors.ts';
import type { Store, UserRecord } from '../storage/store.ts';
import { hashKey, hashPassword, verifyPassword } from './key-hash.ts';
import { SignInThrottle } from './sign-in-throttle.ts';

const SESSION_MS = 7 * 24 * 3600 * 1000;
/** Methods that change state; they must carry the CSRF token as well as the cookie. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What the console may know about the signed-in admin (never the password hash). */
export interface ConsoleUser {
  id: string;
  workspaceId: string;
  email: string;
  role: string;
  locale: string | null;
  createdAt: number;
}

export interface NewSession {
  token: string;
  csrf: string;
  maxAgeSeconds: number;
  user: ConsoleUser;
}

export const consoleUser = (user: UserRecord): ConsoleUser => ({
  id: user.id,
  workspaceId: user.workspaceId,
  email: user.email,
  role: user.role,
  locale: user.locale ?? null,
  createdAt: user.createdAt,
});

/**
 * Console sign-in with an admin's email and password. A session is two random tokens: one in an
 * httpOnly cookie, one (CSRF) that the page echoes in a header on every state-changing request;
 * only their hashes are stored.
 */
export class SessionService {
  /** Compared against when the email is unknown, so both failures take the same time. */
  private readonly decoy = hashPassword(randomBytes(16).toString('hex'));
  /** Wrong passwords per account, and per client address (one address trying many accounts). */
  private readonly perAccount = new SignInThrottle({ maxFailures: 5, windowMs: 15 * 60_000 });
  private readonly perClient = new SignInThrottle({ maxFailures: 20, windowMs: 15 * 60_000 });

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async signIn(email: string, password: string, client = ''): Promise<NewSession> {
    const account = email.trim().toLowerCase();
    const now = this.clock.now();
    const wait = Math.max(this.perAccount.waitFor(account, now), this.perClient.waitFor(client, now));
    if (wait > 0) {
      const retryAfterSeconds = Math.ceil(wait / 1000);
      throw new GodwitError(
        'too_many_requests',
        `too many wrong sign-ins: try again in ${Math.ceil(retryAfterSeconds / 60)} min`,
        { retryAfterSeconds },
      );
    }
    const users = await this.store.accounts.usersByEmail(account);
    let match: UserRecord | undefined;
    for (const user of users) if (!match && (await verifyPassword(password, user.passwordHash))) match = user;
    if (users.length === 0) await verifyPassword(password, await this.decoy);
    if (!match) {
      this.perAccount.fail(account, now);
      this.perClient.fail(client, now);
      throw new GodwitError('unauthorized', 'wrong email or password');
    }
    this.perAccount.succeed(account);
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    // Sign-ins are rare, so they are when expired sessions are cleared away.
    await this.store.accounts.deleteExpiredSessions(now);
    await this.store.accounts.createSession({
      tokenHash: hashKey(token),
      csrfHash: hashKey(csrf),
      userId: match.id,
      workspaceId: match.workspaceId,
      createdAt: now,
      expiresAt: now + SESSION_MS,
    });
    return { token, csrf, maxAgeSeconds: SESSION_MS / 1000, user: consoleUser(match) };
  }

  /**
   * The session's user, or a 401. A state-changing `method` also needs the matching CSRF token and must
   * come from the console's own origin (another site, or another port of this host, gets a 403).
   */
  async authenticate(
    token: string,
    request: { method: string; csrf: string | undefined; crossOrigin: boolean },
  ): Promise<ConsoleUser> {
    if (!token) throw new GodwitError('unauthorized', 'not signed in: POST /v1/session with your email and password');
    const session = await this.store.accounts.findSession(hashKey(token), this.clock.now());
    if (!session) throw new GodwitError('unauthorized', 'the session has expired or was signed out: sign in again');
    if (!SAFE_METHODS.has(request.method)) {
      if (request.crossOrigin)
        throw new GodwitError('forbidden', 'a console session is accepted only from its own origin');
      if (!request.csrf || hashKey(request.csrf) !== session.csrfHash) {
        throw new GodwitError(
          'forbidden',
          'missing or wrong CSRF token: send the godwit_csrf cookie value as X-CSRF-Token',
        );
      }
    }
    const user = await this.store.accounts.getUser(session.userId);
    if (!user) throw new GodwitError('unauthorized', 'the account of this session no longer exists');
    return consoleUser(user);
  }

  async signOut(token: string): Promise<void> {
    await this.store.accounts.deleteSession(hashKey(token));
  }

  async setLocale(userId: string, locale: string | null): Promise<void> {
    await this.store.accounts.setUserLocale(userId, locale);
  }

  async team(workspaceId: string): Promise<ConsoleUser[]> {
    return (await this.store.accounts.listUsers(workspaceId)).map(consoleUser);
  }
}
