interface Link<T> {
  readonly value: T;
  next?: Link<T>;
}

/** First in, first out; a linked list, so taking the head is O(1) however long the line is (Array#shift is O(n)). */
export class FifoQueue<T> {
  private head?: Link<T>;
  private tail?: Link<T>;

  push(value: T): void {
    const link: Link<T> = { value };
    if (this.tail) this.tail.next = link;
    else this.head = link;
    this.tail = link;
  }

  shift(): T | undefined {
    const link = this.head;
    if (!link) return undefined;
    this.head = link.next;
    if (!this.head) this.tail = undefined;
    return link.value;
  }
}
