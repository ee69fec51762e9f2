import type { IdentityRecord } from '../storage/store.ts';

/** The ids a message Godwit writes on a customer's behalf carries, so the profile processor files it under them. */
export interface MessageIdentity {
  readonly userId: string | null;
  readonly anonymousId: string | null;
}

/**
 * The customer's userId, else their anonymousId (a message needs one of them); undefined when
 * they have neither, as a customer known only by email or phone has.
 */
export function messageIdentityOf(identities: readonly IdentityRecord[]): MessageIdentity | undefined {
  const userId = identities.find((i) => i.kind === 'user_id')?.value ?? null;
  if (userId) return { userId, anonymousId: null };
  const anonymousId = identities.find((i) => i.kind === 'anonymous_id')?.value ?? null;
  return anonymousId ? { userId: null, anonymousId } : undefined;
}
