// The discrete-event queue: callbacks at absolute times on the kernel clock,
// ordered by (time, insertion order) so equal times fire deterministically.
// Process deadlines and every virtual-network event go through it.

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  live: boolean;
}

export class Timers {
  private heap: Timer[] = [];
  private byId = new Map<number, Timer>();
  private seq = 0;

  get size(): number {
    return this.byId.size;
  }

  /** Schedules fn at absolute time `at`; returns an id for cancel(). */
  add(at: number, fn: () => void): number {
    const t: Timer = { at, seq: ++this.seq, fn, live: true };
    this.byId.set(t.seq, t);
    this.push(t);
    return t.seq;
  }

  cancel(id: number): void {
    const t = this.byId.get(id);
    if (t) {
      t.live = false;
      this.byId.delete(id);
    }
  }

  /** Time of the earliest live timer, or undefined. */
  next(): number | undefined {
    this.prune();
    return this.heap[0]?.at;
  }

  /** Fires every timer due at or before `now`, in order; returns how many fired. */
  fireDue(now: number): number {
    let n = 0;
    for (;;) {
      this.prune();
      const t = this.heap[0];
      if (!t || t.at > now) return n;
      this.pop();
      this.byId.delete(t.seq);
      t.live = false;
      n++;
      t.fn();
    }
  }

  private prune(): void {
    while (this.heap.length && !this.heap[0]!.live) this.pop();
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
