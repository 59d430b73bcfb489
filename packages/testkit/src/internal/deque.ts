/**
 * A growable ring buffer: O(1) push, shift and peek at both ends, for the packet queues that a
 * busy simulation fills and drains thousands of times a second (`Array.prototype.shift` is O(n)).
 * @internal
 */
export class Deque<T> {
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;
  private mask: number;

  constructor(capacity = 8) {
    let size = 8;
    while (size < capacity) size *= 2;
    this.items = new Array(size);
    this.mask = size - 1;
  }

  /** Number of items held. */
  get length(): number {
    return this.count;
  }

  /** Appends at the back. */
  push(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) & this.mask] = item;
    this.count++;
  }

  /** Removes and returns the front item, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    return item;
  }

  /** The front item without removing it. */
  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  /** The item at position `index` from the front (0 = front). */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.items[(this.head + index) & this.mask];
  }

  /** Drops every item. */
  clear(): void {
    this.items = new Array(8);
    this.mask = 7;
    this.head = 0;
    this.count = 0;
  }

  /**
   * Keeps only the items for which `keep` returns true, in order; returns how many were removed.
   * O(n): meant for rare operations such as closing a channel.
   */
  filter(keep: (item: T) => boolean): number {
    const kept: T[] = [];
    for (let i = 0; i < this.count; i++) {
      const item = this.items[(this.head + i) & this.mask] as T;
      if (keep(item)) kept.push(item);
    }
    const removed = this.count - kept.length;
    if (removed === 0) return 0;
    this.clear();
    for (const item of kept) this.push(item);
    return removed;
  }

  /** Iterates front to back. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.head + i) & this.mask] as T;
  }

  private grow(): void {
    const size = this.items.length * 2;
    const next: (T | undefined)[] = new Array(size);
    for (let i = 0; i < this.count; i++) next[i] = this.items[(this.head + i) & this.mask];
    this.items = next;
    this.head = 0;
    this.mask = size - 1;
  }
}
