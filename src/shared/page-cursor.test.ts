import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeKeyCursor, decodePageCursor, encodePageCursor, readPage } from './page-cursor.ts';

const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('page cursors', () => {
  it('give back what they were made of', () => {
    assert.deepEqual(decodePageCursor(encodePageCursor({ at: 5, seq: 9 })), { at: 5, seq: 9 });
    assert.deepEqual(decodeKeyCursor(encodePageCursor({ at: 5, key: 'k:1' })), { at: 5, key: 'k:1' });
  });

  it('refuse, as bad input, what no page ended at (a database would fail on it)', () => {
    const refused = [
      'garbage',
      raw({ at: 1.5, key: 'x' }),
      raw({ at: 1e20, key: 'x' }),
      raw({ at: '5', key: 'x' }),
      raw({ at: 5, key: 'a\u0000b' }),
      raw({ at: 5, seq: 0.5 }),
      raw([5, 'x']),
    ];
    for (const text of refused) {
      assert.throws(() => decodePageCursor(text), { code: 'invalid_input' }, text);
    }
    assert.throws(() => decodeKeyCursor(encodePageCursor({ at: 5, seq: 9 })), /not a cursor this list gave out/);
  });

  it('read one row more than the page, to give the cursor of the next only when there is one', async () => {
    const rows = [1, 2, 3].map((n) => ({ at: 10 - n, key: `k${n}` }));
    const asked: [unknown, number][] = [];
    const read = async (cursor: unknown, limit: number) => {
      asked.push([cursor, limit]);
      return rows.slice(0, limit);
    };
    const page = await readPage(undefined, 2, read, (r) => r);
    assert.deepEqual(page, { shown: rows.slice(0, 2), next: encodePageCursor({ at: 8, key: 'k2' }) });
    assert.deepEqual(await readPage(page.next ?? '', 3, read, (r) => r), { shown: rows, next: null });
    assert.deepEqual(asked, [
      [undefined, 3],
      [{ at: 8, key: 'k2' }, 4],
    ]);
    await assert.rejects(
      readPage('garbage', 2, read, (r) => r),
      { code: 'invalid_input' },
    );
  });
});
