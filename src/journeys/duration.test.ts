import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDuration, approximateMs, isDuration, parseDuration } from './duration.ts';

describe('durations', () => {
  it('parses units and combinations', () => {
    assert.deepEqual(parseDuration('30m'), { days: 0, ms: 30 * 60_000 });
    assert.deepEqual(parseDuration('2h'), { days: 0, ms: 2 * 3_600_000 });
    assert.deepEqual(parseDuration('3d'), { days: 3, ms: 0 });
    assert.deepEqual(parseDuration('1w1d12h'), { days: 8, ms: 12 * 3_600_000 });
    assert.equal(approximateMs(parseDuration('1d')), 86_400_000);
  });

  it('rejects what is not a positive duration', () => {
    for (const text of ['', '3', '3 days', '1.5h', '-2h', '0m', 'h']) assert.equal(isDuration(text), false, text);
    assert.throws(() => parseDuration('soon'), /must be like 30m, 2h, 3d/);
  });

  it('counts days on the local calendar and hours as elapsed time across DST', () => {
    // Clocks in New York go forward on Sunday 9 March 2025 at 02:00.
    const saturday10am = Date.UTC(2025, 2, 8, 15, 0); // 10:00 EST
    assert.equal(addDuration(saturday10am, parseDuration('1d'), 'America/New_York'), Date.UTC(2025, 2, 9, 14, 0));
    assert.equal(addDuration(saturday10am, parseDuration('24h'), 'America/New_York'), Date.UTC(2025, 2, 9, 15, 0));
    assert.equal(addDuration(saturday10am, parseDuration('1d'), 'UTC'), saturday10am + 86_400_000);
  });
});
