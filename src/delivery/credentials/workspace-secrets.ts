import { randomBytes } from 'node:crypto';
import type { ChannelStore } from '../../storage/channel-store.ts';
import type { SecretBox } from './secret-box.ts';

export const WEBHOOK_SECRET = 'webhook_signing';

/**
 * Per-workspace secrets, sealed by the secret box before they are stored: webhook signing secrets,
 * VAPID keys and provider credentials set through the API. The database only ever sees ciphertext.
 */
export class WorkspaceSecrets {
  constructor(
    private readonly store: ChannelStore,
    private readonly box: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  async get(workspaceId: string, name: string): Promise<string | undefined> {
    const sealed = await this.store.getSecret(workspaceId, name);
    return sealed === undefined ? undefined : this.box.open(sealed, contextOf(workspaceId, name));
  }

  async put(workspaceId: string, name: string, value: string): Promise<void> {
    const ciphertext = this.box.seal(value, contextOf(workspaceId, name));
    await this.store.putSecret({ workspaceId, name, ciphertext, now: this.now() });
  }

  /** The stored value, or `create()`'s stored on first use (two racing processes agree on one). */
  async getOrCreate(workspaceId: string, name: string, create: () => string): Promise<string> {
    const existing = await this.get(workspaceId, name);
    if (existing !== undefined) return existing;
    const ciphertext = this.box.seal(create(), contextOf(workspaceId, name));
    const stored = await this.store.putSecretIfAbsent({ workspaceId, name, ciphertext, now: this.now() });
    return this.box.open(stored, contextOf(workspaceId, name));
  }

  names(workspaceId: string): Promise<string[]> {
    return this.store.listSecretNames(workspaceId);
  }

  webhookSecret(workspaceId: string): Promise<string> {
    return this.getOrCreate(workspaceId, WEBHOOK_SECRET, newWebhookSecret);
  }

  async rotateWebhookSecret(workspaceId: string): Promise<string> {
    const secret = newWebhookSecret();
    await this.put(workspaceId, WEBHOOK_SECRET, secret);
    return secret;
  }
}

function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

function contextOf(workspaceId: string, name: string): string {
  return `${workspaceId}/${name}`;
}
