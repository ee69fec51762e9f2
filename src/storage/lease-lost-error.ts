/** A write by a processor whose cursor lease has passed to another process; the write was rolled back. */
export class LeaseLostError extends Error {
  constructor(cursor: string) {
    super(`lease on cursor ${cursor} is held by another process`);
    this.name = 'LeaseLostError';
  }
}
