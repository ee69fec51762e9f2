import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../credentials/secret-box.ts';

/** What a tracking or unsubscribe link stands for; the short field names keep links short. */
export type LinkClaim =
  /** Open pixel: workspace, customer, message (outbox key), channel. */
  | { readonly k: 'o'; readonly w: string; readonly c: string; readonly m: string; readonly ch: string }
  /** Click: as an open, plus the original URL, the only place a click link redirects to. */
  | {
      readonly k: 'c';
      readonly w: string;
      readonly c: string;
      readonly m: string;
      readonly ch: string;
      readonly u: string;
    }
  /** Unsubscribe / preferences: workspace, customer, channel and topic of the message. */
  | { readonly k: 'u'; readonly w: string; readonly c: string; readonly ch: string; readonly t: string };

/**
 * Signs link claims with HMAC-SHA256 (a key derived from the master key): `<base64url JSON>.<mac>`.
 * A token cannot be guessed or edited, so a click link never redirects anywhere Godwit did not sign.
 */
export class LinkSigner {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    this.key = deriveKey(masterKey, 'godwit link tokens v1');
  }

  sign(claim: LinkClaim): string {
    const body = Buffer.from(JSON.stringify(claim)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The claim, or undefined for anything not signed here; `kind` rejects a token of another kind. */
  verify<K extends LinkClaim['k']>(token: string, kind: K): Extract<LinkClaim, { k: K }> | undefined {
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.mac(body));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const claim = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LinkClaim;
      return claim.k === kind ? (claim as Extract<LinkClaim, { k: K }>) : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(body: string): string {
    // 128 bits is ample against forgery and keeps links short.
    return createHmac('sha256', this.key).update(body).digest().subarray(0, 16).toString('base64url');
  }
}
