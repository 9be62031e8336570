// ioctl(2) for the requests socket programs use: FIONREAD/SIOCINQ (bytes a
// read would return; a datagram socket's next datagram), TIOCOUTQ/SIOCOUTQ
// (bytes sent and not yet acknowledged), SIOCATMARK (sockatmark: the read
// position is at the urgent mark), FIONBIO (O_NONBLOCK on the open file
// description, for any fd), FIOASYNC (O_ASYNC, on sockets and pipes: the
// files with a fasync operation) and, on sockets, FIOSETOWN/SIOCSPGRP and
// FIOGETOWN/SIOCGPGRP (F_SETOWN/F_GETOWN), SIOCGIFNAME/SIOCGIFINDEX (the
// interface names). FIONREAD on a pipe gives the bytes buffered.
// Any other request is ENOTTY, as Linux answers a socket or pipe.
import { E } from '../../abi/errno.js';
import { PipeEnd } from '../../kernel/pipe.js';
import type { Process } from '../../kernel/process.js';
import { syscall, type SyscallDef } from '../../kernel/syscall.js';
import { setAsync, setOwner } from '../../kernel/fdcalls.js';
import { IOCTL } from '../addr/constants.js';
import { Socket } from '../socket/socket.js';
import { IFINDEX } from '../virtual/multicast.js';

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
  if (f instanceof Socket && (req === IOCTL.SIOCGIFNAME || req === IOCTL.SIOCGIFINDEX)) return ifreq(p, req, arg);
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

/**
 * SIOCGIFNAME and SIOCGIFINDEX (dev_ifname, dev_ioctl) on any socket: a
 * struct ifreq (wasm32: 32 bytes, the name then the index) in and out. The
 * virtual host's interfaces, as IP_PKTINFO and the multicast options number
 * them: lo 1, eth0 2; anything else is ENODEV.
 */
function ifreq(p: Process, req: number, arg: number): number {
  if (arg === 0) return E.EFAULT;
  const r = p.mem.read(arg, IFREQ_SIZE);
  if (req === IOCTL.SIOCGIFNAME) {
    const name = IFNAMES[p.mem.i32(arg + 16)];
    if (!name) return E.ENODEV;
    const b = new Uint8Array(16);
    b.set(new TextEncoder().encode(name));
    p.mem.write(arg, b);
    return 0;
  }
  const end = r.subarray(0, 15).indexOf(0);
  const name = new TextDecoder().decode(r.subarray(0, end < 0 ? 15 : end));
  const index = IFNAMES.indexOf(name);
  if (index < 1) return E.ENODEV;
  p.mem.setI32(arg + 16, index);
  return 0;
}
const IFREQ_SIZE = 32;
/** Interface names by index. */
const IFNAMES: string[] = [];
for (const [name, i] of Object.entries(IFINDEX)) IFNAMES[i] = name;

export const ioctlDef: SyscallDef = syscall('socklab', 'ioctl', { strace: 'ioctl', classes: ['desc'], params: ['fd:fd', 'request:ioctl_req', 'arg:ioctl_arg'] }, ioctl);
