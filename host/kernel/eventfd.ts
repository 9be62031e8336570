// eventfd(2): a 64-bit counter as an open file description. As on Linux
// (fs/eventfd.c): reads and writes move exactly 8 bytes (shorter buffers:
// EINVAL); a read takes the whole count (or 1 with EFD_SEMAPHORE) and waits
// while it is 0; a write adds to it and waits while the sum would pass
// 0xfffffffffffffffe; writing 0xffffffffffffffff is EINVAL. Readable while
// the count is not 0, writable while it is below the maximum.
import { E, Errno } from '../abi/errno.js';
import { FileType, POLLIN, POLLOUT, WOULD_BLOCK, type FileStat, type OpenFile } from './file.js';
import { WaitQueue } from './wait.js';
import { runCounter } from './ids.js';

/** Linux's values (EFD_CLOEXEC = O_CLOEXEC, EFD_NONBLOCK = O_NONBLOCK). */
export const EFD = { EFD_SEMAPHORE: 1, EFD_NONBLOCK: 0x800, EFD_CLOEXEC: 0x80000 } as const;
const ULLONG_MAX = 0xffffffffffffffffn;

const nextIno = runCounter(1n << 24n);

export class EventFd implements OpenFile {
  nonblock = false;
  append = false;
  refs = 0;
  readonly filetype = FileType.Unknown;
  readonly waitq = new WaitQueue();
  wakeKey = 0;
  readonly ino = nextIno();

  constructor(
    public count: bigint,
    readonly semaphore: boolean,
  ) {}

  describe(): string {
    return 'anon_inode:[eventfd]';
  }
  poll(): number {
    // eventfd_poll: EPOLLIN and EPOLLOUT alone (no RDNORM/WRNORM, unlike pipes and sockets); its wakes carry those keys.
    let m = 0;
    if (this.count > 0n) m |= POLLIN;
    if (this.count < ULLONG_MAX - 1n) m |= POLLOUT;
    return m;
  }
  read(iovs: Uint8Array[]): number {
    if (size(iovs) < 8) throw new Errno(E.EINVAL);
    if (this.count === 0n) return WOULD_BLOCK;
    const v = this.semaphore ? 1n : this.count;
    this.count -= v;
    put(iovs, v);
    this.wake(POLLOUT);
    return 8;
  }
  write(iovs: Uint8Array[]): number {
    if (size(iovs) < 8) throw new Errno(E.EINVAL);
    const v = get(iovs);
    if (v === ULLONG_MAX) throw new Errno(E.EINVAL);
    if (ULLONG_MAX - this.count <= v) return WOULD_BLOCK;
    this.count += v;
    this.wake(POLLIN);
    return 8;
  }
  private wake(key: number): void {
    this.wakeKey = key;
    this.waitq.wake();
  }
  stat(): FileStat {
    return { dev: 14n, ino: this.ino, filetype: FileType.Unknown, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };
  }
  close(): void {}
}

function size(iovs: Uint8Array[]): number {
  let n = 0;
  for (const v of iovs) n += v.length;
  return n;
}

/** The first 8 bytes of the iovecs, as a little-endian u64. */
export function get(iovs: Uint8Array[]): bigint {
  const b = new Uint8Array(8);
  let o = 0;
  for (const v of iovs) {
    const k = Math.min(v.length, 8 - o);
    b.set(v.subarray(0, k), o);
    o += k;
    if (o === 8) break;
  }
  return new DataView(b.buffer).getBigUint64(0, true);
}

/** Writes v as a little-endian u64 over the first 8 bytes of the iovecs. */
export function put(iovs: Uint8Array[], v: bigint): void {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  let o = 0;
  for (const x of iovs) {
    const k = Math.min(x.length, 8 - o);
    x.set(b.subarray(o, o + k));
    o += k;
    if (o === 8) break;
  }
}
