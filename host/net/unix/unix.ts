// AF_UNIX in memory: sockets bound to paths in the virtual host's
// filesystem (SocketPathNamespace) or to abstract names (a per-host table),
// connected at once inside connect() when the listener's backlog has room,
// and socketpair.
// ops.ts sends AF_UNIX binds and connects here; AF_UNIX on host paths under
// --net=real is real/ops.ts's.
import { E, Errno } from '../../abi/errno.js';
import { WOULD_BLOCK } from '../../kernel/file.js';
import { UNNAMED, type Addr, type UnixAddr } from '../addr/sockaddr.js';
import { backlogFull } from '../socket/rules.js';
import type { Process } from '../../kernel/process.js';
import type { Cred } from '../socket/scm.js';
import { Socket } from '../socket/socket.js';
import { UnixStream } from './stream.js';

/** bind() of an AF_UNIX socket: a path, an abstract name, or (an empty address) autobind. */
export function bindUnix(s: Socket, a: Addr): void {
  // Bound means having an address (u->addr): a socketpair's or an unbound client's 'unnamed' one is none.
  const bound = s.local?.family === 'unix';
  // unix_autobind of a socket that has an address keeps it and succeeds.
  if (a.family === 'unnamed') return bound ? undefined : autobindUnix(s);
  if (a.family !== 'unix') throw new Errno(E.EINVAL);
  if (bound) return rebindUnix(s, a);
  if (a.abstract) {
    if (s.host.abstract.has(a.path)) throw new Errno(E.EADDRINUSE);
    s.host.abstract.set(a.path, s);
  } else {
    if (!s.fs) throw new Errno(E.EOPNOTSUPP);
    s.fs.bindSocket(a.path, s);
  }
  s.boundTo(a);
}

/**
 * bind() of a socket that already has an address: unix_bind_bsd makes the
 * node first (EADDRINUSE for a path that exists, ENOENT without its
 * directory), then finds the socket bound and removes it again (EINVAL);
 * unix_bind_abstract looks at the socket first.
 */
function rebindUnix(s: Socket, a: UnixAddr): never {
  if (a.abstract || !s.fs) throw new Errno(E.EINVAL);
  const fs = s.fs;
  // mknod does not follow a symlink at the name: one there, dangling or not, is EADDRINUSE; the directory is followed.
  const exists = (path: string, follow: boolean): boolean => {
    try {
      fs.lookupSocket(path, follow);
      return true;
    } catch (e) {
      // ECONNREFUSED: there, but not a socket.
      if (!(e instanceof Errno) || (e.errno !== E.ENOENT && e.errno !== E.ECONNREFUSED)) throw e;
      return e.errno === E.ECONNREFUSED;
    }
  };
  if (exists(a.path, false)) throw new Errno(E.EADDRINUSE);
  const slash = a.path.replace(/\/+$/, '').lastIndexOf('/');
  const dir = slash < 0 ? '.' : slash === 0 ? '/' : a.path.slice(0, slash);
  if (!exists(dir, true)) throw new Errno(E.ENOENT);
  throw new Errno(E.EINVAL);
}

/** socketpair(): two unnamed sockets connected to each other; each one's SO_PEERCRED is the creator's. */
export function pairUnix(a: Socket, b: Socket, cred?: Cred): void {
  UnixStream.pair(a, b);
  for (const x of [a, b]) {
    x.peercred = cred;
    x.state = 'connected';
    x.local = { family: 'unnamed' };
    x.remote = { family: 'unnamed' };
  }
}

/** connect() of an AF_UNIX datagram socket: the default destination and the only sender it hears. */
export function connectUnixDgram(s: Socket, a: Addr): number {
  if (a.family !== 'unix') throw new Errno(E.EINVAL);
  const t = s.findUnix(a);
  if (!t || t.closed) throw new Errno(E.ECONNREFUSED);
  if (t.kind !== s.kind) throw new Errno(E.EPROTOTYPE);
  const old = s.peer;
  s.remote = a;
  s.peer = t;
  if (old && old !== t) s.unixDgramDisconnected(old);
  return 0;
}

function autobindUnix(s: Socket): void {
  // Linux autobind: an abstract name of five hex digits.
  for (let i = 0; i < 0xfffff; i++) {
    const name = ((s.net.rng.next() & 0xfffff) >>> 0).toString(16).padStart(5, '0');
    if (!s.host.abstract.has(name)) {
      const a: UnixAddr = { family: 'unix', abstract: true, path: name };
      s.host.abstract.set(name, s);
      s.boundTo(a);
      return;
    }
  }
  throw new Errno(E.EADDRINUSE);
}

/** connect() of an AF_UNIX stream or seqpacket socket: 0, WOULD_BLOCK while the backlog is full, or throws. */
export function connectUnix(s: Socket, a: Addr): number {
  if (s.state === 'connected') throw new Errno(E.EISCONN);
  if (s.state === 'listening') throw new Errno(E.EINVAL);
  if (a.family !== 'unix') throw new Errno(E.EINVAL);
  const l = s.findUnix(a);
  if (!l || l.closed) throw new Errno(E.ECONNREFUSED);
  if (l.kind !== s.kind) throw new Errno(E.EPROTOTYPE);
  if (l.state !== 'listening') throw new Errno(E.ECONNREFUSED);
  if (backlogFull(l)) {
    if (s.nonblock) throw new Errno(E.EAGAIN);
    return WOULD_BLOCK;
  }
  const child = Socket.accepted(l, l.local!, s.local ?? UNNAMED);
  // The client's SO_PEERCRED is the listener's (copy_peercred); the accepted socket's is set by the caller (unixConnected).
  s.peercred = l.peercred;
  child.passcred = l.passcred;
  UnixStream.pair(s, child);
  s.connecting(l.local!);
  s.established();
  s.net.stats.connections++;
  l.acceptq.push(child);
  l.notify();
  return 0;
}

/** SO_PEERCRED's credentials of a process: its pid, effective uid and gid (cred_to_ucred). */
export function credOf(p: Process): Cred {
  return { pid: p.pid, uid: p.creds.euid, gid: p.creds.egid };
}

/** What an AF_UNIX send attaches when the sender gives no SCM_CREDENTIALS: its pid, real uid and gid (scm_send's current_uid()). */
export function sendCredOf(p: Process): Cred {
  return { pid: p.pid, uid: p.creds.ruid, gid: p.creds.rgid };
}

/** scm_check_creds: an unprivileged sender may claim only its own pid and one of its real, effective or saved ids. */
export function mayClaimCred(p: Process, c: Cred): boolean {
  const k = p.creds;
  if (k.privileged) return true;
  return c.pid === p.pid && [k.ruid, k.euid, k.suid].includes(c.uid) && [k.rgid, k.egid, k.sgid].includes(c.gid);
}

/** After an AF_UNIX stream or seqpacket connect() by process p: the accepted socket's SO_PEERCRED is p's (init_peercred at connect). */
export function unixConnected(p: Process, s: Socket): void {
  if (s.kind !== 'dgram' && s.peer) s.peer.peercred = credOf(p);
}

/** After listen() by process p on an AF_UNIX socket: its SO_PEERCRED is p's own (init_peercred in unix_listen). */
export function unixListening(p: Process, s: Socket): void {
  s.peercred = credOf(p);
}
