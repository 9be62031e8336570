// The typed layer: Socket, SocketError, Result. Each method makes exactly one
// call of the raw layer (named in its comment), so what a program does is
// what its trace shows. AssemblyScript cannot catch exceptions, so failures
// come back as values: a Result holding either the value or a SocketError
// that carries the call and the errno name, e.g.
// "SocketError: connect: ECONNREFUSED (Connection refused)".
import * as raw from "./raw";
import { AddrInfo } from "./raw";
import { SocketAddress } from "./address";
import { errnoName, strerror } from "./errno";
import { eaiName, gaiStrerror, EAI_SYSTEM, SOCKADDR_STORAGE_SIZE, POLLFD_SIZE, SOL_SOCKET } from "./constants";
import { eprintln, exit } from "./io";

export class SocketError extends Error {
  /** The call that failed: "connect", "getaddrinfo", ... */
  readonly call: string;
  /** The guest errno number (errno.ts), or the EAI_* code (negative) for getaddrinfo/getnameinfo. */
  readonly code: i32;

  constructor(call: string, code: i32) {
    const name = code < 0 ? eaiName(code) : errnoName(code);
    const text = code < 0 ? gaiStrerror(code) : strerror(code);
    super(call + ": " + name + " (" + text + ")");
    this.name = "SocketError";
    this.call = call;
    this.code = code;
  }

  /** "ECONNREFUSED", or "EAI_NONAME" for a name lookup. */
  get errnoName(): string {
    return this.code < 0 ? eaiName(this.code) : errnoName(this.code);
  }
}

/** A call's value, or its SocketError. */
export class Result<T> {
  private readonly _value: T;
  readonly error: SocketError | null;

  constructor(value: T, error: SocketError | null) {
    this._value = value;
    this.error = error;
  }

  get ok(): bool {
    return this.error === null;
  }

  /** The value; on failure prints the error to stderr and exits with status 1 (as perror + exit would). */
  unwrap(): T {
    const e = this.error;
    if (e !== null) {
      eprintln(e.toString());
      exit(1);
    }
    return this._value;
  }
}

function ok<T>(v: T): Result<T> {
  return new Result<T>(v, null);
}

function failed<T>(call: string, code: i32): Result<T> {
  const e = new SocketError(call, code);
  if (isReference<T>()) return new Result<T>(changetype<T>(0), e);
  else return new Result<T>(<T>0, e);
}

/** The last raw call's outcome: `v` (an fd, a count, 0) or the errno it set. */
function check(call: string, v: isize): Result<i32> {
  return v < 0 ? failed<i32>(call, raw.errno) : ok<i32>(<i32>v);
}

/** A peer's new connection, with the address accept4 reported. */
export class Accepted {
  constructor(readonly socket: Socket, readonly address: SocketAddress) {}
}

/** What recvfrom returned: the byte count (the real datagram length with MSG_TRUNC) and the sender. */
export class Received {
  constructor(readonly n: i32, readonly from: SocketAddress) {}
}

/** One resolved address, as getaddrinfo returned it. */
export class Resolved {
  constructor(readonly family: i32, readonly socktype: i32, readonly protocol: i32, readonly address: SocketAddress, readonly canonname: string) {}
}

/** getnameinfo's answer. */
export class NameInfo {
  constructor(readonly host: string, readonly service: string) {}
}

/** One entry for poll(): the fd, the events wanted, the events that happened. */
export class PollFd {
  revents: i16 = 0;
  constructor(public fd: i32, public events: i16) {}
}

export class Socket {
  constructor(readonly fd: i32) {}

  /** socket(domain, type, protocol). */
  static open(domain: i32, type: i32, protocol: i32 = 0): Result<Socket> {
    const fd = raw.socket(domain, type, protocol);
    return fd < 0 ? failed<Socket>("socket", raw.errno) : ok<Socket>(new Socket(fd));
  }

  /** socketpair(domain, type, protocol): two connected sockets. */
  static pair(domain: i32, type: i32, protocol: i32 = 0): Result<Socket[]> {
    const fds = memory.data(8, 4);
    if (raw.socketpair(domain, type, protocol, fds) < 0) return failed<Socket[]>("socketpair", raw.errno);
    return ok<Socket[]>([new Socket(load<i32>(fds)), new Socket(load<i32>(fds, 4))]);
  }

  /** bind(fd, addr, addrlen). */
  bind(addr: SocketAddress): Result<i32> {
    return check("bind", raw.bind(this.fd, addr.ptr, addr.length));
  }

  /** listen(fd, backlog). */
  listen(backlog: i32): Result<i32> {
    return check("listen", raw.listen(this.fd, backlog));
  }

  /** accept(fd, NULL, NULL), or accept4(fd, NULL, NULL, flags) with flags (as C's accept and accept4). */
  accept(flags: i32 = 0): Result<Socket> {
    const fd = flags ? raw.accept4(this.fd, 0, 0, flags) : raw.accept(this.fd, 0, 0);
    return fd < 0 ? failed<Socket>("accept", raw.errno) : ok<Socket>(new Socket(fd));
  }

  /** accept(fd, &addr, &addrlen), or accept4 with flags: the new socket and the peer's address. */
  acceptFrom(flags: i32 = 0): Result<Accepted> {
    const ss = new ArrayBuffer(<i32>SOCKADDR_STORAGE_SIZE);
    const len = memory.data(4, 4);
    store<u32>(len, SOCKADDR_STORAGE_SIZE);
    const fd = flags ? raw.accept4(this.fd, changetype<usize>(ss), len, flags) : raw.accept(this.fd, changetype<usize>(ss), len);
    if (fd < 0) return failed<Accepted>("accept", raw.errno);
    return ok<Accepted>(new Accepted(new Socket(fd), SocketAddress.fromPtr(changetype<usize>(ss), min(load<u32>(len), SOCKADDR_STORAGE_SIZE))));
  }

  /** connect(fd, addr, addrlen): for a stream socket the handshake completes (or fails) inside it. */
  connect(addr: SocketAddress): Result<i32> {
    return check("connect", raw.connect(this.fd, addr.ptr, addr.length));
  }

  /** read(fd, buf, len): the count, 0 at end of stream. */
  read(buf: Uint8Array): Result<i32> {
    return check("read", raw.read(this.fd, buf.dataStart, <usize>buf.length));
  }

  /** write(fd, buf, len): the count, possibly short. */
  write(data: Uint8Array): Result<i32> {
    return check("write", raw.write(this.fd, data.dataStart, <usize>data.length));
  }

  /** write(fd, buf, len) of the UTF-8 bytes of `s`. */
  writeString(s: string): Result<i32> {
    const b = String.UTF8.encode(s);
    return check("write", raw.write(this.fd, changetype<usize>(b), <usize>b.byteLength));
  }

  /** send(fd, buf, len, flags), i.e. sendto without an address. */
  send(data: Uint8Array, flags: i32 = 0): Result<i32> {
    return check("send", raw.send(this.fd, data.dataStart, <usize>data.length, flags));
  }

  /** recv(fd, buf, len, flags), i.e. recvfrom without an address. */
  recv(buf: Uint8Array, flags: i32 = 0): Result<i32> {
    return check("recv", raw.recv(this.fd, buf.dataStart, <usize>buf.length, flags));
  }

  /** sendto(fd, buf, len, flags, addr, addrlen). */
  sendTo(data: Uint8Array, addr: SocketAddress, flags: i32 = 0): Result<i32> {
    return check("sendto", raw.sendto(this.fd, data.dataStart, <usize>data.length, flags, addr.ptr, addr.length));
  }

  /** recvfrom(fd, buf, len, flags, &addr, &addrlen): the count and the sender. */
  recvFrom(buf: Uint8Array, flags: i32 = 0): Result<Received> {
    const ss = new ArrayBuffer(<i32>SOCKADDR_STORAGE_SIZE);
    const len = memory.data(4, 4);
    store<u32>(len, SOCKADDR_STORAGE_SIZE);
    const n = raw.recvfrom(this.fd, buf.dataStart, <usize>buf.length, flags, changetype<usize>(ss), len);
    if (n < 0) return failed<Received>("recvfrom", raw.errno);
    return ok<Received>(new Received(<i32>n, SocketAddress.fromPtr(changetype<usize>(ss), min(load<u32>(len), SOCKADDR_STORAGE_SIZE))));
  }

  /** shutdown(fd, how): SHUT_RD, SHUT_WR or SHUT_RDWR. */
  shutdown(how: i32): Result<i32> {
    return check("shutdown", raw.shutdown(this.fd, how));
  }

  /** close(fd). */
  close(): Result<i32> {
    return check("close", raw.close(this.fd));
  }

  /** setsockopt(fd, level, name, &value, 4) for an int option. */
  setOption(level: i32, name: i32, value: i32): Result<i32> {
    const v = memory.data(4, 4);
    store<i32>(v, value);
    return check("setsockopt", raw.setsockopt(this.fd, level, name, v, 4));
  }

  /** setsockopt(fd, level, name, &timeval, 16), for SO_RCVTIMEO / SO_SNDTIMEO. */
  setTimeoutOption(name: i32, ms: i64): Result<i32> {
    const tv = memory.data(16, 8);
    store<i64>(tv, ms / 1000);
    store<i64>(tv, (ms % 1000) * 1000, 8);
    return check("setsockopt", raw.setsockopt(this.fd, SOL_SOCKET, name, tv, 16));
  }

  /** getsockopt(fd, level, name, &value, &len) for an int option (SO_ERROR, SO_TYPE, ...). */
  getOption(level: i32, name: i32): Result<i32> {
    const v = memory.data(8, 4);
    store<i32>(v, 0);
    store<u32>(v, 4, 4);
    if (raw.getsockopt(this.fd, level, name, v, v + 4) < 0) return failed<i32>("getsockopt", raw.errno);
    return ok<i32>(load<i32>(v));
  }

  /** getsockname(fd, &addr, &addrlen). */
  localAddress(): Result<SocketAddress> {
    return this.name(false);
  }

  /** getpeername(fd, &addr, &addrlen). */
  peerAddress(): Result<SocketAddress> {
    return this.name(true);
  }

  private name(peer: bool): Result<SocketAddress> {
    const ss = new ArrayBuffer(<i32>SOCKADDR_STORAGE_SIZE);
    const len = memory.data(4, 4);
    store<u32>(len, SOCKADDR_STORAGE_SIZE);
    const r = peer ? raw.getpeername(this.fd, changetype<usize>(ss), len) : raw.getsockname(this.fd, changetype<usize>(ss), len);
    if (r < 0) return failed<SocketAddress>(peer ? "getpeername" : "getsockname", raw.errno);
    return ok<SocketAddress>(SocketAddress.fromPtr(changetype<usize>(ss), min(load<u32>(len), SOCKADDR_STORAGE_SIZE)));
  }
}

/** poll(fds, nfds, timeout) over PollFd objects: the number of ready entries; each entry's revents is filled in. */
export function pollFds(fds: PollFd[], timeoutMs: i32): Result<i32> {
  const n = fds.length;
  const buf = new ArrayBuffer(n * <i32>POLLFD_SIZE);
  const p = changetype<usize>(buf);
  for (let i = 0; i < n; i++) {
    store<i32>(p + <usize>i * POLLFD_SIZE, fds[i].fd);
    store<i16>(p + <usize>i * POLLFD_SIZE, fds[i].events, 4);
    store<i16>(p + <usize>i * POLLFD_SIZE, 0, 6);
  }
  const r = raw.poll(p, <u32>n, timeoutMs);
  if (r < 0) return failed<i32>("poll", raw.errno);
  for (let i = 0; i < n; i++) fds[i].revents = load<i16>(p + <usize>i * POLLFD_SIZE, 6);
  return ok<i32>(r);
}

/**
 * getaddrinfo(host, service, hints): the addresses in the order the host
 * returns them. `host` null with AI_PASSIVE gives the wildcard address.
 */
export function resolve(host: string | null, service: string | null, family: i32 = 0, socktype: i32 = 0, flags: i32 = 0, protocol: i32 = 0): Result<Resolved[]> {
  const hints = new AddrInfo();
  hints.family = family;
  hints.socktype = socktype;
  hints.flags = flags;
  hints.protocol = protocol;
  const list: AddrInfo[] = [];
  const rc = raw.getaddrinfo(host, service, hints, list);
  if (rc == EAI_SYSTEM) return failed<Resolved[]>("getaddrinfo", raw.errno);
  if (rc != 0) return failed<Resolved[]>("getaddrinfo", rc);
  const out = new Array<Resolved>(0);
  for (let i = 0; i < list.length; i++) {
    const ai = list[i];
    out.push(new Resolved(ai.family, ai.socktype, ai.protocol, new SocketAddress(ai.addr), ai.canonname));
  }
  return ok<Resolved[]>(out);
}

/** getnameinfo(addr, flags): host and service names (numeric with NI_NUMERICHOST / NI_NUMERICSERV). */
export function nameInfo(addr: SocketAddress, flags: i32 = 0): Result<NameInfo> {
  const host = new ArrayBuffer(1025);
  const serv = new ArrayBuffer(32);
  const rc = raw.getnameinfo(addr.ptr, addr.length, changetype<usize>(host), 1025, changetype<usize>(serv), 32, flags);
  if (rc != 0) return failed<NameInfo>("getnameinfo", rc);
  return ok<NameInfo>(new NameInfo(
    String.UTF8.decodeUnsafe(changetype<usize>(host), 1025, true),
    String.UTF8.decodeUnsafe(changetype<usize>(serv), 32, true),
  ));
}
