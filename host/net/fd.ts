// From a guest fd to a socket: EBADF for a closed fd (the fd table says so),
// ENOTSOCK for an fd that is a file, a pipe or stdio.
import { E, Errno } from '../abi/errno.js';
import type { Process } from '../kernel/process.js';
import { Socket } from './socket/socket.js';

export function sockOf(p: Process, fd: number): Socket {
  const f = p.fds.file(fd);
  if (!(f instanceof Socket)) throw new Errno(E.ENOTSOCK);
  return f;
}
