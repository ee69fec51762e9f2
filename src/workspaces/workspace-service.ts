import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';
import { GodwitError } from '../shared/errors.ts';
import { newId, newSecret } from '../shared/ids.ts';
import type { KeyRecord, Store } from '../storage/store.ts';
import { hashKey, hashPassword } from './key-hash.ts';
import { SessionService } from './session-service.ts';

export type KeyKind = KeyRecord['kind'];

export interface FirstStart {
  workspaceId: string;
  adminEmail: string;
  adminPassword: string;
  writeKey: string;
  secretKey: string;
}

const KEY_CACHE_MS = 30_000;
const newPassword = () => randomBytes(12).toString('base64url');

/** Workspaces, their API keys and admin accounts. Keys are shown once and stored only as hashes. */
export class WorkspaceService {
  private readonly keyCache = new Map<string, { key: KeyRecord | undefined; until: number }>();
  /** Console sign-in: admins' browser sessions. */
  readonly sessions: SessionService;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {
    this.sessions = new SessionService(store, clock);
  }

  /** Creates the first workspace, admin and keys when the store is empty; otherwise returns undefined. */
  async ensureFirstWorkspace(adminEmail = 'admin@godwit.local'): Promise<FirstStart | undefined> {
    if ((await this.store.listWorkspaces()).length > 0) return undefined;
    const { workspaceId, writeKey, secretKey } = await this.createWorkspace('Default');
    const adminPassword = newPassword();
    await this.store.insertUser({
      id: newId(),
      workspaceId,
      email: adminEmail,
      passwordHash: await hashPassword(adminPassword),
      role: 'admin',
      createdAt: this.clock.now(),
    });
    return { workspaceId, adminEmail, adminPassword, writeKey, secretKey };
  }

  /** A new random password for an admin who lost theirs; their console sessions end. Returns it (shown once). */
  async resetPassword(workspaceId: string, email: string): Promise<string> {
    const user = await this.store.findUser(workspaceId, email.trim().toLowerCase());
    if (!user) throw new GodwitError('not_found', `no admin ${email} in workspace ${workspaceId}`);
    const password = newPassword();
    await this.store.accounts.setUserPassword(user.id, await hashPassword(password));
    return password;
  }

  async createWorkspace(name: string): Promise<{ workspaceId: string; writeKey: string; secretKey: string }> {
    const workspaceId = newId();
    await this.store.createWorkspace({ id: workspaceId, name, createdAt: this.clock.now() });
    const writeKey = await this.createKey(workspaceId, 'write', 'created with the workspace');
    const secretKey = await this.createKey(workspaceId, 'secret', 'created with the workspace');
    return { workspaceId, writeKey, secretKey };
  }

  async defaultWorkspaceId(): Promise<string> {
    const [first] = await this.store.listWorkspaces();
    if (!first) throw new GodwitError('not_found', 'no workspace yet: run `godwit start` once to create one');
    return first.id;
  }

  /** Returns the plaintext key; only its hash is kept. */
  async createKey(workspaceId: string, kind: KeyKind, label: string | null = null): Promise<string> {
    const key = newSecret(kind === 'write' ? 'gw_write' : 'gw_secret');
    await this.store.insertKey({
      id: newId(),
      workspaceId,
      kind,
      label,
      createdAt: this.clock.now(),
      keyHash: hashKey(key),
    });
    return key;
  }

  /** The workspace a key belongs to, or a 401 naming what was wrong. */
  async authenticate(key: string | undefined, kind: KeyKind): Promise<string> {
    const label = kind === 'write' ? 'write key' : 'secret API key';
    if (!key) {
      const how =
        kind === 'write' ? 'as the HTTP Basic user name or `writeKey` in the body' : 'as `Authorization: Bearer <key>`';
      throw new GodwitError('unauthorized', `missing ${label}: send it ${how}`);
    }
    const record = await this.lookup(key);
    if (!record || record.kind !== kind) throw new GodwitError('unauthorized', `invalid ${label}`);
    return record.workspaceId;
  }

  private async lookup(key: string): Promise<KeyRecord | undefined> {
    const now = this.clock.now();
    const cached = this.keyCache.get(key);
    if (cached && cached.until > now) return cached.key;
    const record = await this.store.findKeyByHash(hashKey(key));
    if (this.keyCache.size > 10_000) this.keyCache.clear();
    this.keyCache.set(key, { key: record, until: now + KEY_CACHE_MS });
    return record;
  }
}
