// ioctl(2) for the requests socket programs use: FIONREAD/SIOCINQ (bytes a
// read would return; a datagram socket's next datagram), TIOCOUTQ/SIOCOUTQ
// (bytes sent and not yet acknowledged), SIOCATMARK (sockatmark: the read
// position is at the urgent mark), FIONBIO (O_NONBLOCK on the open file
// description, for any fd), FIOASYNC (O_ASYNC, on sockets and pipes: the
// files with a fasync operation) and, on sockets, FIOSETOWN/SIOCSPGRP and
// FIOGETOWN/SIOCGPGRP (F_SETOWN/F_GETOWN). FIONREAD on a pipe gives the
// bytes buffered.
// Any other request is ENOTTY, as Linux answers a socket or pipe.
import { E } from '../../abi/errno.js';
import { PipeEnd } from '../../kernel/pipe.js';
import type { Process } from '../../kernel/process.js';
import { syscall, type SyscallDef } from '../../kernel/syscall.js';
import { setAsync, setOwner } from '../../kernel/fdcalls.js';
import { IOCTL } from '../addr/constants.js';
import { Socket } from '../socket/socket.js';

/** The requests a socket answers besides FIONREAD, FIONBIO and FIOASYNC. */
const SOCKET_REQS = new Set<number>([IOCTL.TIOCOUTQ, IOCTL.SIOCATMARK, IOCTL.FIOSETOWN, IOCTL.SIOCSPGRP, IOCTL.FIOGETOWN, IOCTL.SIOCGPGRP]);

function ioctl(p: Process, fd: number, req: number, arg: number): number {
  const f = p.fds.file(fd);
  req >>>= 0;
  // The int argument at NULL is EFAULT as on Linux (in linear memory 0 is an address); unknown requests never touch it.
  const known = req === IOCTL.FIONBIO || req === IOCTL.FIOASYNC || req === IOCTL.FIONREAD || (f instanceof Socket && SOCKET_REQS.has(req));
  if (known && arg === 0) return E.EFAULT;
  if (req === IOCTL.FIONBIO) {
    // do_vfs_ioctl handles FIONBIO itself, on every kind of file.
    f.nonblock = p.mem.i32(arg) !== 0;
    return 0;
  }
  if (req === IOCTL.FIOASYNC) {
    // ioctl_fioasync: ENOTTY for a file with no fasync operation.
    const on = p.mem.i32(arg) !== 0;
    if (!(f instanceof Socket) && !(f instanceof PipeEnd)) return E.ENOTTY;
    setAsync(p, f, fd, on);
    return 0;
  }
  let v: number;
  if (f instanceof Socket) {
    switch (req) {
      case IOCTL.FIONREAD: v = f.inq(); break;
      case IOCTL.TIOCOUTQ: v = f.outq(); break;
      case IOCTL.SIOCATMARK: v = f.atMark(); break;
      case IOCTL.FIOSETOWN: case IOCTL.SIOCSPGRP: return setOwner(p, f, p.mem.i32(arg));
      case IOCTL.FIOGETOWN: case IOCTL.SIOCGPGRP: v = f.fown?.get() ?? 0; break;
      default: return E.ENOTTY;
    }
  } else if (f instanceof PipeEnd && req === IOCTL.FIONREAD) {
    v = f.pipe.size;
  } else return E.ENOTTY;
  p.mem.setI32(arg, v);
  return 0;
}

export const ioctlDef: SyscallDef = syscall('socklab', 'ioctl', { strace: 'ioctl', classes: ['desc'], params: ['fd:fd', 'request:ioctl_req', 'arg:ioctl_arg'] }, ioctl);
