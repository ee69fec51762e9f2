import type { ClaimedMessage } from '../storage/delivery-store.ts';

/**
 * Durable "this send has started" marks for providers that cannot dedupe. After a crash, a claimed
 * message with the mark may have gone out (possibly sent); one without it never started and is simply
 * sent. A mark is written for the message about to start and the next `chunk − 1` of the slice in one
 * statement, so a slice costs one write per `chunk` sends; the price is that up to `chunk − 1` messages
 * marked but not yet started count as possibly sent if the process dies then.
 */
export class StartMarks {
  private order: readonly ClaimedMessage[] = [];
  private readonly writes = new Map<ClaimedMessage, Promise<void>>();

  constructor(
    private readonly write: (messages: readonly ClaimedMessage[]) => Promise<void>,
    private readonly chunk = 16,
  ) {}

  /** A new slice: its messages for providers that cannot dedupe, in the order they will start. */
  slice(messages: readonly ClaimedMessage[]): void {
    this.order = messages;
    this.writes.clear();
  }

  /**
   * Resolves once the message's mark is committed; its send may start then. `inFlight`, the provider's
   * concurrency, caps the group: more marks than sends that can start soon only add to "possibly sent".
   */
  mark(message: ClaimedMessage, inFlight = this.chunk): Promise<void> {
    const pending = this.writes.get(message);
    if (pending) return pending;
    const next = this.order.slice(this.order.indexOf(message) + 1).filter((m) => !this.writes.has(m));
    const group = [message, ...next.slice(0, Math.min(this.chunk, inFlight) - 1)];
    const written = this.write(group);
    for (const m of group) this.writes.set(m, written);
    return written;
  }
}
