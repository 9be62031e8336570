// Wait queues: the one mechanism by which a blocked process is woken.
// A syscall that cannot complete registers its process on the queues of the
// objects it waits for (a socket's, a pipe's, a timer's) and suspends; when
// the object's state changes it calls wake(), and the kernel re-runs the call.

export interface Waiter {
  /** key: the wake's POLL* bits (see WaitQueue.wake); a process ignores it and re-checks. */
  wake(key?: number): void;
}

/**
 * A wake with no key: Linux's wake_up with a NULL key, every poll bit (an
 * epoll item takes it whatever it watches).
 */
export const WAKE_ANY = 0;
/** sock_def_readable's key: data or a connection arrived (EPOLLIN|EPOLLPRI|EPOLLRDNORM|EPOLLRDBAND). */
export const WAKE_IN = 0x001 | 0x002 | 0x040 | 0x080;
/** sk_write_space's key: room to send opened (EPOLLOUT|EPOLLWRNORM|EPOLLWRBAND). */
export const WAKE_OUT = 0x004 | 0x100 | 0x200;
/**
 * sk_state_change's wake (sock_def_wakeup: a FIN, a reset, the AF_UNIX
 * peer's shutdown or close): Linux gives it no key, so it is an event for
 * every epoll item; every POLL* bit says the same to the keyed callback.
 */
export const WAKE_STATE = 0x001 | 0x002 | 0x004 | 0x008 | 0x010 | 0x040 | 0x080 | 0x100 | 0x200 | 0x2000;
/** A wake only for sleepers' re-checks (a linger wait): nothing a poller watches changed, epoll ignores it. */
export const WAKE_QUIET = -1;

export class WaitQueue {
  /**
   * The oldest waiter, kept out of the Set: most queues hold one sleeper,
   * added and removed on every block, and a Set's add/delete churn costs a
   * table rehash every few blocks. Only an empty Set takes it, so it is
   * always older than every waiter in the Set (wake order stays FIFO).
   */
  private first: Waiter | undefined;
  private rest: Set<Waiter> | undefined;
  add(w: Waiter): void {
    if (w === this.first) return;
    if (this.first === undefined && (this.rest === undefined || this.rest.size === 0)) this.first = w;
    else (this.rest ??= new Set()).add(w);
  }
  remove(w: Waiter): void {
    if (w === this.first) this.first = undefined;
    else this.rest?.delete(w);
  }
  get size(): number {
    return (this.first === undefined ? 0 : 1) + (this.rest === undefined ? 0 : this.rest.size);
  }
  /**
   * Wakes every waiter; each re-checks its condition when it runs. `key` is
   * what the wake is about, the POLL* bits Linux passes to
   * wake_up_interruptible_sync_poll (POLLIN for an arrival, POLLOUT for
   * room): epoll's callback drops a wake whose key misses an item's events.
   */
  wake(key: number = WAKE_ANY): void {
    const f = this.first;
    const r = this.rest;
    // The common case, one sleeper: no copy; the wake stops after it, as the copy would (its wake may change the queue).
    if (r === undefined || r.size === 0) {
      f?.wake(key);
      return;
    }
    const all = [...r];
    if (f !== undefined) f.wake(key);
    for (const w of all) w.wake(key);
  }
}
