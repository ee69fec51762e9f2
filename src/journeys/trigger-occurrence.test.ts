import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JourneyTrigger } from './journey-schema.ts';
import {
  afterPage,
  decideDateTimer,
  dueZoneValues,
  nextScheduleOccurrence,
  type WalkPosition,
} from './trigger-occurrence.ts';

type ScheduleTrigger = Extract<JourneyTrigger, { type: 'schedule' }>;
type DateTrigger = Extract<JourneyTrigger, { type: 'date_trait' }>;

const monday9: ScheduleTrigger = { type: 'schedule', at: '09:00', days: ['mon'] };
const T0 = Date.UTC(2025, 0, 6, 0, 30); // Monday 6 January 2025, 00:30 UTC
const SHANGHAI_9 = Date.UTC(2025, 0, 6, 1); // 09:00 in Shanghai
const NEW_YORK_9 = Date.UTC(2025, 0, 6, 14); // 09:00 in New York (EST)
const zones = ['Asia/Shanghai', 'America/New_York', null, 'Not/AZone'];

describe('schedule occurrences across zones', () => {
  it('plans the earliest zone next, then the next one after it', () => {
    const window = { trigger: monday9, zones, journeyZone: undefined };
    assert.equal(nextScheduleOccurrence({ ...window, after: T0 }), SHANGHAI_9);
    assert.equal(nextScheduleOccurrence({ ...window, after: SHANGHAI_9 }), Date.UTC(2025, 0, 6, 9), 'UTC next');
    assert.equal(nextScheduleOccurrence({ ...window, after: Date.UTC(2025, 0, 6, 9) }), NEW_YORK_9);
  });

  it('covers only the zones whose occurrence falls in the window; null and invalid zones fall back', () => {
    const window = { trigger: monday9, zones, journeyZone: undefined };
    assert.deepEqual(dueZoneValues({ ...window, since: T0, until: SHANGHAI_9 }), ['Asia/Shanghai']);
    assert.deepEqual(dueZoneValues({ ...window, since: SHANGHAI_9, until: Date.UTC(2025, 0, 6, 9) }), [
      null,
      'Not/AZone',
    ]);
    const berlin = { ...window, journeyZone: 'Europe/Berlin' };
    assert.deepEqual(dueZoneValues({ ...berlin, since: SHANGHAI_9, until: Date.UTC(2025, 0, 6, 8) }), [
      null,
      'Not/AZone',
    ]);
  });

  it('fires a zone first seen after planning once, late, rather than never', () => {
    const planned = nextScheduleOccurrence({
      trigger: monday9,
      zones: ['America/New_York'],
      journeyZone: undefined,
      after: T0,
    });
    const window = { trigger: monday9, zones: ['America/New_York', 'Asia/Shanghai'], journeyZone: undefined };
    assert.deepEqual(dueZoneValues({ ...window, since: T0, until: planned }), ['America/New_York', 'Asia/Shanghai']);
    const next = nextScheduleOccurrence({ ...window, after: planned });
    assert.deepEqual(dueZoneValues({ ...window, since: planned, until: next }), ['Asia/Shanghai']);
    assert.equal(next, SHANGHAI_9 + 7 * 86_400_000, 'a week later, not again today');
  });
});

describe('walking customers page by page', () => {
  /** A store of one walk position, written only when a page "commits"; a crash loses the page's work. */
  function walk(ids: readonly string[], pageSize: number, crashOnPage?: number) {
    let committed: WalkPosition = { dueAt: 100, since: 50, after: '' };
    const started: string[] = [];
    let pages = 0;
    while (committed.dueAt === 100) {
      const page = ids.filter((id) => id > committed.after).slice(0, pageSize);
      const pending = [...page];
      pages += 1;
      if (pages === crashOnPage) continue; // the process died before commit: nothing of this page stored
      const moved = afterPage(committed, { customerIds: page, pageSize }, () => 200);
      started.push(...pending);
      committed = { dueAt: moved.dueAt as number, since: moved.since, after: moved.after };
    }
    return { started, committed };
  }
  const ids = Array.from({ length: 23 }, (_, i) => `c${String(i).padStart(3, '0')}`);

  it('starts every due customer exactly once, and a crash mid-walk repeats only the page it lost', () => {
    for (const crashOnPage of [undefined, 1, 3, 5]) {
      const { started, committed } = walk(ids, 5, crashOnPage);
      assert.deepEqual(started, ids, `crash on page ${crashOnPage}`);
      assert.deepEqual(committed, { dueAt: 200, since: 100, after: '' }, 'then waits for the next occurrence');
    }
  });

  it('ends with an empty page when the last page was exactly full', () => {
    const { started, committed } = walk(ids.slice(0, 10), 5);
    assert.equal(started.length, 10);
    assert.equal(committed.after, '');
  });

  it('keeps the occurrence due after a full page', () => {
    const moved = afterPage({ dueAt: 100, since: 50, after: 'a' }, { customerIds: ['b', 'c'], pageSize: 2 }, () => 200);
    assert.deepEqual(moved, { dueAt: 100, since: 50, after: 'c' });
  });
});

describe('a due date timer', () => {
  const renewal: DateTrigger = { type: 'date_trait', trait: 'renewal_date', when: 'before', days: 7, at: '09:00' };
  const dueAt = Date.UTC(2025, 0, 25, 1); // 09:00 in Shanghai, 7 days before 1 February
  const ask = (value: unknown, timeZone = 'Asia/Shanghai', trigger = renewal) =>
    decideDateTimer({ trigger, value, dueAt, now: dueAt, timeZone });

  it('fires for the date it was set for, and says which date', () => {
    assert.deepEqual(ask('2025-02-01'), { fire: true, date: '2025-02-01', next: undefined });
  });

  it('moves instead of firing when the trait moved later, and drops when it is gone', () => {
    assert.deepEqual(ask('2025-03-01'), { fire: false, next: Date.UTC(2025, 1, 22, 1) });
    assert.deepEqual(ask(null), { fire: false, next: undefined });
    assert.deepEqual(ask('not a date'), { fire: false, next: undefined });
  });

  it('waits for the customer zone when it moved west', () => {
    assert.deepEqual(ask('2025-02-01', 'America/New_York'), { fire: false, next: Date.UTC(2025, 0, 25, 14) });
  });

  it('schedules an anniversary for next year', () => {
    const birthday: DateTrigger = { type: 'date_trait', trait: 'birthday', when: 'anniversary', days: 0, at: '09:00' };
    const decision = ask('1990-01-25', 'Asia/Shanghai', birthday);
    assert.deepEqual(decision, { fire: true, date: '2025-01-25', next: Date.UTC(2026, 0, 25, 1) });
  });
});
