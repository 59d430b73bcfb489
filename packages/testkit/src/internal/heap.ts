/**
 * A binary min-heap of scheduled items ordered by time, then by insertion order, so items due at
 * the same instant run first-in first-out (which keeps simulations deterministic).
 * @internal
 */

/** Anything the heap can order: a due time and a tie-breaking sequence number it assigns. */
export interface Scheduled {
  /** Due time in milliseconds. */
  at: number;
  /** Insertion order, assigned by {@link MinHeap.push}. */
  seq: number;
}

/** Binary min-heap on (`at`, `seq`). */
export class MinHeap<T extends Scheduled> {
  private readonly items: T[] = [];
  private nextSeq = 0;

  /** Number of items held. */
  get size(): number {
    return this.items.length;
  }

  /** The earliest item, without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds `item`, stamping its `seq`. */
  push(item: T): void {
    item.seq = this.nextSeq++;
    const items = this.items;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (p.at < item.at || (p.at === item.at && p.seq < item.seq)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      let c = items[left]!;
      if (right < n) {
        const r = items[right]!;
        if (r.at < c.at || (r.at === c.at && r.seq < c.seq)) {
          child = right;
          c = r;
        }
      }
      if (last.at < c.at || (last.at === c.at && last.seq < c.seq)) break;
      items[i] = c;
      i = child;
    }
    items[i] = last;
    return top;
  }

  /** Keeps only the items for which `keep` returns true (O(n log n); for rare compaction). */
  retain(keep: (item: T) => boolean): void {
    const kept = this.items.filter(keep);
    this.items.length = 0;
    kept.sort((a, b) => a.at - b.at || a.seq - b.seq);
    for (const item of kept) this.items.push(item);
  }

  /** Drops every item. */
  clear(): void {
    this.items.length = 0;
  }
}
