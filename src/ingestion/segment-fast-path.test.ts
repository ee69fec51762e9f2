import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fastSegmentMessage } from './segment-fast-path.ts';
import { segmentMessage } from './segment-schema.ts';

const base = { userId: 'u1', messageId: 'm1', timestamp: '2024-05-01T10:00:00Z' };

describe('segment fast path', () => {
  it('returns what zod returns, keys in the same order, for the common shapes', () => {
    const messages: unknown[] = [
      { extra: 1, type: 'track', event: 'Viewed', properties: { a: 1 }, ...base, context: { ip: '1' } },
      { type: 'identify', traits: { email: 'a@b.c' }, anonymousId: 'a1', sentAt: 1714557600000 },
      { type: 'identify', traits: null, userId: 'u', anonymousId: null, timestamp: null, integrations: {} },
      { type: 'page', name: 'Home', category: null, properties: {}, ...base, zeta: [1] },
      { type: 'screen', name: 'Main', userId: 'u', originalTimestamp: '2024-05-01' },
      { type: 'identify', userId: 'null', anonymousId: 'a1' },
    ];
    for (const message of messages) {
      const fast = fastSegmentMessage(structuredClone(message));
      const zod = segmentMessage.parse(structuredClone(message));
      assert.deepEqual(fast, zod);
      assert.deepEqual(Object.keys(fast ?? {}), Object.keys(zod));
    }
  });

  it('leaves anything unusual or invalid to zod', () => {
    const declined: unknown[] = [
      null,
      [],
      'track',
      { type: 'group', groupId: 'g', userId: 'u' },
      { type: 'alias', previousId: 'p', userId: 'u' },
      { type: 'constructor', userId: 'u' },
      { type: 'track', event: 'E', userId: 42 },
      { type: 'track', event: 'E', userId: 'u', messageId: 7 },
      { type: 'track', event: 'E', userId: 'u', messageId: '' },
      { type: 'track', event: '', userId: 'u' },
      { type: 'track', event: 'E' },
      { type: 'track', event: 'E', userId: 'null' },
      { type: 'track', event: 'E', userId: null, anonymousId: ' Anonymous ' },
      { type: 'track', event: 'E', userId: 'u', timestamp: 'yesterday' },
      { type: 'track', event: 'E', userId: 'u', timestamp: '2026-02-30T10:00:00Z' },
      { type: 'track', event: 'E', userId: 'u', context: null },
      { type: 'track', event: 'E', userId: 'u', properties: [1] },
      JSON.parse('{"type":"track","event":"E","userId":"u","__proto__":{"x":1}}'),
    ];
    for (const message of declined) assert.equal(fastSegmentMessage(message), undefined, JSON.stringify(message));
  });

  it('takes an identify whose ids are placeholders by its email or phone, as zod does; no ids at all stays refused', () => {
    const accepted: unknown[] = [
      { type: 'identify', userId: 'null', traits: { email: 'ada@example.com' } },
      { type: 'identify', userId: 'null', anonymousId: 'anonymous', traits: { phone: '+44 20 7946 0000' } },
      { type: 'identify', anonymousId: '0', traits: { phone: 442079460000, email: 'n/a' } },
    ];
    for (const message of accepted) {
      assert.deepEqual(fastSegmentMessage(structuredClone(message)), segmentMessage.parse(structuredClone(message)));
    }
    const refused: unknown[] = [
      { type: 'identify', traits: { email: 'ada@example.com' } },
      { type: 'identify', userId: '', anonymousId: null, traits: { email: 'ada@example.com' } },
      { type: 'identify', userId: 'null', traits: { email: 'none', phone: 'unknown' } },
      { type: 'identify', userId: 'null', traits: { email: 'ada', phone: 'n/a' } },
      { type: 'track', userId: 'null', event: 'E', traits: { email: 'ada@example.com' } },
    ];
    for (const message of refused) {
      assert.equal(fastSegmentMessage(structuredClone(message)), undefined, JSON.stringify(message));
      assert.equal(segmentMessage.safeParse(structuredClone(message)).success, false, JSON.stringify(message));
    }
  });
});
