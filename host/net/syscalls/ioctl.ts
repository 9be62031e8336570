// ioctl(2) for the requests socket programs use: FIONREAD/SIOCINQ (bytes a
// read would return; a datagram socket's next datagram), TIOCOUTQ/SIOCOUTQ
// (bytes sent and not yet acknowledged), SIOCATMARK (sockatmark: the read
// position is at the urgent mark), FIONBIO (O_NONBLOCK on the open file
// description, for any fd), FIOASYNC (O_ASYNC, on sockets and pipes: the
// files with a fasync operation) and, on sockets, FIOSETOWN/SIOCSPGRP and
// FIOGETOWN/SIOCGPGRP (F_SETOWN/F_GETOWN), and the interface requests
// (SIOCGIFNAME, SIOCGIFINDEX, SIOCGIFCONF, SIOCGIFFLAGS, SIOCGIFADDR,
// SIOCGIFNETMASK, SIOCGIFBRDADDR, SIOCGIFDSTADDR, SIOCGIFMTU, SIOCGIFHWADDR)
// over the host's interfaces. FIONREAD on a pipe gives the bytes buffered.
// Any other request is ENOTTY, as Linux answers a socket or pipe (a socket's
// type-0x89 requests first read a struct ifreq: devIoctl).
import { E } from '../../abi/errno.js';
import { PipeEnd } from '../../kernel/pipe.js';
import type { Process } from '../../kernel/process.js';
import { syscall, type SyscallDef } from '../../kernel/syscall.js';
import { setAsync, setOwner } from '../../kernel/fdcalls.js';
import { AF, IOCTL } from '../addr/constants.js';
import { Socket } from '../socket/socket.js';
import { ipBytes } from '../addr/ipaddr.js';
import type { NetIface } from '../socket/network.js';
import { realNetOf } from '../real/network.js';
import { realIfaces } from '../real/ifaces.js';

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
  if (f instanceof Socket && IF_REQS.has(req)) return ifreq(p, f, req, arg);
  let v: number;
  if (f instanceof Socket) {
    switch (req) {
      case IOCTL.FIONREAD: {
        const r = f.hostSync(p);
        if (r !== undefined) return r;
        v = f.inq();
        break;
      }
      case IOCTL.TIOCOUTQ: v = f.outq(); break;
      case IOCTL.SIOCATMARK: v = f.atMark(); break;
      case IOCTL.FIOSETOWN: case IOCTL.SIOCSPGRP: return setOwner(p, f, p.mem.i32(arg));
      case IOCTL.FIOGETOWN: case IOCTL.SIOCGPGRP: v = f.fown?.get() ?? 0; break;
      default: return devIoctl(p, f, req, arg);
    }
  } else if (f instanceof PipeEnd && req === IOCTL.FIONREAD) {
    v = f.pipe.size;
  } else return E.ENOTTY;
  p.mem.setI32(arg, v);
  return 0;
}

/** SIOCWANDEV and SIOCDEVPRIVATE..SIOCDEVPRIVATE+15: the requests dev_ioctl hands to the named interface's driver. */
const SIOCWANDEV = 0x894a;
const SIOCDEVPRIVATE = 0x89f0;

/**
 * A socket request its family does not know: sock_do_ioctl hands one of type 0x89 to dev_ioctl after reading
 * a struct ifreq (EFAULT), where a driver's own request names an interface (ENODEV if none; none of socklab's
 * has a driver that answers, EOPNOTSUPP), and any other is ENOTTY.
 */
function devIoctl(p: Process, s: Socket, req: number, arg: number): number {
  if (((req >>> 8) & 0xff) !== 0x89) return E.ENOTTY;
  const r = p.mem.read(arg, IFREQ_SIZE);
  if (req !== SIOCWANDEV && (req < SIOCDEVPRIVATE || req > SIOCDEVPRIVATE + 15)) return E.ENOTTY;
  const end = r.subarray(0, IFNAMSIZ - 1).indexOf(0);
  const name = new TextDecoder().decode(r.subarray(0, end < 0 ? IFNAMSIZ - 1 : end));
  return ifacesOf(p, s).some((x) => x.name === name) ? E.EOPNOTSUPP : E.ENODEV;
}

/** The interface requests (dev_ioctl, devinet_ioctl, dev_ifconf), on any socket. */
const IF_REQS = new Set<number>([
  IOCTL.SIOCGIFNAME, IOCTL.SIOCGIFINDEX, IOCTL.SIOCGIFCONF, IOCTL.SIOCGIFFLAGS, IOCTL.SIOCGIFADDR, IOCTL.SIOCGIFDSTADDR, IOCTL.SIOCGIFBRDADDR,
  IOCTL.SIOCGIFNETMASK, IOCTL.SIOCGIFMTU, IOCTL.SIOCGIFHWADDR,
]);
/** The IPv4 address requests: devinet_ioctl's, which only an AF_INET socket reaches (others are ENOTTY). */
const ADDR_REQS = new Set<number>([IOCTL.SIOCGIFADDR, IOCTL.SIOCGIFDSTADDR, IOCTL.SIOCGIFBRDADDR, IOCTL.SIOCGIFNETMASK]);

/** The interfaces the socket's host has: the virtual host's lo and eth0, or under --net=real the machine's. */
function ifacesOf(p: Process, s: Socket): NetIface[] {
  return realNetOf(p) ? realIfaces() : s.host.ifaces();
}

/**
 * The interface requests on a struct ifreq (wasm32: 32 bytes, the name,
 * then at 16 the union: an index, flags, MTU or a sockaddr) or, for
 * SIOCGIFCONF, a struct ifconf (ifc_len, then the ifc_buf pointer). As
 * Linux: an unknown name is ENODEV, an address request on a socket other
 * than AF_INET ENOTTY (before the name is looked at), on an interface
 * without IPv4 address EADDRNOTAVAIL; each writes only its own field.
 */
function ifreq(p: Process, s: Socket, req: number, arg: number): number {
  if (arg === 0) return E.EFAULT;
  const list = ifacesOf(p, s);
  if (req === IOCTL.SIOCGIFCONF) return ifconf(p, list, arg);
  if (req === IOCTL.SIOCGIFNAME) {
    const it = list.find((x) => x.index === p.mem.i32(arg + 16));
    if (!it) return E.ENODEV;
    const b = new Uint8Array(IFNAMSIZ);
    b.set(new TextEncoder().encode(it.name).subarray(0, IFNAMSIZ - 1));
    p.mem.write(arg, b);
    return 0;
  }
  const r = p.mem.read(arg, IFREQ_SIZE);
  if (ADDR_REQS.has(req) && s.domain !== AF.AF_INET) return E.ENOTTY;
  // The kernel ends the name at its 16th byte.
  const end = r.subarray(0, IFNAMSIZ - 1).indexOf(0);
  const name = new TextDecoder().decode(r.subarray(0, end < 0 ? IFNAMSIZ - 1 : end));
  const it = list.find((x) => x.name === name);
  if (!it) return E.ENODEV;
  const u = arg + 16;
  switch (req) {
    case IOCTL.SIOCGIFINDEX: p.mem.setI32(u, it.index); return 0;
    case IOCTL.SIOCGIFFLAGS: p.mem.setU16(u, it.flags & 0xffff); return 0;
    case IOCTL.SIOCGIFMTU: p.mem.setI32(u, it.mtu); return 0;
    case IOCTL.SIOCGIFHWADDR:
      p.mem.setU16(u, it.hwType);
      p.mem.write(u + 2, it.mac.subarray(0, 6));
      return 0;
  }
  const a = it.v4[0];
  if (!a) return E.EADDRNOTAVAIL;
  // SIOCGIFDSTADDR: the peer of a point-to-point link, else the local address (ifa_address).
  const ip = req === IOCTL.SIOCGIFNETMASK ? a.mask : req === IOCTL.SIOCGIFBRDADDR ? a.bcast : a.addr;
  p.mem.write(u, sockaddrIn(ip));
  return 0;
}

/**
 * SIOCGIFCONF (dev_ifconf, inet_gifconf): one struct ifreq per IPv4
 * address, named after its interface, as many as ifc_len holds whole
 * (a short or negative length gives 0 entries, no error); ifc_len becomes
 * the bytes written. A NULL ifc_buf asks for the length all would take.
 */
function ifconf(p: Process, list: NetIface[], arg: number): number {
  const len = p.mem.i32(arg);
  const buf = p.mem.u32(arg + 4);
  const entries = list.flatMap((it) => it.v4.map((a) => ({ name: it.name, ip: a.addr })));
  if (buf === 0) {
    p.mem.setI32(arg, entries.length * IFREQ_SIZE);
    return 0;
  }
  const n = Math.min(entries.length, Math.max(0, Math.floor(len / IFREQ_SIZE)));
  const out = new Uint8Array(n * IFREQ_SIZE);
  entries.slice(0, n).forEach((e, k) => {
    out.set(new TextEncoder().encode(e.name).subarray(0, IFNAMSIZ - 1), k * IFREQ_SIZE);
    out.set(sockaddrIn(e.ip), k * IFREQ_SIZE + 16);
  });
  p.mem.write(buf, out);
  p.mem.setI32(arg, out.length);
  return 0;
}

/** A struct sockaddr_in: AF_INET, port 0, the address, zeros. */
function sockaddrIn(ip: string): Uint8Array {
  const b = new Uint8Array(16);
  b[0] = AF.AF_INET;
  b.set(ipBytes(ip), 4);
  return b;
}
const IFREQ_SIZE = 32;
const IFNAMSIZ = 16;

export const ioctlDef: SyscallDef = syscall('socklab', 'ioctl', { strace: 'ioctl', classes: ['desc'], params: ['fd:fd', 'request:ioctl_req', 'arg:ioctl_arg'] }, ioctl);
