import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCalendarDate, isTime, parseTime } from './iso-time.ts';

describe('times written as text', () => {
  it('refuses dates that are not on the calendar, which Date.parse rolls over', () => {
    for (const text of ['2026-02-30', '2026-02-29T10:00:00Z', '2026-04-31T00:00:00.000Z', '2026-13-01', '2026-00-10']) {
      assert.ok(Number.isNaN(parseTime(text)), text);
    }
    assert.equal(parseTime('2024-02-29T10:00:00Z'), Date.UTC(2024, 1, 29, 10));
    assert.ok(isCalendarDate(2000, 2, 29));
    assert.ok(!isCalendarDate(1900, 2, 29));
  });

  it('reads a date-time without an offset as UTC, and one with an offset as written', () => {
    assert.equal(parseTime('2026-11-25T10:00:00'), Date.UTC(2026, 10, 25, 10));
    assert.equal(parseTime('2026-11-25T10:00'), Date.UTC(2026, 10, 25, 10));
    assert.equal(parseTime('2026-11-25 10:00:00'), Date.UTC(2026, 10, 25, 10), 'as SQL and Python write it');
    assert.equal(parseTime('2026-11-25T10:00:00.250'), Date.UTC(2026, 10, 25, 10, 0, 0, 250));
    assert.equal(parseTime('2026-11-25T18:00:00+08:00'), Date.UTC(2026, 10, 25, 10));
    assert.equal(parseTime('2026-11-25'), Date.UTC(2026, 10, 25));
  });

  it('is no time for text that is not one', () => {
    assert.ok(!isTime('yesterday'));
    assert.ok(!isTime(''));
    assert.ok(isTime('2026-11-25T10:00:00.000Z'));
  });
});
