// epoll(7) as Linux's fs/eventpoll.c has it: an interest list keyed by (fd
// number, open description), a ready list filled by a callback on each
// watched file's wait queue, and epoll_wait reporting from the head of the
// ready list (level-triggered items go back to its tail: round robin).
//
// A watched file's wake is an event for an item when it matches the item's
// events, by its key (the POLL* bits Linux would pass to wake_up_poll): the
// file's wakeKey where the file sets one, else the key the wake carries
// (sockets: POLLIN for an arrival, POLLOUT for room). A wake without a key
// is judged by poll(): an edge-triggered item takes it as an event when a
// bit it watches newly rose, or when it is readable (a keyless wake of a
// readable socket is taken as an arrival: a connection, a FIN).
//
// An item leaves the list when its open description's last reference is
// closed (not when one dup of it is): items whose description has no
// references left are dropped before every look at the list.
import { E, Errno } from '../abi/errno.js';
import { FileType, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLPRI, POLLRDNORM, type FileStat, type OpenFile } from './file.js';
import { WAKE_ANY, WaitQueue, type Waiter } from './wait.js';
import type { Process } from './process.js';
import { EventFd } from './eventfd.js';
import { TimerFd } from './timerfd.js';
import { runCounter } from './ids.js';

/** Linux's values. */
export const EPOLL = {
  EPOLLIN: 0x001, EPOLLPRI: 0x002, EPOLLOUT: 0x004, EPOLLERR: 0x008, EPOLLHUP: 0x010, EPOLLNVAL: 0x020,
  EPOLLRDNORM: 0x040, EPOLLRDBAND: 0x080, EPOLLWRNORM: 0x100, EPOLLWRBAND: 0x200, EPOLLMSG: 0x400, EPOLLRDHUP: 0x2000,
  EPOLLEXCLUSIVE: 1 << 28, EPOLLWAKEUP: 1 << 29, EPOLLONESHOT: 1 << 30, EPOLLET: 0x80000000,
} as const;
export const EPOLL_CTL = { ADD: 1, DEL: 2, MOD: 3 } as const;
export const EPOLL_CLOEXEC = 0x80000;
/** Bits that are not events: an item with none but these is disarmed (EPOLLONESHOT after its event). */
const EP_PRIVATE_BITS = EPOLL.EPOLLWAKEUP | EPOLL.EPOLLONESHOT | EPOLL.EPOLLET | EPOLL.EPOLLEXCLUSIVE;
const EPOLLINOUT_BITS = EPOLL.EPOLLIN | EPOLL.EPOLLOUT;
const EPOLLEXCLUSIVE_OK_BITS = EPOLLINOUT_BITS | EPOLL.EPOLLERR | EPOLL.EPOLLHUP | EPOLL.EPOLLWAKEUP | EPOLL.EPOLLET | EPOLL.EPOLLEXCLUSIVE;
/** What a readable wake looks like (an arrival). */
const READ_BITS = POLLIN | POLLRDNORM | POLLPRI | EPOLL.EPOLLRDBAND;
/** The longest chain of nested epoll instances Linux allows (EP_MAX_NESTS). */
const EP_MAX_NESTS = 4;

const nextIno = runCounter(1n << 26n);

class Item {
  /** The watched bits plus EPOLLERR|EPOLLHUP and the flags (EPOLLET...); data is the user's u64. */
  events: number;
  data: bigint;
  /** What poll() showed at the last wake or report (edge detection for files without wakeKey). */
  seen = 0;
  constructor(
    readonly ep: EpollFile,
    readonly fd: number,
    readonly file: OpenFile,
    events: number,
    data: bigint,
  ) {
    this.events = events;
    this.data = data;
  }
  get exclusive(): boolean {
    return (this.events & EPOLL.EPOLLEXCLUSIVE) !== 0;
  }
  /** The item's events the file shows now. */
  revents(): number {
    return (this.file.poll() & this.events) >>> 0;
  }
  /** ep_poll_callback: true when the wake (with its key, WAKE_ANY for none) was an event for this item (it then joins the ready list). */
  callback(wakeKey: number): boolean {
    if (this.file.refs <= 0) return false;
    if (!(this.events & ~EP_PRIVATE_BITS)) return false;
    const key = this.file.wakeKey ?? (wakeKey === WAKE_ANY ? undefined : wakeKey);
    let event: boolean;
    if (key !== undefined) {
      event = key >= 0 && (!key || (key & this.events) !== 0);
      this.seen = this.file.poll();
    } else {
      const now = this.file.poll();
      const cur = now & this.events;
      if (this.events & EPOLL.EPOLLET) event = (cur & ~this.seen) !== 0 || (cur & READ_BITS) !== 0;
      else event = cur !== 0;
      this.seen = now;
    }
    if (!event) return false;
    // An exclusive item takes the wake (stops it) only when a caller sleeps in epoll_wait on it.
    const sleeping = this.ep.sleepers.size > 0;
    this.ep.enqueue(this);
    if (!this.exclusive) return true;
    const key2 = (key ?? 0) & EPOLLINOUT_BITS;
    return sleeping && (key2 === 0 || (key2 & this.events) !== 0);
  }
}

/**
 * Every epoll item on one wait queue, in the order Linux's wait queue wakes
 * them: the others newest first (add_wait_queue puts them at the head), then
 * the EPOLLEXCLUSIVE ones oldest first, until one takes the event
 * (__wake_up_common with nr_exclusive = 1).
 */
class Hook implements Waiter {
  readonly shared: Item[] = [];
  readonly exclusive: Item[] = [];
  /** eventfd and timerfd wake every waiter (wake_up_locked_poll), exclusive or not. */
  constructor(private readonly wakesAll: boolean) {}
  wake(key: number = WAKE_ANY): void {
    const shared = [...this.shared];
    for (let i = shared.length - 1; i >= 0; i--) shared[i]!.callback(key);
    for (const it of [...this.exclusive]) if (it.callback(key) && !this.wakesAll) return;
  }
  get empty(): boolean {
    return !this.shared.length && !this.exclusive.length;
  }
}
const hooks = new WeakMap<WaitQueue, Hook>();

export interface EpollEvent {
  events: number;
  data: bigint;
}

export class EpollFile implements OpenFile {
  nonblock = false;
  append = false;
  refs = 0;
  readonly filetype = FileType.Unknown;
  /** Whoever polls this epoll fd (poll, select, a nesting epoll): Linux's ep->poll_wait. */
  readonly waitq = new WaitQueue();
  /** Callers blocked in epoll_wait: Linux's ep->wq. */
  readonly sleepers = new WaitQueue();
  readonly wakeKey = POLLIN;
  readonly ino = nextIno();
  /** Interest list: description -> fd number -> item. */
  private readonly items = new Map<OpenFile, Map<number, Item>>();
  /** Ready list, in order (a Set keeps insertion order). */
  private ready = new Set<Item>();
  private busy = false;
  /** Interest-list size after the last prune. */
  private prunedAt = 0;
  /** Epoll instances that watch this one, with how many items each has on it. */
  readonly parents = new Map<EpollFile, number>();

  describe(): string {
    return 'anon_inode:[eventpoll]';
  }

  /** Drops the items whose description was closed by its last reference. */
  private prune(): void {
    for (const [f, byFd] of this.items) {
      if (f.refs > 0) continue;
      for (const it of byFd.values()) this.unhook(it);
      this.items.delete(f);
    }
    this.prunedAt = this.items.size;
  }

  /**
   * prune, amortised: a closed description is never found again (no fd names
   * it), so the lookups of epoll_ctl need not scan the interest list; it is
   * swept once it doubled, which keeps 60,000 registrations linear.
   */
  private pruneSometimes(): void {
    if (this.items.size >= 2 * this.prunedAt + 64) this.prune();
  }

  find(fd: number, f: OpenFile): Item | undefined {
    this.pruneSometimes();
    return this.items.get(f)?.get(fd);
  }

  /**
   * OpenFile.hostSync for a zero-timeout epoll_wait (or a poll of this fd): the first watched file with outside
   * state lets the host catch up (a real network syncs as a whole, so one is enough; a nested epoll asks its own).
   */
  hostSync(p: Process): number | undefined {
    for (const f of this.items.keys()) if (f.refs > 0 && f.hostSync !== undefined) return f.hostSync(p);
    return undefined;
  }

  /** The epoll files this one watches (for the loop and depth checks). */
  children(): EpollFile[] {
    this.prune();
    return [...this.items.keys()].filter((f): f is EpollFile => f instanceof EpollFile);
  }

  /** ep_poll_callback's end: the item joins the ready list (once), and both kinds of waiters are woken. */
  enqueue(it: Item): void {
    this.ready.add(it);
    this.sleepers.wake();
    this.waitq.wake();
  }

  add(fd: number, f: OpenFile, events: number, data: bigint): void {
    const it = new Item(this, fd, f, (events | POLLERR | POLLHUP) >>> 0, data);
    let byFd = this.items.get(f);
    if (!byFd) this.items.set(f, (byFd = new Map()));
    byFd.set(fd, it);
    let h = hooks.get(f.waitq);
    if (!h) {
      hooks.set(f.waitq, (h = new Hook(f instanceof EventFd || f instanceof TimerFd)));
      f.waitq.add(h);
    }
    (it.exclusive ? h.exclusive : h.shared).push(it);
    if (f instanceof EpollFile) f.parents.set(this, (f.parents.get(this) ?? 0) + 1);
    it.seen = f.poll();
    if (it.revents()) this.enqueue(it);
  }

  modify(it: Item, events: number, data: bigint): void {
    it.events = (events | POLLERR | POLLHUP) >>> 0;
    it.data = data;
    it.seen = it.file.poll();
    if (it.revents()) this.enqueue(it);
  }

  remove(it: Item): void {
    this.unhook(it);
    const byFd = this.items.get(it.file);
    byFd?.delete(it.fd);
    if (byFd && !byFd.size) this.items.delete(it.file);
  }

  private unhook(it: Item): void {
    this.ready.delete(it);
    if (it.file instanceof EpollFile) {
      const n = (it.file.parents.get(this) ?? 1) - 1;
      if (n > 0) it.file.parents.set(this, n);
      else it.file.parents.delete(this);
    }
    const q = it.file.waitq;
    const h = hooks.get(q);
    if (!h) return;
    const list = it.exclusive ? h.exclusive : h.shared;
    const i = list.indexOf(it);
    if (i >= 0) list.splice(i, 1);
    if (h.empty) {
      q.remove(h);
      hooks.delete(q);
    }
  }

  /**
   * ep_send_events: up to max events from the head of the ready list. Items
   * not ready now drop off it; a level-triggered item that was reported goes
   * back to its tail; EPOLLONESHOT disarms the item.
   */
  collect(max: number): EpollEvent[] {
    const out: EpollEvent[] = [];
    const visited: Item[] = [];
    const again: Item[] = [];
    // Only the items on the list now are scanned, and only as far as max needs: with 60,000 ready
    // items, a wait costs what it returns, as on Linux, not the whole list.
    const snapshot = this.ready.size;
    // Reading a nested epoll's readiness must not re-enter this scan.
    this.busy = true;
    try {
      for (const it of this.ready) {
        if (visited.length === snapshot || out.length >= max) break;
        visited.push(it);
        // Its description was closed: it leaves the interest list (prune's work, for one item).
        if (it.file.refs <= 0) {
          this.remove(it);
          continue;
        }
        const rev = it.revents();
        if (!rev) continue;
        out.push({ events: rev, data: it.data });
        it.seen = it.file.poll();
        if (it.events & EPOLL.EPOLLONESHOT) it.events = (it.events & EP_PRIVATE_BITS) >>> 0;
        else if (!(it.events & EPOLL.EPOLLET)) again.push(it);
      }
    } finally {
      this.busy = false;
    }
    // Not reached: stays at the head, in order; the reported level-triggered ones after it, then the ones added meanwhile.
    for (const it of visited) this.ready.delete(it);
    const rest = snapshot - visited.length;
    const added = this.ready.size > rest ? [...this.ready].slice(rest) : [];
    for (const it of added) this.ready.delete(it);
    for (const it of again) this.ready.add(it);
    for (const it of added) this.ready.add(it);
    return out;
  }

  /** Readable when an item on the ready list shows an event (ep_eventpoll_poll). */
  poll(): number {
    if (this.busy) return 0;
    this.busy = true;
    try {
      for (const it of this.ready) if (it.file.refs > 0 && it.revents()) return POLLIN | POLLRDNORM;
    } finally {
      this.busy = false;
    }
    return 0;
  }

  read(): number {
    throw new Errno(E.EINVAL);
  }
  write(): number {
    throw new Errno(E.EINVAL);
  }
  stat(): FileStat {
    return { dev: 14n, ino: this.ino, filetype: FileType.Unknown, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };
  }
  close(): void {
    for (const byFd of this.items.values()) for (const it of byFd.values()) this.unhook(it);
    this.items.clear();
    this.ready.clear();
  }
}

/**
 * ep_loop_check: adding `target` to `ep` closes a loop when `ep` can be
 * reached from `target`, and nests too deep when the epoll levels under
 * `target`, plus one, plus those above `ep`, pass EP_MAX_NESTS (ELOOP).
 */
export function wouldLoop(ep: EpollFile, target: EpollFile): boolean {
  const down = (e: EpollFile, depth: number, path: Set<EpollFile>): number => {
    if (path.has(e)) return depth;
    path.add(e);
    let d = depth;
    for (const c of e.children()) d = c === ep ? Infinity : Math.max(d, down(c, depth + 1, path));
    path.delete(e);
    return d;
  };
  const depth = down(target, 0, new Set());
  if (depth > EP_MAX_NESTS) return true;
  const up = (e: EpollFile, path: Set<EpollFile>): number => {
    if (path.has(e)) return 0;
    path.add(e);
    let d = 0;
    for (const p of e.parents.keys()) if (p.refs > 0) d = Math.max(d, 1 + up(p, path));
    path.delete(e);
    return d;
  };
  return depth + 1 + up(ep, new Set()) > EP_MAX_NESTS;
}

export { EPOLLINOUT_BITS, EPOLLEXCLUSIVE_OK_BITS, POLLIN, POLLOUT };
