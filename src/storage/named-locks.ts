/**
 * Named mutual exclusion among every process on one store: while `fn` runs under a name, no other
 * `withLock` of that name runs, here or in another process. `fn` reads and writes through the store
 * as usual; the lock only orders whole sections (a check and the write that depends on it). The lock
 * is released when `fn` settles, whether it returns or throws. Do not take a lock while holding one.
 */
export interface NamedLocks {
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * Holders of one name in this process one after another, in the order they asked; other names run
 * alongside. Alone it is the embedded store's lock (one process owns the file); PostgreSQL's puts it in
 * front of the database's lock, so that waiters in one process queue here rather than each holding a
 * connection.
 */
export class InProcessLocks implements NamedLocks {
  /** Settles when the last holder of the name asked so far releases it; absent when none is waiting. */
  private readonly tails = new Map<string, Promise<void>>();

  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    let release = (): void => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => released);
    this.tails.set(name, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(name) === tail) this.tails.delete(name);
    }
  }
}
