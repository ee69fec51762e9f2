import type { TestGodwit } from '../app/test-godwit.ts';

/** Test helpers: customers sent through the public ingestion API, and admin calls with the secret key. */

/** Monday 6 January 2025, 09:00 UTC (10:00 in Berlin). */
export const T0 = Date.UTC(2025, 0, 6, 9, 0);
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const iso = (ms: number) => new Date(ms).toISOString();

export async function sendBatch(t: TestGodwit, batch: readonly Record<string, unknown>[]): Promise<void> {
  const response = await fetch(`${t.url}/v1/batch`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${t.writeKey}:`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ batch }),
  });
  if (response.status !== 200) throw new Error(`batch failed: ${response.status} ${await response.text()}`);
  await t.settle();
}

/** A customer in Berlin who abandoned cart `cartId` (total 150) at `at`, optionally buying it later. */
export function cartCustomer(userId: string, cartId: string, at: number, boughtAt?: number) {
  const messages: Record<string, unknown>[] = [
    {
      type: 'identify',
      userId,
      traits: { email: `${userId}@example.com`, timezone: 'Europe/Berlin' },
      timestamp: iso(at - DAY),
    },
    { type: 'track', userId, event: 'Cart Abandoned', properties: { cart_id: cartId, total: 150 }, timestamp: iso(at) },
  ];
  if (boughtAt !== undefined) {
    const properties = { cart_id: cartId, total: 150 };
    messages.push({ type: 'track', userId, event: 'Order Completed', properties, timestamp: iso(boughtAt) });
  }
  return messages;
}

export interface ApiReply {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON replies freely
  readonly body: any;
}

export async function callApi(t: TestGodwit, method: string, path: string, body?: unknown): Promise<ApiReply> {
  const headers: Record<string, string> = { authorization: `Bearer ${t.secretKey}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${t.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
