// The open-file-description contract shared by every kind of fd: stdio,
// in-memory and host files, directories, pipes and sockets. One fd table
// holds them all, so read/write/close/poll work the same on each (design
// decision 1). Operations never block: they return WOULD_BLOCK and the
// syscall layer decides whether to suspend (blocking fd) or fail with
// EAGAIN (O_NONBLOCK), exactly as a Linux wait loop would.
import type { WaitQueue } from './wait.js';
import type { Process } from './process.js';
import type { FileOwner } from './signals.js';

/** Returned by non-blocking primitives when the call must wait. */
export const WOULD_BLOCK = -1;

/** poll(2) event bits, Linux values. */
export const POLLIN = 0x001;
export const POLLPRI = 0x002;
export const POLLOUT = 0x004;
export const POLLERR = 0x008;
export const POLLHUP = 0x010;
export const POLLNVAL = 0x020;
export const POLLRDNORM = 0x040;
export const POLLWRNORM = 0x100;
export const POLLWRBAND = 0x200;
export const POLLRDHUP = 0x2000;

/** WASI filetype values (preview1). */
export const enum FileType {
  Unknown = 0,
  BlockDevice = 1,
  CharacterDevice = 2,
  Directory = 3,
  RegularFile = 4,
  SocketDgram = 5,
  SocketStream = 6,
  SymbolicLink = 7,
}

export interface FileStat {
  dev: bigint;
  ino: bigint;
  filetype: FileType;
  nlink: bigint;
  size: bigint;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
  /** Permission bits (07777) where the file has them (st_mode's low bits; docs/abi.md). */
  mode?: number;
  /** st_uid and st_gid (host/fs/owners.ts); 0 where the file has none of its own (mounted host files, devices). */
  uid?: number;
  gid?: number;
  /** A device's st_rdev (host/fs/devices.ts). */
  rdev?: { major: number; minor: number };
}

export interface OpenFile {
  /** What strace -yy would print after the fd number, e.g. "/tmp/x", "TCP:[...]"; kept cheap. */
  describe(): string;
  readonly filetype: FileType;
  /** O_NONBLOCK / O_APPEND live on the description, shared by dup'ed fds. */
  nonblock: boolean;
  append: boolean;
  /** Readiness (POLL* bits) right now. */
  poll(): number;
  /**
   * A file whose state comes from outside the simulation (a real socket):
   * before a call reports it without waiting (EAGAIN, a poll with no
   * timeout, FIONREAD), BLOCKED while the host's event loop must first take
   * in what the host kernel already holds; undefined to answer now.
   */
  hostSync?(p: Process): number | undefined;
  /** Woken whenever poll() may have changed. */
  readonly waitq: WaitQueue;
  /**
   * The POLL* bits of the change behind the latest waitq.wake(), as Linux
   * passes a key to wake_up_poll (0: any change; negative: a wake Linux would
   * not make, only for the waiters' re-checks). epoll filters wakes by it; a
   * file without it is judged from poll() alone (host/kernel/epoll.ts).
   */
  readonly wakeKey?: number;
  /** Scatter read; bytes read, 0 at EOF, WOULD_BLOCK, or throws Errno. */
  read(iovs: Uint8Array[]): number;
  /** Gather write; bytes written (may be short), WOULD_BLOCK, or throws Errno. */
  write(iovs: Uint8Array[]): number;
  pread?(iovs: Uint8Array[], offset: bigint): number;
  pwrite?(iovs: Uint8Array[], offset: bigint): number;
  /** WASI whence: 0 SET, 1 CUR, 2 END. Throws ESPIPE where there is no position. */
  seek?(offset: bigint, whence: number): bigint;
  stat(): FileStat;
  /** fchmod(2): sets the permission bits (07777) of the file's inode (host/fs/modecalls.ts); absent, the call changes nothing. */
  chmod?(mode: number): void;
  /** SO_RCVTIMEO / SO_SNDTIMEO in ns (negative: none), honoured by blocking read/write. */
  timeoutNs?(dir: 'read' | 'write'): number;
  /** Set on sockets: fd_write's EPIPE then raises SIGPIPE (see signals.ts brokenPipe). */
  readonly isSocket?: boolean;
  /** Set on pipes: a write with no reader left raises SIGPIPE, as on a socket. */
  readonly raisesSigpipe?: boolean;
  /** The access mode fcntl(F_GETFL) reports; unset means read and write. */
  readonly readable?: boolean;
  readonly writable?: boolean;
  /** Linux's files without a poll operation (/dev/null, /dev/zero): epoll_ctl refuses them with EPERM. */
  readonly noEpoll?: boolean;
  /** Called when the last fd referring to this description is closed. */
  close(): void;
  /**
   * After close(): what close(2) still waits for (a socket's SO_LINGER {1, N}:
   * until its data is acknowledged, for at most `ns`), or undefined.
   */
  closeWait?(): { ns: number; done: () => boolean } | undefined;
  /** Set by the fd table; close() runs when it drops to zero. */
  refs: number;
  /** F_SETOWN's owner, F_SETSIG's signal and O_ASYNC (signals.ts FileOwner); made on first use. */
  fown?: FileOwner;
}
