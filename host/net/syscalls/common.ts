// What the socket syscall families share: reading a guest sockaddr and the
// kernel's blocking discipline for a socket (EAGAIN or suspend).
import { E, Errno } from '../../abi/errno.js';
import type { Process } from '../../kernel/process.js';
import type { WaitQueue } from '../../kernel/wait.js';
import { readSockaddr, type Addr } from '../addr/sockaddr.js';
import type { Socket } from '../socket/socket.js';

/** EAGAIN or suspend, honouring O_NONBLOCK, MSG_DONTWAIT and SO_RCVTIMEO/SO_SNDTIMEO. */
export function waitFor(p: Process, s: Socket, dir: 'read' | 'write', dontwait: boolean, queues: WaitQueue[] = s.waitqs): number {
  if (s.nonblock || dontwait) return s.real?.sync(p) ?? E.EAGAIN;
  const deadline = p.deadline(dir === 'read' ? s.rcvtimeo : s.sndtimeo);
  if (deadline >= 0 && p.timedOut()) return E.EAGAIN;
  return p.block(queues, deadline);
}

export function readAddr(p: Process, ptr: number, len: number): Addr {
  if (len < 0) throw new Errno(E.EINVAL);
  return readSockaddr(p.mem, ptr, len);
}
