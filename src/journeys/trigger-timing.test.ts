import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JourneyTrigger } from './journey-schema.ts';
import { dateTraitStart, nextScheduledStart } from './trigger-timing.ts';

type DateTrigger = Extract<JourneyTrigger, { type: 'date_trait' }>;
const dateTrigger = (when: DateTrigger['when'], days: number): DateTrigger => ({
  type: 'date_trait',
  trait: 'renewal_date',
  when,
  days,
  at: '09:00',
});
const NOW = Date.UTC(2025, 0, 6, 12); // Monday 6 January 2025

describe('trigger timing', () => {
  it('fires a schedule on the listed days at local time', () => {
    const trigger = { type: 'schedule', at: '09:00', days: ['mon'] } as const;
    assert.equal(nextScheduledStart({ trigger, after: NOW, timeZone: 'Europe/Berlin' }), Date.UTC(2025, 0, 13, 8));
    assert.equal(
      nextScheduledStart({ trigger: { ...trigger, days: [] }, after: NOW, timeZone: 'UTC' }),
      Date.UTC(2025, 0, 7, 9),
    );
  });

  it('counts days before and after a date trait, in the customer zone', () => {
    const value = '2025-03-31';
    const before = dateTraitStart({
      trigger: dateTrigger('before', 7),
      value,
      after: NOW,
      timeZone: 'America/New_York',
    });
    assert.equal(before, Date.UTC(2025, 2, 24, 13)); // 09:00 EDT
    const after = dateTraitStart({
      trigger: dateTrigger('after', 30),
      value: Date.UTC(2024, 11, 31, 23),
      after: NOW,
      timeZone: 'Asia/Shanghai',
    });
    assert.equal(after, Date.UTC(2025, 0, 31, 1)); // 1 Jan in Shanghai + 30 days, 09:00 CST
    assert.equal(
      dateTraitStart({ trigger: dateTrigger('after', 1), value: '2024-01-01', after: NOW, timeZone: 'UTC' }),
      undefined,
    );
    assert.equal(
      dateTraitStart({ trigger: dateTrigger('after', 1), value: 'soon', after: NOW, timeZone: 'UTC' }),
      undefined,
    );
    // Not on the calendar: no reminder on 2 March for a date nobody has.
    assert.equal(
      dateTraitStart({ trigger: dateTrigger('before', 7), value: '2025-02-30', after: NOW, timeZone: 'UTC' }),
      undefined,
    );
  });

  it('finds the next anniversary, days earlier if asked, with 29 February on the 28th', () => {
    const birthday = (value: string, days = 0) =>
      dateTraitStart({ trigger: dateTrigger('anniversary', days), value, after: NOW, timeZone: 'UTC' });
    assert.equal(birthday('1990-03-15'), Date.UTC(2025, 2, 15, 9));
    assert.equal(birthday('1990-01-02'), Date.UTC(2026, 0, 2, 9));
    assert.equal(birthday('1990-01-10', 3), Date.UTC(2025, 0, 7, 9));
    assert.equal(birthday('2000-02-29'), Date.UTC(2025, 1, 28, 9));
  });
});
