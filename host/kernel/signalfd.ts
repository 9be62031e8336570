// signalfd(2): the calling process's pending signals, those in the fd's
// mask, read as struct signalfd_siginfo records. As on Linux
// (fs/signalfd.c): a read needs room for one record (EINVAL), takes as many
// pending signals as fit, lowest number first, each dequeued as delivery
// would (a blocked signal coalesces to one pending instance), and waits while
// none is pending (the first only: later ones never wait). Readiness and
// reads are the current process's (a forked child reads its own pending
// signals through the same description), woken when a signal becomes pending
// (SignalState.signalfdWait, Linux's sighand->signalfd_wqh). signalfd4 on an
// existing signalfd replaces its mask and ignores the flags; SIGKILL and
// SIGSTOP are never in a mask.
import { E, Errno } from '../abi/errno.js';
import { FileType, POLLIN, WOULD_BLOCK, type FileStat, type OpenFile } from './file.js';
import type { Kernel } from './kernel.js';
import type { Process } from './process.js';
import { sigbit, UNBLOCKABLE, type SigInfo } from './signals.js';
import { syscall, type SyscallDef } from './syscall.js';
import { WaitQueue } from './wait.js';
import { runCounter } from './ids.js';

/** Linux's values (SFD_CLOEXEC = O_CLOEXEC, SFD_NONBLOCK = O_NONBLOCK). */
export const SFD = { SFD_NONBLOCK: 0x800, SFD_CLOEXEC: 0x80000 } as const;
/** sizeof(struct signalfd_siginfo). */
export const SIGINFO_SIZE = 128;
const SIGCHLD = 17;

const nextIno = runCounter(1n << 24n);

export class SignalFd implements OpenFile {
  nonblock = false;
  append = false;
  refs = 0;
  readonly filetype = FileType.Unknown;
  readonly ino = nextIno();

  constructor(
    private readonly kernel: Kernel,
    private readonly creator: Process,
    public mask: bigint,
  ) {}

  /** The process reading or polling (signalfd_read and signalfd_poll look at current). */
  private proc(): Process {
    return this.kernel.current ?? this.creator;
  }
  get waitq(): WaitQueue {
    const s = this.proc().signals;
    return (s.signalfdWait ??= new WaitQueue());
  }
  describe(): string {
    return 'anon_inode:[signalfd]';
  }
  poll(): number {
    // signalfd_poll: EPOLLIN alone.
    return this.proc().signals.pendingSet() & this.mask ? POLLIN : 0;
  }
  read(iovs: Uint8Array[]): number {
    let room = 0;
    for (const v of iovs) room += v.length;
    const count = Math.floor(room / SIGINFO_SIZE);
    if (count === 0) throw new Errno(E.EINVAL);
    const pending = this.proc().signals.pending;
    const out = new Uint8Array(count * SIGINFO_SIZE);
    let n = 0;
    for (; n < count; n++) {
      let sig: number | undefined;
      for (const s of pending.keys()) if ((this.mask & sigbit(s)) !== 0n && (sig === undefined || s < sig)) sig = s;
      if (sig === undefined) break;
      const info = pending.get(sig)!;
      pending.delete(sig);
      copyInfo(out.subarray(n * SIGINFO_SIZE, (n + 1) * SIGINFO_SIZE), info);
    }
    if (n === 0) return WOULD_BLOCK;
    let o = 0;
    const bytes = n * SIGINFO_SIZE;
    for (const v of iovs) {
      const k = Math.min(v.length, bytes - o);
      v.set(out.subarray(o, o + k));
      o += k;
      if (o === bytes) break;
    }
    return bytes;
  }
  write(): number {
    // No write operation: vfs_write says EINVAL.
    throw new Errno(E.EINVAL);
  }
  stat(): FileStat {
    return { dev: 14n, ino: this.ino, filetype: FileType.Unknown, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };
  }
  close(): void {}
}

/**
 * signalfd_copyinfo: signo, errno (0), code, then the fields of the siginfo's layout: a kill's or a
 * child's pid and uid (a child's status too), SIGIO's band and fd.
 */
function copyInfo(b: Uint8Array, info: SigInfo): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  dv.setUint32(0, info.signo, true);
  dv.setInt32(8, info.code, true);
  if (info.band !== undefined) {
    dv.setUint32(28, info.band >>> 0, true);
    dv.setInt32(20, info.fd ?? 0, true);
    return;
  }
  dv.setUint32(12, info.pid >>> 0, true);
  dv.setUint32(16, info.uid >>> 0, true);
  if (info.signo === SIGCHLD && info.status !== undefined) dv.setInt32(40, info.status, true);
}

/** signalfd4(ufd, *mask, sizemask, flags): checks in do_signalfd4's order. */
function signalfd4(p: Process, ufd: number, maskPtr: number, sizemask: number, flags: number, out: number): number {
  if (sizemask !== 8) return E.EINVAL;
  p.mem.check(maskPtr, 8);
  p.mem.check(out, 4);
  if (flags & ~(SFD.SFD_CLOEXEC | SFD.SFD_NONBLOCK)) return E.EINVAL;
  const mask = p.mem.u64(maskPtr) & ~UNBLOCKABLE;
  if (ufd === -1) {
    const f = new SignalFd(p.kernel, p, mask);
    f.nonblock = (flags & SFD.SFD_NONBLOCK) !== 0;
    p.mem.setI32(out, p.fds.install(f, { cloexec: (flags & SFD.SFD_CLOEXEC) !== 0 }));
    return 0;
  }
  if (!p.fds.has(ufd)) return E.EBADF;
  const f = p.fds.file(ufd);
  if (!(f instanceof SignalFd)) return E.EINVAL;
  f.mask = mask;
  // A signal pending and now in the mask makes the fd readable.
  p.signals.signalfdWait?.wake();
  p.mem.setI32(out, ufd);
  return 0;
}

export const signalfdSyscalls: readonly SyscallDef[] = [
  syscall('socklab', 'signalfd4', { strace: 'signalfd4', classes: ['desc', 'signal'], params: ['fd:fd', 'mask:sigset', 'sizemask:u32', 'flags:sfd_flags', 'newfd:ret_fd'] }, signalfd4),
];
