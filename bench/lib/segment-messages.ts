/**
 * Realistic Segment traffic for the benchmarks: mostly track calls with product properties and a
 * browser context, some identify calls with traits, 300–500 bytes each. Seeded, so a round's
 * messages are the same in the HTTP and raw-insert runs; message ids are unique per (seed, index).
 */

import { seededRandom as random } from '../../src/journeys/seeded-random.ts';

export { random };

export interface BatchBody {
  batch: Record<string, unknown>[];
  sentAt: string;
}

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width);

const EVENTS = ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed', 'Page Scrolled', 'Search'];
const CATEGORIES = ['Apparel', 'Footwear', 'Outdoor', 'Kitchen', 'Books', 'Garden'];
const PLANS = ['free', 'starter', 'pro', 'enterprise'];
const CITIES = ['Auckland', 'Shanghai', 'Berlin', 'Austin', 'Lyon', 'Osaka'];
const ZONES = ['Pacific/Auckland', 'Asia/Shanghai', 'Europe/Berlin', 'America/Chicago', 'Europe/Paris', 'Asia/Tokyo'];
const LOCALES = ['en-NZ', 'zh-CN', 'de-DE', 'en-US', 'fr-FR', 'ja-JP'];
const AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5) Mobile/15E148',
];

export interface TrafficOptions {
  /** Distinct userIds the traffic is spread over. */
  users: number;
  /** Share of identify calls; the rest are track calls. */
  identifyShare?: number;
}

/** `count` messages in batches of `batchSize`; `seed` makes them reproducible and their ids unique. */
export function generateBatches(
  options: TrafficOptions & { seed: number; count: number; batchSize: number },
): BatchBody[] {
  const rand = random(options.seed);
  const now = Date.now();
  const batches: BatchBody[] = [];
  for (let start = 0; start < options.count; start += options.batchSize) {
    const batch: Record<string, unknown>[] = [];
    for (let i = start; i < Math.min(options.count, start + options.batchSize); i++) {
      batch.push(message({ ...options, rand, index: i, now }));
    }
    batches.push({ batch, sentAt: new Date(now).toISOString() });
  }
  return batches;
}

function message(o: TrafficOptions & { rand: () => number; seed: number; index: number; now: number }) {
  const user = Math.floor(o.rand() * o.users);
  const zone = user % ZONES.length;
  const common = {
    messageId: `${hex(o.seed, 8)}-${hex(o.index >>> 16, 4)}-4${hex(o.index, 3)}-a${hex(user, 3)}-${hex(Math.floor(o.rand() * 2 ** 48), 12)}`,
    userId: `user-${user.toString().padStart(6, '0')}`,
    anonymousId: `${hex(user * 2654435761, 8)}-7c1e-4b2a-9f3d-${hex(user, 12)}`,
    timestamp: new Date(o.now - Math.floor(o.rand() * 5000)).toISOString(),
    context: {
      library: { name: 'analytics.js', version: '1.81.0' },
      ip: `10.${user % 250}.${(user >> 8) % 250}.${o.index % 250}`,
      locale: LOCALES[zone],
      timezone: ZONES[zone],
      userAgent: pick(o.rand, AGENTS),
    },
  };
  if (o.rand() < (o.identifyShare ?? 0.1)) {
    return {
      ...common,
      type: 'identify',
      traits: {
        email: `customer${user}@example.com`,
        name: `Customer ${user}`,
        plan: pick(o.rand, PLANS),
        city: CITIES[zone],
        logins: Math.floor(o.rand() * 200),
      },
    };
  }
  const product = Math.floor(o.rand() * CATEGORIES.length);
  return {
    ...common,
    type: 'track',
    event: pick(o.rand, EVENTS),
    properties: {
      product_id: `sku-${1000 + product * 37}`,
      category: CATEGORIES[product],
      price: Math.round(o.rand() * 20_000) / 100,
      currency: 'USD',
    },
  };
}
