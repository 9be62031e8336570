// SocketAddress: a sockaddr in its Linux layout (docs/abi.md), exactly the
// bytes and length bind/connect/sendto pass to the host, with parsing and
// printing for IPv4, IPv6 and AF_UNIX (paths and abstract names).
import {
  AF_INET, AF_INET6, AF_UNIX,
  SOCKADDR_IN_SIZE, SOCKADDR_IN6_SIZE, SOCKADDR_UN_SIZE,
} from "./constants";

const SUN_PATH_MAX: i32 = 108;

function bswap16(v: u16): u16 {
  return <u16>((v >> 8) | (v << 8));
}

/** Parses a dotted quad into 4 bytes at `out`; false when it is not one. */
function parseIPv4(s: string, out: usize): bool {
  const parts = s.split(".");
  if (parts.length != 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (p.length == 0 || p.length > 3) return false;
    let v: i32 = 0;
    for (let j = 0; j < p.length; j++) {
      const c = p.charCodeAt(j);
      if (c < 48 || c > 57) return false;
      v = v * 10 + (c - 48);
    }
    if (v > 255) return false;
    store<u8>(out + i, <u8>v);
  }
  return true;
}

function hexGroup(p: string): i32 {
  if (p.length == 0 || p.length > 4) return -1;
  let v: i32 = 0;
  for (let j = 0; j < p.length; j++) {
    const c = p.charCodeAt(j);
    let d: i32;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return -1;
    v = (v << 4) | d;
  }
  return v;
}

/** Parses IPv6 text (with "::" and a trailing dotted quad) into 16 bytes at `out`. */
function parseIPv6(s: string, out: usize): bool {
  const words = new StaticArray<i32>(8);
  const dc = s.indexOf("::");
  if (dc >= 0 && s.indexOf("::", dc + 1) >= 0) return false;
  const head = dc >= 0 ? s.slice(0, dc) : s;
  const tail = dc >= 0 ? s.slice(dc + 2) : "";
  const hp = head.length ? head.split(":") : new Array<string>(0);
  const tp = tail.length ? tail.split(":") : new Array<string>(0);
  const v4 = new StaticArray<u8>(4);
  // A dotted quad may end the address and counts as two groups.
  let last = tp.length ? tp : hp;
  let quad = false;
  if (last.length && last[last.length - 1].includes(".")) {
    if (!parseIPv4(last[last.length - 1], changetype<usize>(v4))) return false;
    last.pop();
    quad = true;
  }
  const groups = hp.length + tp.length + (quad ? 2 : 0);
  if (dc < 0 ? groups != 8 : groups > 7) return false;
  let k = 0;
  for (let i = 0; i < hp.length; i++) {
    const g = hexGroup(hp[i]);
    if (g < 0) return false;
    words[k++] = g;
  }
  k = 8 - tp.length - (quad ? 2 : 0);
  for (let i = 0; i < tp.length; i++) {
    const g = hexGroup(tp[i]);
    if (g < 0) return false;
    words[k++] = g;
  }
  if (quad) {
    words[6] = (<i32>v4[0] << 8) | v4[1];
    words[7] = (<i32>v4[2] << 8) | v4[3];
  }
  for (let i = 0; i < 8; i++) {
    store<u8>(out + 2 * i, <u8>(words[i] >> 8));
    store<u8>(out + 2 * i + 1, <u8>words[i]);
  }
  return true;
}

function formatIPv4(p: usize): string {
  return load<u8>(p).toString() + "." + load<u8>(p, 1).toString() + "." + load<u8>(p, 2).toString() + "." + load<u8>(p, 3).toString();
}

/** RFC 5952 text, as inet_ntop prints it (IPv4-mapped as ::ffff:a.b.c.d). */
function formatIPv6(p: usize): string {
  const w = new StaticArray<i32>(8);
  for (let i = 0; i < 8; i++) w[i] = (<i32>load<u8>(p + 2 * i) << 8) | load<u8>(p + 2 * i + 1);
  if (w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0xffff) return "::ffff:" + formatIPv4(p + 12);
  // The longest run of two or more zero groups becomes "::".
  let bestAt = -1, bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] != 0) { i++; continue; }
    let j = i;
    while (j < 8 && w[j] == 0) j++;
    if (j - i > bestLen) { bestAt = i; bestLen = j - i; }
    i = j;
  }
  let s = "";
  for (let i = 0; i < 8; i++) {
    if (i == bestAt) {
      s += "::";
      i += bestLen - 1;
      continue;
    }
    if (s.length && !s.endsWith(":")) s += ":";
    s += (<u32>w[i]).toString(16);
  }
  return s;
}

export class SocketAddress {
  /** The sockaddr bytes; their length is the addrlen passed to the host. */
  readonly bytes: ArrayBuffer;

  constructor(bytes: ArrayBuffer) {
    this.bytes = bytes;
  }

  /** Copies `len` bytes of a sockaddr from guest memory. */
  static fromPtr(ptr: usize, len: u32): SocketAddress {
    const b = new ArrayBuffer(<i32>len);
    memory.copy(changetype<usize>(b), ptr, len);
    return new SocketAddress(b);
  }

  /** An IPv4 sockaddr_in from a dotted quad ("0.0.0.0" is INADDR_ANY), or null when `host` is not one. */
  static ipv4(host: string, port: u16): SocketAddress | null {
    const b = new ArrayBuffer(<i32>SOCKADDR_IN_SIZE);
    const p = changetype<usize>(b);
    store<u16>(p, <u16>AF_INET);
    store<u16>(p, bswap16(port), 2);
    if (!parseIPv4(host, p + 4)) return null;
    return new SocketAddress(b);
  }

  /** An IPv6 sockaddr_in6 ("::" is in6addr_any), or null when `host` is not IPv6 text. */
  static ipv6(host: string, port: u16, scopeId: u32 = 0): SocketAddress | null {
    const b = new ArrayBuffer(<i32>SOCKADDR_IN6_SIZE);
    const p = changetype<usize>(b);
    store<u16>(p, <u16>AF_INET6);
    store<u16>(p, bswap16(port), 2);
    if (!parseIPv6(host, p + 8)) return null;
    store<u32>(p, scopeId, 24);
    return new SocketAddress(b);
  }

  /** IPv4 or IPv6 from numeric text (as inet_pton), or null. Names need resolve(). */
  static parse(host: string, port: u16): SocketAddress | null {
    return host.includes(":") ? SocketAddress.ipv6(host, port) : SocketAddress.ipv4(host, port);
  }

  /**
   * An AF_UNIX sockaddr_un for a filesystem path, full size (110 bytes, as
   * C's `sizeof(struct sockaddr_un)`), or null when the path does not fit.
   */
  static unix(path: string): SocketAddress | null {
    const enc = String.UTF8.encode(path);
    if (enc.byteLength >= SUN_PATH_MAX) return null;
    const b = new ArrayBuffer(<i32>SOCKADDR_UN_SIZE);
    store<u16>(changetype<usize>(b), <u16>AF_UNIX);
    memory.copy(changetype<usize>(b) + 2, changetype<usize>(enc), enc.byteLength);
    return new SocketAddress(b);
  }

  /** An abstract AF_UNIX name: a leading NUL, then the name; its length is exact (abstract names are not NUL-terminated). */
  static abstract(name: string): SocketAddress | null {
    const enc = String.UTF8.encode(name);
    if (enc.byteLength >= SUN_PATH_MAX) return null;
    const b = new ArrayBuffer(3 + enc.byteLength);
    store<u16>(changetype<usize>(b), <u16>AF_UNIX);
    memory.copy(changetype<usize>(b) + 3, changetype<usize>(enc), enc.byteLength);
    return new SocketAddress(b);
  }

  get length(): u32 {
    return <u32>this.bytes.byteLength;
  }

  get ptr(): usize {
    return changetype<usize>(this.bytes);
  }

  get family(): i32 {
    return this.bytes.byteLength >= 2 ? <i32>load<u16>(this.ptr) : 0;
  }

  /** The port (host order) of an IPv4/IPv6 address; 0 otherwise. */
  get port(): u16 {
    const f = this.family;
    if ((f == AF_INET || f == AF_INET6) && this.bytes.byteLength >= 4) return bswap16(load<u16>(this.ptr, 2));
    return 0;
  }

  /** The address without the port: "10.0.0.1", "fd00::1", a path, "@name" for an abstract name, "" when unnamed. */
  get host(): string {
    const f = this.family;
    const p = this.ptr;
    const n = this.bytes.byteLength;
    if (f == AF_INET && n >= <i32>SOCKADDR_IN_SIZE) return formatIPv4(p + 4);
    if (f == AF_INET6 && n >= 24) return formatIPv6(p + 8);
    if (f == AF_UNIX) {
      if (n <= 2) return "";
      if (load<u8>(p, 2) == 0) return "@" + String.UTF8.decodeUnsafe(p + 3, <usize>(n - 3), false);
      return String.UTF8.decodeUnsafe(p + 2, <usize>(n - 2), true);
    }
    return "";
  }

  /** "10.0.0.1:7000", "[fd00::1]:7000", "/tmp/s.sock", "@name", or "(unnamed)" for an unbound AF_UNIX socket. */
  toString(): string {
    const f = this.family;
    if (f == AF_INET) return this.host + ":" + this.port.toString();
    if (f == AF_INET6) return "[" + this.host + "]:" + this.port.toString();
    if (f == AF_UNIX) {
      const h = this.host;
      return h.length ? h : "(unnamed)";
    }
    return "(family " + f.toString() + ")";
  }
}
