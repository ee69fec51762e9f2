import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import webpush from 'web-push';
import { DeliveryError, type OutboundMessage } from '../../provider.ts';
import { createWebPushProvider } from './webpush-provider.ts';

/**
 * A local push service that checks what a real one checks: the VAPID JWT (ES256 over the
 * endpoint's origin as `aud`, signed by the key in `k=`), TTL and aes128gcm; it decrypts the
 * payload with the browser's keys (RFC 8291) and answers with the status its path names.
 */

const b64 = (buffer: Buffer) => buffer.toString('base64url');

function verifyVapid(header: string | undefined, publicKey: string, audience: string): string | undefined {
  const match = /^vapid t=([^,\s]+),\s*k=([^,\s]+)$/.exec(header ?? '');
  if (!match) return 'no vapid authorization';
  const [, jwt = '', k = ''] = match;
  if (k !== publicKey) return 'unexpected key';
  const point = Buffer.from(k, 'base64url');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64(point.subarray(1, 33)), y: b64(point.subarray(33, 65)) },
    format: 'jwk',
  });
  const [head = '', body = '', signature = ''] = jwt.split('.');
  const signed = verify(
    'sha256',
    Buffer.from(`${head}.${body}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) return 'bad signature';
  const header_ = JSON.parse(Buffer.from(head, 'base64url').toString());
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
  if (header_.alg !== 'ES256') return 'alg';
  if (claims.aud !== audience) return `aud ${claims.aud}`;
  const now = Date.now() / 1000;
  if (!(claims.exp > now && claims.exp <= now + 24 * 3600)) return 'exp';
  if (!/^(mailto:|https:)/.test(claims.sub)) return 'sub';
  return undefined;
}

/** RFC 8291 decryption with the user agent's private key and auth secret. */
function decrypt(body: Buffer, ua: { ecdh: ReturnType<typeof createECDH>; auth: Buffer }): string {
  const salt = body.subarray(0, 16);
  const idlen = body[20] ?? 0;
  const asPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  const shared = ua.ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ua.ecdh.getPublicKey(), asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, ua.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(-16));
  const plain = Buffer.concat([decipher.update(ciphertext.subarray(0, -16)), decipher.final()]);
  const end = plain.lastIndexOf(2);
  return plain.subarray(0, end).toString();
}

interface Pushed {
  path: string;
  headers: IncomingMessage['headers'];
  payload?: string;
  problem?: string;
}

/** A self-signed certificate for 127.0.0.1: web-push speaks only HTTPS. */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'godwit-push-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('web push provider', () => {
  const tls = selfSignedCertificate();
  const vapid = webpush.generateVAPIDKeys();
  const ua = { ecdh: createECDH('prime256v1'), auth: randomBytes(16) };
  ua.ecdh.generateKeys();
  const pushed: Pushed[] = [];
  let server: Server;
  let origin: string;
  before(async () => {
    server = createServer(tls, (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const path = request.url ?? '/';
        const problem =
          verifyVapid(request.headers.authorization, vapid.publicKey, origin) ??
          (Number(request.headers.ttl) > 0 ? undefined : 'ttl') ??
          (request.headers['content-encoding'] === 'aes128gcm' ? undefined : 'content-encoding');
        const entry: Pushed = { path, headers: request.headers, problem };
        pushed.push(entry);
        if (problem) return void response.writeHead(401).end(problem);
        entry.payload = decrypt(Buffer.concat(chunks), ua);
        const status = Number(/\/status\/(\d+)/.exec(path)?.[1] ?? 201);
        if (status === 429) response.setHeader('retry-after', '30');
        response.writeHead(status, status === 201 ? { location: `${origin}/messages/m1` } : {}).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const provider = createWebPushProvider({
    vapidFor: async () => vapid,
    subject: 'mailto:ops@shop.example',
    ttlSeconds: 600,
    trustedCa: tls.cert,
  });
  const message = (path: string): OutboundMessage => ({
    idempotencyKey: 'run1:push_1:1',
    workspaceId: 'ws1',
    customerId: 'c1',
    address: JSON.stringify({
      endpoint: `${origin}${path}`,
      keys: { p256dh: b64(ua.ecdh.getPublicKey()), auth: b64(ua.auth) },
    }),
    messageClass: 'service',
    content: { channel: 'push', title: 'Your order shipped', body: '订单已发货', url: 'https://shop.example/o/1' },
  });

  it('sends an encrypted payload with a valid VAPID signature, TTL and aes128gcm', async () => {
    const receipt = await provider.send(message('/push/abc'));
    assert.deepEqual(receipt, { providerMessageId: `${origin}/messages/m1`, status: 'sent' });
    const got = pushed.at(-1);
    assert.equal(got?.problem, undefined);
    assert.equal(got?.headers.ttl, '600');
    assert.equal(got?.headers.urgency, 'normal');
    assert.deepEqual(JSON.parse(got?.payload ?? ''), {
      title: 'Your order shipped',
      body: '订单已发货',
      url: 'https://shop.example/o/1',
      id: 'run1:push_1:1',
    });
  });

  it('is refused by the push service when signed with another key', async () => {
    const other = webpush.generateVAPIDKeys();
    const wrong = createWebPushProvider({
      vapidFor: async () => other,
      subject: 'mailto:ops@shop.example',
      trustedCa: tls.cert,
    });
    await assert.rejects(wrong.send(message('/push/abc')), (error: DeliveryError) => error.kind === 'permanent');
    assert.equal(pushed.at(-1)?.problem, 'unexpected key');
  });

  const answers: [number, DeliveryError['kind'], string, number?][] = [
    [404, 'permanent', 'subscription_gone'],
    [410, 'permanent', 'subscription_gone'],
    [400, 'permanent', 'http_400'],
    [429, 'transient', 'http_429', 30_000],
    [500, 'transient', 'http_500'],
    [503, 'transient', 'http_503'],
  ];
  for (const [status, kind, code, retryAfterMs] of answers) {
    it(`treats ${status} as ${kind}`, async () => {
      await assert.rejects(provider.send(message(`/push/status/${status}`)), (error: unknown) => {
        assert.ok(error instanceof DeliveryError);
        assert.equal(error.kind, kind);
        assert.equal(error.options.code, code);
        assert.equal(error.options.retryAfterMs, retryAfterMs);
        return true;
      });
    });
  }

  it('treats an unreachable push service as transient and a malformed address as permanent', async () => {
    const unreachable = {
      ...message('/x'),
      address: JSON.stringify({
        endpoint: 'https://127.0.0.1:1/x',
        keys: { p256dh: b64(ua.ecdh.getPublicKey()), auth: b64(ua.auth) },
      }),
    };
    await assert.rejects(provider.send(unreachable), (error: DeliveryError) => error.kind === 'transient');
    await assert.rejects(
      provider.send({ ...message('/x'), address: 'not json' }),
      (error: DeliveryError) => error.options.code === 'invalid_address',
    );
  });
});
