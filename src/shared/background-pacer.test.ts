import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BackgroundLedger, BackgroundPacer } from './background-pacer.ts';

/** A fake event loop: each cycle is a background slice, other busy time, then idle time. */
function fakeLoop() {
  const time = { active: 0, idle: 0 };
  return {
    loopTime: () => ({ ...time }),
    cycle(parts: { sliceMs: number; othersMs: number; idleMs: number }) {
      time.active += parts.sliceMs + parts.othersMs;
      time.idle += parts.idleMs;
    },
  };
}

describe('BackgroundPacer', () => {
  it('runs background slices back to back when nothing else needs the loop', () => {
    const loop = fakeLoop();
    const pacer = new BackgroundPacer(0.2, loop.loopTime);
    for (let i = 0; i < 5; i++) {
      loop.cycle({ sliceMs: 100, othersMs: 1, idleMs: 0 });
      assert.equal(pacer.pauseAfter(100), 0);
    }
  });

  it('gives way to saturating requests down to its minimum share', () => {
    const loop = fakeLoop();
    const pacer = new BackgroundPacer(0.2, loop.loopTime);
    let pause = 0;
    for (let i = 0; i < 10; i++) {
      // Requests fill every pause, and squeeze in between slices too.
      loop.cycle({ sliceMs: 100, othersMs: pause + 20, idleMs: 0 });
      pause = pacer.pauseAfter(100);
    }
    assert.ok(Math.abs(pause - 400) < 1, `paused ${pause} ms, wanted 400 (a 20% share)`);
  });

  it('under moderate load leaves requests their time plus headroom and takes the rest', () => {
    const loop = fakeLoop();
    const pacer = new BackgroundPacer(0.2, loop.loopTime);
    let pause = 0;
    for (let i = 0; i < 10; i++) {
      // Requests need 20% of the time; what is left of each pause is idle.
      const othersMs = 0.2 * (100 + pause);
      loop.cycle({ sliceMs: 100, othersMs, idleMs: Math.max(0, pause - othersMs) });
      pause = pacer.pauseAfter(100);
    }
    const share = 100 / (100 + pause);
    assert.ok(share > 0.6 && share < 0.75, `background share ${share}`);
  });

  it('does not take another background loop for request load', () => {
    const loop = fakeLoop();
    const ledger = new BackgroundLedger();
    const profiles = new BackgroundPacer(0.1, loop.loopTime, ledger);
    const journeys = new BackgroundPacer(0.1, loop.loopTime, ledger);
    for (let i = 0; i < 5; i++) {
      // The two loops take turns and nothing else runs: neither should pause.
      loop.cycle({ sliceMs: 50, othersMs: 0, idleMs: 0 });
      assert.equal(profiles.pauseAfter(50), 0);
      loop.cycle({ sliceMs: 50, othersMs: 0, idleMs: 0 });
      assert.equal(journeys.pauseAfter(50), 0);
    }
  });

  it('when told to, gives way to other background loops as to requests', () => {
    const loop = fakeLoop();
    const ledger = new BackgroundLedger();
    const journeys = new BackgroundPacer(0.1, loop.loopTime, ledger);
    const delivery = new BackgroundPacer(0.2, loop.loopTime, ledger, true);
    let pause = 0;
    for (let i = 0; i < 10; i++) {
      // A delivery slice, then the journey loop busy for a slice of its own and all of delivery's pause.
      loop.cycle({ sliceMs: 50, othersMs: 0, idleMs: 0 });
      pause = delivery.pauseAfter(50);
      loop.cycle({ sliceMs: 50 + pause, othersMs: 0, idleMs: 0 });
      assert.equal(journeys.pauseAfter(50 + pause), 0, 'the journey loop never waits for delivery');
    }
    const share = 50 / (50 + pause);
    assert.ok(Math.abs(share - 0.2) < 0.01, `delivery kept ${share} of the loop, wanted its minimum 0.2`);
  });
});
