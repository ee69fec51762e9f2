import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../credentials/secret-box.ts';
import { messageHash } from '../providers/smtp/smtp-provider.ts';

const MAC_HEX = 20;

/**
 * Reply addresses `reply+<hash><mac>@<inbound domain>`: the hash names the message (it is also the
 * local part of its Message-ID), the mac (80 bits of HMAC-SHA256 under a key derived from the master
 * key) proves Godwit made it. Lower-case hex throughout, since mail systems may fold the local part's
 * case; 58 characters, under the 64 a local part may have.
 */
export class ReplyAddresses {
  private readonly key: Buffer;

  constructor(
    masterKey: Buffer,
    readonly domain: string,
  ) {
    this.key = deriveKey(masterKey, 'godwit reply addresses v1');
  }

  addressFor(message: { workspaceId: string; idempotencyKey: string }): string {
    const hash = messageHash(message);
    return `reply+${hash}${this.mac(hash)}@${this.domain}`;
  }

  /** The message hash of a reply address Godwit made for this domain, else undefined. */
  hashOf(address: string): string | undefined {
    const match = /^reply\+([0-9a-f]{32})([0-9a-f]{20})@(.+)$/.exec(address.trim().toLowerCase());
    if (!match || match[3] !== this.domain.toLowerCase()) return undefined;
    const [, hash = '', mac = ''] = match;
    const expected = Buffer.from(this.mac(hash));
    return timingSafeEqual(expected, Buffer.from(mac)) ? hash : undefined;
  }

  private mac(hash: string): string {
    return createHmac('sha256', this.key).update(`reply:${hash}`).digest('hex').slice(0, MAC_HEX);
  }
}
