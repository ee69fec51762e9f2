import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addLocalDays,
  instantOf,
  isValidTimeZone,
  localDateTime,
  nextLocalTime,
  offsetAt,
  WALL_CLOCK_PARTS,
} from './local-time.ts';

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const HOUR = 3_600_000;
const at9 = { hour: 9, minute: 0 };

describe('local time', () => {
  it('reads the wall clock and the offset in a zone', () => {
    const instant = Date.UTC(2025, 6, 4, 16, 30);
    assert.deepEqual(localDateTime(instant, NY), {
      year: 2025,
      month: 7,
      day: 4,
      hour: 12,
      minute: 30,
      second: 0,
      weekday: 5,
    });
    assert.equal(offsetAt(instant, NY), -4 * HOUR);
    assert.equal(offsetAt(instant, BERLIN), 2 * HOUR);
    assert.equal(offsetAt(Date.UTC(2025, 0, 4), BERLIN), 1 * HOUR);
    assert.equal(isValidTimeZone('Asia/Shanghai'), true);
    assert.equal(isValidTimeZone('Mars/Olympus'), false);
  });

  it('reads the same wall clock as Intl on every side of a transition, in odd zones too', () => {
    const changes = [Date.UTC(2025, 2, 8), Date.UTC(2025, 3, 5), Date.UTC(2025, 9, 25)];
    const zones = [NY, BERLIN, 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'Asia/Shanghai'];
    const cases: [string, number][] = [
      ...zones.flatMap((zone) => changes.map((from): [string, number] => [zone, from])),
      // Transitions off the quarter-hour grid: Monrovia's −0:44:30 ended at 00:44:30 UTC; Goose Bay changed at 00:01 local.
      ['Africa/Monrovia', Date.UTC(1972, 0, 6)],
      ['America/Goose_Bay', Date.UTC(2010, 2, 13)],
    ];
    for (const [timeZone, from] of cases) {
      // A formatter of its own, read directly: no slot cache between it and Intl.
      const reference = new Intl.DateTimeFormat('en-US', { timeZone, ...WALL_CLOCK_PARTS });
      // Steps of 7 min 13.5 s over two days: through each slot, its edges and the transition itself.
      for (let instant = from; instant < from + 2 * 24 * HOUR; instant += 433_500) {
        const parts = Object.fromEntries(
          reference.formatToParts(instant).flatMap((p) => (p.type === 'literal' ? [] : [[p.type, Number(p.value)]])),
        );
        const { weekday: _, ...wall } = localDateTime(instant, timeZone);
        assert.deepEqual(wall, parts, `${timeZone} at ${new Date(instant).toISOString()}`);
      }
    }
  });

  it('resolves skipped and repeated wall times like Temporal "compatible"', () => {
    // 02:30 does not exist on 9 March 2025 in New York: it becomes 03:30 EDT.
    assert.equal(instantOf({ year: 2025, month: 3, day: 9, hour: 2, minute: 30 }, NY), Date.UTC(2025, 2, 9, 7, 30));
    // 01:30 happens twice on 2 November 2025: the first one (EDT) is taken.
    assert.equal(instantOf({ year: 2025, month: 11, day: 2, hour: 1, minute: 30 }, NY), Date.UTC(2025, 10, 2, 5, 30));
    // Berlin skips 02:00–03:00 on 30 March and repeats it on 26 October 2025.
    assert.equal(
      instantOf({ year: 2025, month: 3, day: 30, hour: 2, minute: 30 }, BERLIN),
      Date.UTC(2025, 2, 30, 1, 30),
    );
    assert.equal(
      instantOf({ year: 2025, month: 10, day: 26, hour: 2, minute: 30 }, BERLIN),
      Date.UTC(2025, 9, 26, 0, 30),
    );
  });

  it('keeps the wall time when adding calendar days across DST', () => {
    const fridayNoonBerlin = Date.UTC(2025, 2, 28, 11, 0); // 12:00 CET
    const sunday = addLocalDays(fridayNoonBerlin, 2, BERLIN);
    assert.equal(sunday, Date.UTC(2025, 2, 30, 10, 0)); // 12:00 CEST
    assert.equal(sunday - fridayNoonBerlin, 47 * HOUR);
    const fallBack = addLocalDays(Date.UTC(2025, 10, 1, 16, 0), 1, NY); // Sat 12:00 EDT → Sun 12:00 EST
    assert.equal(fallBack, Date.UTC(2025, 10, 2, 17, 0));
  });

  it('finds the next 09:00 across spring-forward in New York and Berlin', () => {
    const nySaturday10am = Date.UTC(2025, 2, 8, 15, 0); // 10:00 EST, clocks go forward that night
    assert.equal(nextLocalTime({ after: nySaturday10am, timeZone: NY, ...at9 }), Date.UTC(2025, 2, 9, 13, 0)); // 09:00 EDT
    const berlinSaturday10am = Date.UTC(2025, 2, 29, 9, 0); // 10:00 CET
    assert.equal(nextLocalTime({ after: berlinSaturday10am, timeZone: BERLIN, ...at9 }), Date.UTC(2025, 2, 30, 7, 0));
  });

  it('finds the next 09:00 across fall-back in New York and Berlin', () => {
    const nySaturday10am = Date.UTC(2025, 10, 1, 14, 0); // 10:00 EDT
    assert.equal(nextLocalTime({ after: nySaturday10am, timeZone: NY, ...at9 }), Date.UTC(2025, 10, 2, 14, 0)); // 09:00 EST
    const berlinSaturday10am = Date.UTC(2025, 9, 25, 8, 0); // 10:00 CEST
    assert.equal(nextLocalTime({ after: berlinSaturday10am, timeZone: BERLIN, ...at9 }), Date.UTC(2025, 9, 26, 8, 0));
  });

  it('is strictly after `after`, and honours weekdays', () => {
    const monday9 = Date.UTC(2025, 0, 6, 9, 0);
    assert.equal(nextLocalTime({ after: monday9 - 1, timeZone: 'UTC', ...at9 }), monday9);
    assert.equal(nextLocalTime({ after: monday9, timeZone: 'UTC', ...at9 }), monday9 + 24 * HOUR);
    assert.equal(nextLocalTime({ after: monday9, timeZone: 'UTC', ...at9, weekdays: [1] }), monday9 + 7 * 24 * HOUR);
    assert.equal(nextLocalTime({ after: monday9, timeZone: 'UTC', ...at9, weekdays: [5, 6] }), monday9 + 4 * 24 * HOUR);
  });
});
