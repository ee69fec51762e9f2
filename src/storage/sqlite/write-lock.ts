/**
 * One writer at a time among the server's threads that hold connections to the file (the main
 * thread, the append worker, the journey thread): a ticket lock in shared memory. SQLite's own lock
 * would do, but a writer that finds it taken polls with sleeps of up to 100 ms and may come back
 * after others have taken it again; here writers take turns in the order they asked, and a waiter
 * wakes as soon as its turn comes. Re-entrant within a thread, so a write nested in a transaction passes.
 * Other processes (the CLI) still meet SQLite's lock and its busy_timeout.
 */
export class WriteLock {
  /** [next ticket, ticket being served]: first come, first served, so a thread that writes again at once cannot barge ahead of one that was waiting. */
  private readonly cells: Int32Array;
  private depth = 0;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.cells = new Int32Array(buffer);
  }

  hold<T>(write: () => T): T {
    this.acquire();
    try {
      return write();
    } finally {
      this.release();
    }
  }

  acquire(): void {
    if (this.depth > 0) {
      this.depth += 1;
      return;
    }
    // A ticket is never given up: every holder releases in a finally, and the turns after it wait on it.
    const ticket = Atomics.add(this.cells, NEXT, 1);
    for (let serving = Atomics.load(this.cells, SERVING); serving !== ticket; ) {
      Atomics.wait(this.cells, SERVING, serving);
      serving = Atomics.load(this.cells, SERVING);
    }
    this.depth = 1;
  }

  release(): void {
    if (this.depth === 0) return;
    this.depth -= 1;
    if (this.depth > 0) return;
    Atomics.add(this.cells, SERVING, 1);
    Atomics.notify(this.cells, SERVING);
  }
}

const NEXT = 0;
const SERVING = 1;
