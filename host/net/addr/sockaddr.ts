// Socket addresses: guest sockaddr bytes <-> host values with Linux's rules
// (move_addr_to_kernel's length bounds, each family's own length and family
// checks, sun_path without a NUL, abstract names), and the way Linux hands
// an address back (move_addr_to_user: copy what fits, report the full size).
import { E, Errno } from '../../abi/errno.js';
import type { GuestMemory } from '../../abi/memory.js';
import { AF } from './constants.js';
import { ipBytes, ipText, unmap } from './ipaddr.js';

export type InetAddr = { family: 4 | 6; ip: string; port: number; flowinfo?: number; scope?: number };
export type UnixAddr = { family: 'unix'; path: string; abstract: boolean };
/** An AF_UNIX socket with no name (unbound, or a socketpair end). */
export type UnnamedAddr = { family: 'unnamed' };
/** AF_UNSPEC: connect() dissolves an association; bind() on AF_INET takes it as INADDR_ANY (asV4). */
export type UnspecAddr = { family: 'unspec'; asV4?: InetAddr };
/** AF_PACKET's struct sockaddr_ll (sll_protocol in host order here). */
export type PacketAddr = { family: 'packet'; protocol: number; ifindex: number; hatype: number; pkttype: number; halen: number; addr: Uint8Array; /** getsockname's length: up to sll_addr's last byte, no padding. */ exact?: boolean };
/** A family socklab has no sockets for. */
export type OtherAddr = { family: 'other'; af: number };
export type Addr = InetAddr | UnixAddr | UnnamedAddr | UnspecAddr | PacketAddr | OtherAddr;

export const SOCKADDR_IN = 16;
export const SOCKADDR_IN6 = 28;
/** The IPv6 address length RFC 2133 had (no scope id): Linux still accepts it. */
export const SIN6_LEN_RFC2133 = 24;
export const SOCKADDR_UN = 110;
export const SUN_PATH_MAX = 108;
export const SOCKADDR_STORAGE = 128;
/** sizeof(struct sockaddr_ll): sll_addr holds 8 bytes. */
export const SOCKADDR_LL = 20;

export const UNNAMED: UnnamedAddr = { family: 'unnamed' };

export function isInet(a: Addr): a is InetAddr {
  return a.family === 4 || a.family === 6;
}
export function isAny(a: InetAddr): boolean {
  return a.ip === '0.0.0.0' || a.ip === '::';
}

/** A destination of INADDR_ANY / in6addr_any means this host: Linux routes it to loopback. */
export function anyToLoopback(a: InetAddr): InetAddr {
  return isAny(a) ? { ...a, ip: a.ip === '0.0.0.0' ? '127.0.0.1' : '::1' } : a;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/**
 * Reads a sockaddr of `len` bytes at ptr. Checks as move_addr_to_kernel
 * (0 <= len <= 128, NULL is EFAULT) and the length each family needs
 * (EINVAL). Whether the family suits the socket is the caller's check,
 * since Linux's errno for a mismatch depends on the call and the socket.
 */
export function readSockaddr(mem: GuestMemory, ptr: number, len: number): Addr {
  if (len < 0 || len > SOCKADDR_STORAGE) throw new Errno(E.EINVAL);
  if (ptr === 0 && len > 0) throw new Errno(E.EFAULT);
  mem.check(ptr, len);
  if (len < 2) throw new Errno(E.EINVAL);
  const fam = mem.u16(ptr);
  if (fam === AF.AF_INET) {
    if (len < SOCKADDR_IN) throw new Errno(E.EINVAL);
    return { family: 4, port: mem.u16be(ptr + 2), ip: ipText(mem.view(ptr + 4, 4)) };
  }
  if (fam === AF.AF_INET6) {
    if (len < SIN6_LEN_RFC2133) throw new Errno(E.EINVAL);
    return { family: 6, port: mem.u16be(ptr + 2), flowinfo: mem.u32(ptr + 4), ip: ipText(mem.view(ptr + 8, 16)), scope: len >= SOCKADDR_IN6 ? mem.u32(ptr + 24) : 0 };
  }
  if (fam === AF.AF_UNIX) {
    // unix_validate_addr: more than the family, at most sizeof(sockaddr_un); exactly the family asks for autobind.
    if (len > SOCKADDR_UN) throw new Errno(E.EINVAL);
    if (len === 2) return UNNAMED;
    const raw = mem.view(ptr + 2, len - 2);
    if (raw[0] === 0) return { family: 'unix', abstract: true, path: latin1.decode(raw.subarray(1)) };
    // A path need not be NUL-terminated: Linux ends it at the first NUL or at addrlen.
    const nul = raw.indexOf(0);
    return { family: 'unix', abstract: false, path: utf8.decode(nul >= 0 ? raw.subarray(0, nul) : raw) };
  }
  if (fam === AF.AF_PACKET && len >= SOCKADDR_LL) {
    // Shorter is the packet socket's own EINVAL (packet_bind, packet_sendmsg); read here only whole.
    const b = mem.view(ptr, SOCKADDR_LL);
    return { family: 'packet', protocol: (b[2]! << 8) | b[3]!, ifindex: mem.i32(ptr + 4), hatype: mem.u16(ptr + 8), pkttype: b[10]!, halen: b[11]!, addr: b.slice(12, 20) };
  }
  if (fam === AF.AF_UNSPEC) {
    return len >= SOCKADDR_IN ? { family: 'unspec', asV4: { family: 4, port: mem.u16be(ptr + 2), ip: ipText(mem.view(ptr + 4, 4)) } } : { family: 'unspec' };
  }
  return { family: 'other', af: fam };
}

/** The guest family number of a decoded address. */
export function familyOf(a: Addr): number {
  switch (a.family) {
    case 4: return AF.AF_INET;
    case 6: return AF.AF_INET6;
    case 'unix': case 'unnamed': return AF.AF_UNIX;
    case 'unspec': return AF.AF_UNSPEC;
    case 'packet': return AF.AF_PACKET;
    default: return a.af;
  }
}

/** Encodes an address as Linux lays it out (and with the length Linux reports). */
export function encodeSockaddr(a: Addr): Uint8Array {
  if (a.family === 4) {
    const b = new Uint8Array(SOCKADDR_IN);
    const dv = new DataView(b.buffer);
    dv.setUint16(0, AF.AF_INET, true);
    dv.setUint16(2, a.port, false);
    b.set(ipBytes(unmap(a.ip)), 4);
    return b;
  }
  if (a.family === 6) {
    const b = new Uint8Array(SOCKADDR_IN6);
    const dv = new DataView(b.buffer);
    dv.setUint16(0, AF.AF_INET6, true);
    dv.setUint16(2, a.port, false);
    dv.setUint32(4, a.flowinfo ?? 0, true);
    b.set(ipBytes(a.ip), 8);
    dv.setUint32(24, a.scope ?? 0, true);
    return b;
  }
  if (a.family === 'unix') {
    const p = a.abstract ? Buffer.concat([Buffer.from([0]), Buffer.from(a.path, 'latin1')]) : Buffer.from(a.path, 'utf8');
    // Linux reports offsetof(sun_path) + strlen + 1 for a path (111 for a full
    // 108-byte one), the exact length for an abstract name.
    const b = new Uint8Array(2 + p.length + (a.abstract ? 0 : 1));
    new DataView(b.buffer).setUint16(0, AF.AF_UNIX, true);
    b.set(p, 2);
    return b;
  }
  if (a.family === 'packet') {
    // packet_recvmsg: the length up to sll_addr's last byte, at least sizeof(struct sockaddr_ll).
    const b = new Uint8Array(a.exact ? 12 + a.halen : Math.max(SOCKADDR_LL, 12 + a.halen));
    const dv = new DataView(b.buffer);
    dv.setUint16(0, AF.AF_PACKET, true);
    dv.setUint16(2, a.protocol, false);
    dv.setInt32(4, a.ifindex, true);
    dv.setUint16(8, a.hatype, true);
    b[10] = a.pkttype;
    b[11] = a.halen;
    b.set(a.addr.subarray(0, Math.min(a.addr.length, b.length - 12)), 12);
    return b;
  }
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, familyOf(a), true);
  return b;
}

/**
 * Hands an address back through (ptr, *lenPtr) as move_addr_to_user does:
 * the length pointer must be valid (EFAULT), negative is EINVAL, the bytes
 * are cut to the caller's buffer and the full length is reported.
 * `a` undefined reports length 0 (recvfrom from an unnamed AF_UNIX sender).
 */
export function writeSockaddr(mem: GuestMemory, ptr: number, lenPtr: number, a: Addr | undefined): void {
  if (lenPtr === 0) throw new Errno(E.EFAULT);
  const cap = mem.i32(lenPtr);
  if (cap < 0) throw new Errno(E.EINVAL);
  if (!a) {
    mem.setU32(lenPtr, 0);
    return;
  }
  const b = encodeSockaddr(a);
  const n = Math.min(cap, b.length);
  if (n > 0) {
    if (ptr === 0) throw new Errno(E.EFAULT);
    mem.write(ptr, n === b.length ? b : b.subarray(0, n));
  }
  mem.setU32(lenPtr, b.length);
}

export function fmtAddr(a: Addr): string {
  if (a.family === 4) return `${a.ip}:${a.port}`;
  if (a.family === 6) return `[${a.ip}]:${a.port}`;
  if (a.family === 'unix') return a.abstract ? `@${a.path}` : a.path;
  return '';
}
