// Wait queues: the one mechanism by which a blocked process is woken.
// A syscall that cannot complete registers its process on the queues of the
// objects it waits for (a socket's, a pipe's, a timer's) and suspends; when
// the object's state changes it calls wake(), and the kernel re-runs the call.

export interface Waiter {
  wake(): void;
}

export class WaitQueue {
  private readonly waiters = new Set<Waiter>();
  add(w: Waiter): void {
    this.waiters.add(w);
  }
  remove(w: Waiter): void {
    this.waiters.delete(w);
  }
  get size(): number {
    return this.waiters.size;
  }
  /** Wakes every waiter; each re-checks its condition when it runs. */
  wake(): void {
    if (this.waiters.size === 0) return;
    for (const w of [...this.waiters]) w.wake();
  }
}
