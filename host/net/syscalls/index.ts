// The socklab.* imports (docs/abi.md), one file per family of calls:
//   create.ts      socket, socketpair
//   connection.ts  bind, listen, accept4, connect, shutdown, getsockname, getpeername
//   message.ts     sendto, recvfrom, sendmsg, recvmsg, sendmmsg, recvmmsg
//   sockopt.ts     setsockopt, getsockopt
//   netdb.ts       getaddrinfo, getnameinfo, gethostname
//   ioctl.ts       ioctl (FIONREAD/SIOCINQ, SIOCOUTQ, SIOCATMARK, FIONBIO)
// and here poll and select (host/kernel/poll.ts) and sigpipe. Each decodes
// guest arguments, checks fds, flags and pointers the way Linux does, and
// drives the socket state machine. Blocking calls follow the kernel's
// discipline: try; on WOULD_BLOCK fail with EAGAIN (non-blocking,
// MSG_DONTWAIT, timeout) or suspend on the socket's wait queue and run again
// when woken.
import { E, Errno } from '../../abi/errno.js';
import type { OpenFile } from '../../kernel/file.js';
import { SIGNALS } from '../../kernel/signals.js';
import type { Process } from '../../kernel/process.js';
import { doPoll, doSelect, selectLeftOnInterrupt } from '../../kernel/poll.js';
import { syscall, type SyscallDef } from '../../kernel/syscall.js';
import type { WasiSocketShims } from '../../wasi/core.js';
import { MSG, SOCK_NONBLOCK } from '../addr/constants.js';
import { Socket } from '../socket/socket.js';
import { accept4Def, acceptDef, bindDef, connectDef, doAccept, doShutdown, getpeernameDef, getsocknameDef, listenDef, shutdownDef } from './connection.js';
import { socketDef, socketpairDef } from './create.js';
import { doRecv, doSend, recvfromDef, recvmmsgDef, recvmsgDef, sendmmsgDef, sendmsgDef, sendtoDef } from './message.js';
import { getaddrinfoDef, gethostnameDef, getnameinfoDef } from './netdb.js';
import { getsockoptDef, setsockoptDef } from './sockopt.js';
import { ioctlDef } from './ioctl.js';

const S = 'socklab';

/** Every socklab.* import, for the kernel's syscall table (this order is the table's). */
export const socketSyscalls: SyscallDef[] = [
  socketDef,
  socketpairDef,
  bindDef,
  listenDef,
  accept4Def,
  acceptDef,
  connectDef,
  sendtoDef,
  recvfromDef,
  sendmsgDef,
  recvmsgDef,
  shutdownDef,
  getsocknameDef,
  getpeernameDef,
  setsockoptDef,
  getsockoptDef,
  syscall(S, 'poll', { strace: 'poll', classes: ['desc'], params: ['fds:pollfds', 'nfds:u32', 'timeout:i32', 'ready:ret'], mayBlock: true }, doPoll),
  { ...syscall(S, 'select', { strace: 'select', classes: ['desc'], params: ['nfds:i32', 'readfds:fdset', 'writefds:fdset', 'exceptfds:fdset', 'timeout:timeval', 'ready:ret'], mayBlock: true }, doSelect), onInterrupt: selectLeftOnInterrupt },
  getaddrinfoDef,
  getnameinfoDef,
  gethostnameDef,
  syscall(S, 'sigpipe', { strace: 'rt_sigaction', classes: ['signal'], params: ['disposition:sigpipe_disp'] }, (p: Process, d: number) => {
    p.signals.ignoreOrDefault(SIGNALS.SIGPIPE, d === 1);
    return 0;
  }),
  ioctlDef,
  sendmmsgDef,
  recvmmsgDef,
];

/**
 * WASI preview1's sock_accept / sock_recv / sock_send / sock_shutdown, routed
 * to the same socket code (host/wasi/core.ts calls these):
 *   accept(p, fd, fdflags, fdOut) -> errno          (fdflags NONBLOCK=4 gives SOCK_NONBLOCK)
 *   recv(p, file, iovs, riflags, out) -> bytes | -errno | BLOCKED   (RECV_PEEK=1, RECV_WAITALL=2; out.roFlags 1 = data truncated)
 *   send(p, file, iovs, siflags) -> bytes | -errno | BLOCKED
 * recv and send take the open file the caller looked up (isSocket), not the fd again.
 *   shutdown(p, fd, how) -> errno                   (WASI RD=1, WR=2, both=3)
 */
function asSocket(f: OpenFile): Socket {
  if (!(f instanceof Socket)) throw new Errno(E.ENOTSOCK);
  return f;
}

export const sockShims: WasiSocketShims = {
  accept: (p, fd, flags, out) => doAccept(p, fd, 0, 0, flags & 4 ? SOCK_NONBLOCK : 0, out),
  recv: (p, f, iovs, riFlags, out) => {
    const flags = (riFlags & 1 ? MSG.MSG_PEEK : 0) | (riFlags & 2 ? MSG.MSG_WAITALL : 0);
    const r = doRecv(p, asSocket(f), iovs, flags);
    if (typeof r === 'number') return r; // -errno or BLOCKED
    out.roFlags = r.truncated ? 1 : 0;
    return r.n;
  },
  send: (p, f, iovs) => doSend(p, asSocket(f), iovs, 0, undefined),
  shutdown: (p, fd, how) => {
    // WASI: RD=1, WR=2; Linux: RD=0, WR=1, RDWR=2.
    if (how < 1 || how > 3) return E.EINVAL;
    return doShutdown(p, fd, how - 1);
  },
};

/** The socklab.* imports (docs/abi.md) and the routes for WASI's sock_* calls, built once. */
export function createSocketSyscalls(): { syscalls: SyscallDef[]; shims: WasiSocketShims } {
  return { syscalls: socketSyscalls, shims: sockShims };
}
