// timerfd_create(2) on the kernel's clock (virtual by default). As on Linux
// (fs/timerfd.c): a read of at least 8 bytes returns the number of
// expirations since the last read or settime (waiting while there is none);
// a periodic timer counts every interval that passed, and is re-armed only
// when its count is read (so an unread timer adds no events to the run).
import { E, Errno } from '../abi/errno.js';
import { FileType, POLLIN, POLLRDNORM, WOULD_BLOCK, type FileStat, type OpenFile } from './file.js';
import { WaitQueue } from './wait.js';
import { put } from './eventfd.js';
import type { Kernel } from './kernel.js';
import { runCounter } from './ids.js';

/** Linux's values. */
export const TFD = { TFD_NONBLOCK: 0x800, TFD_CLOEXEC: 0x80000, TFD_TIMER_ABSTIME: 1, TFD_TIMER_CANCEL_ON_SET: 2 } as const;
export const CLOCK_REALTIME = 0;
export const CLOCK_MONOTONIC = 1;
/** The clocks timerfd_create accepts: REALTIME, MONOTONIC, BOOTTIME, REALTIME_ALARM, BOOTTIME_ALARM. */
export const TIMERFD_CLOCKS: ReadonlySet<number> = new Set([0, 1, 7, 8, 9]);

const nextIno = runCounter(1n << 25n);

export class TimerFd implements OpenFile {
  nonblock = false;
  append = false;
  refs = 0;
  readonly filetype = FileType.Unknown;
  readonly waitq = new WaitQueue();
  readonly wakeKey = POLLIN;
  readonly ino = nextIno();
  /** Next expiry on the monotonic clock (ns), -1 when disarmed. */
  private expiry = -1;
  private interval = 0;
  private ticks = 0n;
  private timer: number | undefined;
  private closed = false;

  constructor(
    private readonly kernel: Kernel,
    readonly clockid: number,
  ) {}

  /** Whether the clock counts from the epoch (CLOCK_REALTIME and its alarm). */
  get realtime(): boolean {
    return this.clockid === 0 || this.clockid === 8;
  }
  private now(): number {
    return this.kernel.clock.now();
  }

  /** Counts the expirations up to now. */
  private sync(): void {
    if (this.expiry < 0) return;
    const now = this.now();
    if (now < this.expiry) return;
    if (this.interval > 0) {
      const k = Math.floor((now - this.expiry) / this.interval) + 1;
      this.ticks += BigInt(k);
      this.expiry += k * this.interval;
    } else {
      this.ticks += 1n;
      this.expiry = -1;
    }
  }
  /** A kernel timer at the next expiry, while the count is unread. */
  private arm(): void {
    if (this.timer !== undefined) this.kernel.timers.cancel(this.timer);
    this.timer = undefined;
    if (this.closed || this.expiry < 0 || this.ticks > 0n) return;
    this.timer = this.kernel.timers.add(this.expiry, () => {
      this.timer = undefined;
      this.sync();
      this.waitq.wake();
    });
  }

  /** timerfd_settime: value and interval in ns; abs: value is a time on the timer's clock. Returns the old setting. */
  set(valueNs: bigint, intervalNs: bigint, abs: boolean): { value: bigint; interval: bigint } {
    const old = this.get();
    this.ticks = 0n;
    this.interval = Number(intervalNs);
    if (valueNs === 0n) this.expiry = -1;
    else if (!abs) this.expiry = this.now() + Number(valueNs);
    else {
      const base = this.realtime ? this.kernel.clock.wall() - BigInt(this.now()) : 0n;
      this.expiry = Math.max(0, Number(valueNs - base));
    }
    this.sync();
    this.arm();
    if (this.ticks > 0n) this.waitq.wake();
    return old;
  }
  /** timerfd_gettime: time left to the next expiry (0: disarmed) and the interval, in ns. */
  get(): { value: bigint; interval: bigint } {
    this.sync();
    const value = this.expiry < 0 ? 0n : BigInt(Math.max(1, this.expiry - this.now()));
    return { value, interval: BigInt(this.interval) };
  }

  describe(): string {
    return 'anon_inode:[timerfd]';
  }
  poll(): number {
    this.sync();
    return this.ticks > 0n ? POLLIN | POLLRDNORM : 0;
  }
  read(iovs: Uint8Array[]): number {
    let n = 0;
    for (const v of iovs) n += v.length;
    if (n < 8) throw new Errno(E.EINVAL);
    this.sync();
    if (this.ticks === 0n) return WOULD_BLOCK;
    put(iovs, this.ticks);
    this.ticks = 0n;
    this.arm();
    return 8;
  }
  write(): number {
    throw new Errno(E.EINVAL);
  }
  stat(): FileStat {
    return { dev: 14n, ino: this.ino, filetype: FileType.Unknown, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };
  }
  close(): void {
    this.closed = true;
    this.arm();
  }
}
