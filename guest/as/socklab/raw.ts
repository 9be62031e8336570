// The raw calls: socklab's imports (docs/abi.md) and POSIX-style functions
// over them that behave like their C counterparts: they return -1 and set
// `errno` on failure, take pointers and lengths, and make exactly one host
// call each, so a trace of an AssemblyScript guest reads like a C guest's.
import {
  fd_read, fd_write, fd_close, poll_oneoff,
  fd_prestat_get, fd_prestat_dir_name, path_unlink_file, path_filestat_get, prestat, filestat,
} from "~lib/bindings/wasi_snapshot_preview1";
import { EAI_SYSTEM } from "./constants";
import { ENOENT } from "./errno";

// ---- socklab imports: each returns 0 or a guest errno; results via out-pointers.

// @ts-ignore: decorator
@external("socklab", "preopen") export declare function socklab_preopen(fd: usize): i32;
@external("socklab", "socket") export declare function socklab_socket(domain: i32, type: i32, protocol: i32, fd: usize): i32;
// @ts-ignore: decorator
@external("socklab", "socketpair") export declare function socklab_socketpair(domain: i32, type: i32, protocol: i32, fds: usize): i32;
// @ts-ignore: decorator
@external("socklab", "bind") export declare function socklab_bind(fd: i32, addr: usize, addrlen: u32): i32;
// @ts-ignore: decorator
@external("socklab", "listen") export declare function socklab_listen(fd: i32, backlog: i32): i32;
// @ts-ignore: decorator
@external("socklab", "accept") export declare function socklab_accept(fd: i32, addr: usize, addrlen: usize, newfd: usize): i32;
// @ts-ignore: decorator
@external("socklab", "accept4") export declare function socklab_accept4(fd: i32, addr: usize, addrlen: usize, flags: i32, newfd: usize): i32;
// @ts-ignore: decorator
@external("socklab", "connect") export declare function socklab_connect(fd: i32, addr: usize, addrlen: u32): i32;
// @ts-ignore: decorator
@external("socklab", "sendto") export declare function socklab_sendto(fd: i32, buf: usize, len: usize, flags: i32, addr: usize, addrlen: u32, sent: usize): i32;
// @ts-ignore: decorator
@external("socklab", "recvfrom") export declare function socklab_recvfrom(fd: i32, buf: usize, len: usize, flags: i32, addr: usize, addrlen: usize, received: usize): i32;
// @ts-ignore: decorator
@external("socklab", "shutdown") export declare function socklab_shutdown(fd: i32, how: i32): i32;
// @ts-ignore: decorator
@external("socklab", "getsockname") export declare function socklab_getsockname(fd: i32, addr: usize, addrlen: usize): i32;
// @ts-ignore: decorator
@external("socklab", "getpeername") export declare function socklab_getpeername(fd: i32, addr: usize, addrlen: usize): i32;
// @ts-ignore: decorator
@external("socklab", "setsockopt") export declare function socklab_setsockopt(fd: i32, level: i32, name: i32, val: usize, len: u32): i32;
// @ts-ignore: decorator
@external("socklab", "getsockopt") export declare function socklab_getsockopt(fd: i32, level: i32, name: i32, val: usize, len: usize): i32;
// @ts-ignore: decorator
@external("socklab", "poll") export declare function socklab_poll(fds: usize, nfds: u32, timeout: i32, ready: usize): i32;
// @ts-ignore: decorator
@external("socklab", "getaddrinfo") export declare function socklab_getaddrinfo(node: usize, service: usize, hints: usize, buf: usize, buflen: u32, count: usize): i32;
// @ts-ignore: decorator
@external("socklab", "getnameinfo") export declare function socklab_getnameinfo(addr: usize, addrlen: u32, host: usize, hostlen: u32, serv: usize, servlen: u32, flags: i32): i32;
// @ts-ignore: decorator
@external("socklab", "gethostname") export declare function socklab_gethostname(buf: usize, len: u32): i32;
// @ts-ignore: decorator
@external("socklab", "sigpipe") export declare function socklab_sigpipe(disposition: i32): i32;
// @ts-ignore: decorator
@external("socklab", "fork") export declare function socklab_fork(pid: usize): i32;
// @ts-ignore: decorator
@external("socklab", "wait4") export declare function socklab_wait4(pid: i32, wstatus: usize, options: i32, rusage: usize, got: usize): i32;
// @ts-ignore: decorator
@external("socklab", "getpid") export declare function socklab_getpid(pid: usize): i32;
// @ts-ignore: decorator
@external("socklab", "getppid") export declare function socklab_getppid(pid: usize): i32;
// @ts-ignore: decorator
@external("socklab", "kill") export declare function socklab_kill(pid: i32, sig: i32): i32;
// @ts-ignore: decorator
@external("socklab", "pipe2") export declare function socklab_pipe2(fds: usize, flags: i32): i32;
// @ts-ignore: decorator
@external("socklab", "dup") export declare function socklab_dup(fd: i32, newfd: usize): i32;
// @ts-ignore: decorator
@external("socklab", "dup2") export declare function socklab_dup2(from: i32, to: i32): i32;
// @ts-ignore: decorator
@external("socklab", "dup3") export declare function socklab_dup3(from: i32, to: i32, flags: i32): i32;

/** The last failed call's errno, as C's `errno`. */
export let errno: i32 = 0;

// Out-values of one call; read before the next call (guests are single-threaded).
const scratch: usize = memory.data(32, 8);

function fail(e: i32): i32 {
  errno = e;
  return -1;
}

// ---- sockets

export function socket(domain: i32, type: i32, protocol: i32): i32 {
  const e = socklab_socket(domain, type, protocol, scratch);
  return e ? fail(e) : load<i32>(scratch);
}

/** Writes the two fds to `fds` (an i32[2]). */
export function socketpair(domain: i32, type: i32, protocol: i32, fds: usize): i32 {
  const e = socklab_socketpair(domain, type, protocol, fds);
  return e ? fail(e) : 0;
}

export function bind(fd: i32, addr: usize, addrlen: u32): i32 {
  const e = socklab_bind(fd, addr, addrlen);
  return e ? fail(e) : 0;
}

export function listen(fd: i32, backlog: i32): i32 {
  const e = socklab_listen(fd, backlog);
  return e ? fail(e) : 0;
}

/** `addr` and `addrlen` (a u32 in/out) may be 0, as in C. */
export function accept4(fd: i32, addr: usize, addrlen: usize, flags: i32): i32 {
  const e = socklab_accept4(fd, addr, addrlen, flags, scratch);
  return e ? fail(e) : load<i32>(scratch);
}

export function accept(fd: i32, addr: usize, addrlen: usize): i32 {
  const e = socklab_accept(fd, addr, addrlen, scratch);
  return e ? fail(e) : load<i32>(scratch);
}

export function connect(fd: i32, addr: usize, addrlen: u32): i32 {
  const e = socklab_connect(fd, addr, addrlen);
  return e ? fail(e) : 0;
}

export function sendto(fd: i32, buf: usize, len: usize, flags: i32, addr: usize, addrlen: u32): isize {
  const e = socklab_sendto(fd, buf, len, flags, addr, addrlen, scratch);
  return e ? <isize>fail(e) : <isize>load<u32>(scratch);
}

export function send(fd: i32, buf: usize, len: usize, flags: i32): isize {
  return sendto(fd, buf, len, flags, 0, 0);
}

/** With MSG_TRUNC the result is the datagram's real length, as on Linux. */
export function recvfrom(fd: i32, buf: usize, len: usize, flags: i32, addr: usize, addrlen: usize): isize {
  const e = socklab_recvfrom(fd, buf, len, flags, addr, addrlen, scratch);
  return e ? <isize>fail(e) : <isize>load<u32>(scratch);
}

export function recv(fd: i32, buf: usize, len: usize, flags: i32): isize {
  return recvfrom(fd, buf, len, flags, 0, 0);
}

export function shutdown(fd: i32, how: i32): i32 {
  const e = socklab_shutdown(fd, how);
  return e ? fail(e) : 0;
}

export function getsockname(fd: i32, addr: usize, addrlen: usize): i32 {
  const e = socklab_getsockname(fd, addr, addrlen);
  return e ? fail(e) : 0;
}

export function getpeername(fd: i32, addr: usize, addrlen: usize): i32 {
  const e = socklab_getpeername(fd, addr, addrlen);
  return e ? fail(e) : 0;
}

export function setsockopt(fd: i32, level: i32, name: i32, val: usize, len: u32): i32 {
  const e = socklab_setsockopt(fd, level, name, val, len);
  return e ? fail(e) : 0;
}

/** `len` points to a u32: the buffer's size in, the option's size out. */
export function getsockopt(fd: i32, level: i32, name: i32, val: usize, len: usize): i32 {
  const e = socklab_getsockopt(fd, level, name, val, len);
  return e ? fail(e) : 0;
}

/** `fds` points to `nfds` pollfd structs (8 bytes: i32 fd, i16 events, i16 revents). */
export function poll(fds: usize, nfds: u32, timeoutMs: i32): i32 {
  const e = socklab_poll(fds, nfds, timeoutMs, scratch);
  return e ? fail(e) : load<i32>(scratch);
}

/** Write SIGPIPE's disposition: 0 default (a write to a broken stream kills the process), 1 ignore (EPIPE). */
export function sigpipe(disposition: i32): i32 {
  const e = socklab_sigpipe(disposition);
  return e ? fail(e) : 0;
}

// ---- file descriptors (WASI): the same calls work on sockets, files and stdio

export function read(fd: i32, buf: usize, len: usize): isize {
  store<usize>(scratch, buf);
  store<usize>(scratch, len, 4);
  const e = fd_read(<u32>fd, scratch, 1, scratch + 8);
  return e ? <isize>fail(e) : <isize>load<u32>(scratch, 8);
}

export function write(fd: i32, buf: usize, len: usize): isize {
  store<usize>(scratch, buf);
  store<usize>(scratch, len, 4);
  const e = fd_write(<u32>fd, scratch, 1, scratch + 8);
  return e ? <isize>fail(e) : <isize>load<u32>(scratch, 8);
}

export function close(fd: i32): i32 {
  const e = fd_close(<u32>fd);
  return e ? fail(e) : 0;
}

/** Sleeps on the (virtual) monotonic clock, as usleep does. */
export function sleepMs(ms: u32): i32 {
  // One relative clock subscription (48 bytes) and its event (32 bytes).
  const sub = memory.data(48, 8);
  const ev = memory.data(32, 8);
  store<u64>(sub, 0); // userdata
  store<u8>(sub, 0, 8); // tag: clock
  store<u32>(sub, 1, 16); // clock id: monotonic
  store<u64>(sub, <u64>ms * 1_000_000, 24); // timeout, ns
  store<u64>(sub, 0, 32); // precision
  store<u16>(sub, 0, 40); // flags: relative
  const e = poll_oneoff(sub, ev, 1, scratch);
  return e ? fail(e) : 0;
}

// ---- paths (AF_UNIX sockets are files): resolved against the preopened directories, as wasi-libc does

/** Finds the preopen containing `path`; returns its fd and stores the path relative to it in `rel`. */
function resolvePath(path: string, rel: string[]): i32 {
  let best: i32 = -1;
  let bestLen: i32 = -1;
  let bestRel = "";
  // socklab keeps "/" at the top of the fd table (docs/abi.md, "fd numbers"); other preopens follow fd 2.
  const fds: i32[] = [];
  if (socklab_preopen(scratch) == 0) fds.push(load<i32>(scratch));
  for (let fd: i32 = 3; ; fd++) {
    if (fd_prestat_get(<u32>fd, changetype<prestat>(scratch)) != 0) break; // EBADF: no more preopens
    fds.push(fd);
  }
  for (let i = 0; i < fds.length; i++) {
    const fd = fds[i];
    if (fd_prestat_get(<u32>fd, changetype<prestat>(scratch)) != 0) continue;
    const nameLen = load<u32>(scratch, 4);
    const nameBuf = new ArrayBuffer(<i32>nameLen);
    if (fd_prestat_dir_name(<u32>fd, changetype<usize>(nameBuf), nameLen) != 0) continue;
    let name = String.UTF8.decode(nameBuf);
    while (name.length > 1 && name.endsWith("/")) name = name.slice(0, name.length - 1);
    let r: string;
    if (!path.startsWith("/")) {
      if (name != "." && name != "/") continue;
      r = path;
    } else if (name == "/") {
      r = path.slice(1);
    } else if (path == name || path.startsWith(name + "/")) {
      r = path.slice(name.length + 1);
    } else continue;
    if (name.length > bestLen) {
      best = fd;
      bestLen = name.length;
      bestRel = r.length ? r : ".";
    }
  }
  rel.push(bestRel);
  return best;
}

export function unlink(path: string): i32 {
  const rel: string[] = [];
  const dir = resolvePath(path, rel);
  if (dir < 0) return fail(ENOENT);
  const p = String.UTF8.encode(rel[0]);
  const e = path_unlink_file(<u32>dir, changetype<usize>(p), <u32>p.byteLength);
  return e ? fail(e) : 0;
}

/** WASI file types, as `fileType` returns them. */
export const FILETYPE_DIRECTORY: u8 = 3;
export const FILETYPE_REGULAR_FILE: u8 = 4;
export const FILETYPE_SOCKET_DGRAM: u8 = 5;
export const FILETYPE_SOCKET_STREAM: u8 = 6;

/** stat(path)'s file type (a FILETYPE_* value), or -1 with errno. */
export function fileType(path: string): i32 {
  const rel: string[] = [];
  const dir = resolvePath(path, rel);
  if (dir < 0) return fail(ENOENT);
  const p = String.UTF8.encode(rel[0]);
  const st = memory.data(64, 8);
  const e = path_filestat_get(<u32>dir, 1 /* follow symlinks */, changetype<usize>(p), <u32>p.byteLength, changetype<filestat>(st));
  return e ? fail(e) : <i32>load<u8>(st, 16);
}

// ---- names

/** One address getaddrinfo found, as C's struct addrinfo holds it. */
export class AddrInfo {
  flags: i32 = 0;
  family: i32 = 0;
  socktype: i32 = 0;
  protocol: i32 = 0;
  /** The sockaddr, `addr.byteLength` bytes (ai_addrlen). */
  addr: ArrayBuffer = new ArrayBuffer(0);
  /** Set on the first result with AI_CANONNAME. */
  canonname: string = "";
}

// The host's record layout and the number of records the C SDK asks for,
// so both SDKs make the same call.
const REC_SIZE: u32 = 404;
const MAX_RECS: u32 = 32;

function cstring(s: string | null): ArrayBuffer | null {
  return s === null ? null : String.UTF8.encode(s, true);
}

function ptr(b: ArrayBuffer | null): usize {
  return b === null ? 0 : changetype<usize>(b);
}

/**
 * getaddrinfo(node, service, hints): appends the results to `res`. Returns 0
 * or an EAI_* code (negative); EAI_SYSTEM sets errno. `hints` uses flags,
 * family, socktype and protocol, or is null.
 */
export function getaddrinfo(node: string | null, service: string | null, hints: AddrInfo | null, res: AddrInfo[]): i32 {
  const n = cstring(node);
  const s = cstring(service);
  // struct addrinfo (32 bytes): flags, family, socktype, protocol, addrlen, addr, canonname, next.
  const h = memory.data(32, 8);
  memory.fill(h, 0, 32);
  if (hints !== null) {
    store<i32>(h, hints.flags, 0);
    store<i32>(h, hints.family, 4);
    store<i32>(h, hints.socktype, 8);
    store<i32>(h, hints.protocol, 12);
  }
  const buf = new ArrayBuffer(<i32>(REC_SIZE * MAX_RECS));
  const rc = socklab_getaddrinfo(ptr(n), ptr(s), hints !== null ? h : 0, changetype<usize>(buf), REC_SIZE * MAX_RECS, scratch);
  if (rc != 0) {
    if (rc == EAI_SYSTEM) errno = load<i32>(scratch);
    return rc;
  }
  const count = load<i32>(scratch);
  for (let i = 0; i < count; i++) {
    const r = changetype<usize>(buf) + <usize>i * REC_SIZE;
    const ai = new AddrInfo();
    ai.flags = load<i32>(r, 0);
    ai.family = load<i32>(r, 4);
    ai.socktype = load<i32>(r, 8);
    ai.protocol = load<i32>(r, 12);
    const len = min(load<i32>(r, 16), 128);
    ai.addr = buf.slice(<i32>(r - changetype<usize>(buf)) + 20, <i32>(r - changetype<usize>(buf)) + 20 + len);
    ai.canonname = String.UTF8.decodeUnsafe(r + 148, 256, true);
    res.push(ai);
  }
  return 0;
}

/**
 * getnameinfo: writes NUL-terminated host and service names into the
 * buffers (either may be 0). Returns 0 or an EAI_* code.
 */
export function getnameinfo(addr: usize, addrlen: u32, host: usize, hostlen: u32, serv: usize, servlen: u32, flags: i32): i32 {
  return socklab_getnameinfo(addr, addrlen, host, hostlen, serv, servlen, flags);
}

/** The name of the (virtual) host this process runs on, or "" with errno set. */
export function gethostname(): string {
  const b = new ArrayBuffer(256);
  const e = socklab_gethostname(changetype<usize>(b), 256);
  if (e) {
    errno = e;
    return "";
  }
  return String.UTF8.decodeUnsafe(changetype<usize>(b), 256, true);
}

// ---- processes, pipes and descriptors (docs/abi.md): C's fork, wait family, pipe and dup

/** fork(): the child's pid in the parent, 0 in the child, -1 with errno (EAGAIN past the process limit). */
export function fork(): i32 {
  const e = socklab_fork(scratch);
  return e ? fail(e) : load<i32>(scratch);
}

/** wait4(pid, wstatus, options, rusage): the pid reaped (0 with WNOHANG and nothing yet); `wstatus` may be 0. */
export function wait4(pid: i32, wstatus: usize, options: i32, rusage: usize): i32 {
  const e = socklab_wait4(pid, wstatus, options, rusage, scratch);
  return e ? fail(e) : load<i32>(scratch);
}

/** waitpid(pid, wstatus, options). */
export function waitpid(pid: i32, wstatus: usize, options: i32): i32 {
  return wait4(pid, wstatus, options, 0);
}

/** wait(wstatus): any child. */
export function wait(wstatus: usize): i32 {
  return wait4(-1, wstatus, 0, 0);
}

export function getpid(): i32 {
  socklab_getpid(scratch);
  return load<i32>(scratch);
}

export function getppid(): i32 {
  socklab_getppid(scratch);
  return load<i32>(scratch);
}

/**
 * kill(pid, sig): pid > 0 that process, 0 the caller's process group, -1
 * every other process on the host, < -1 group -pid; sig 0 only checks.
 * 0, or -1 with errno (ESRCH, EINVAL). A signal to the caller itself takes
 * its default action: AssemblyScript programs cannot install handlers.
 */
export function kill(pid: i32, sig: i32): i32 {
  const e = socklab_kill(pid, sig);
  return e ? fail(e) : 0;
}

/** pipe2(fds, flags): fds[0] the reading end, fds[1] the writing end (an i32[2] at `fds`); flags O_NONBLOCK, O_CLOEXEC. */
export function pipe2(fds: usize, flags: i32): i32 {
  const e = socklab_pipe2(fds, flags);
  return e ? fail(e) : 0;
}

export function pipe(fds: usize): i32 {
  return pipe2(fds, 0);
}

export function dup(fd: i32): i32 {
  const e = socklab_dup(fd, scratch);
  return e ? fail(e) : load<i32>(scratch);
}

export function dup2(from: i32, to: i32): i32 {
  const e = socklab_dup2(from, to);
  return e ? fail(e) : to;
}

/** dup3(from, to, flags): EINVAL when from == to, flags O_CLOEXEC. */
export function dup3(from: i32, to: i32, flags: i32): i32 {
  const e = socklab_dup3(from, to, flags);
  return e ? fail(e) : to;
}

// The wait status encoding Linux uses (<sys/wait.h>'s macros).
export function WIFEXITED(status: i32): bool { return (status & 0x7f) == 0; }
export function WEXITSTATUS(status: i32): i32 { return (status >> 8) & 0xff; }
export function WIFSIGNALED(status: i32): bool { const t = status & 0x7f; return t != 0 && t != 0x7f; }
export function WTERMSIG(status: i32): i32 { return status & 0x7f; }
export function WCOREDUMP(status: i32): bool { return (status & 0x80) != 0; }
