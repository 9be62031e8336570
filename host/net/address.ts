// Socket addresses: guest sockaddr bytes <-> host values, with Linux's
// checks (length, family), and IP address text/bytes conversions.
import { isIPv4 } from 'node:net';
import { E, Errno } from '../abi/errno.js';
import type { GuestMemory } from '../abi/memory.js';
import { AF } from './constants.js';

export type InetAddr = { family: 4 | 6; ip: string; port: number; flowinfo?: number; scope?: number };
export type UnixAddr = { family: 'unix'; path: string; abstract: boolean };
export type Addr = InetAddr | UnixAddr | { family: 'unnamed' };

export const SOCKADDR_IN = 16;
export const SOCKADDR_IN6 = 28;
export const SOCKADDR_UN = 110;

/** "10.0.0.1" -> 4 bytes; "fd00::1" -> 16 bytes. */
export function ipBytes(ip: string): Uint8Array {
  if (isIPv4(ip)) return Uint8Array.from(ip.split('.').map(Number));
  const out = new Uint8Array(16);
  let s = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) s = s.slice(0, -v4[1]!.length) + '0:0';
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':').filter(Boolean) : [];
  const t = tail !== undefined && tail ? tail.split(':').filter(Boolean) : [];
  const words = [...h.map((w) => parseInt(w, 16)), ...Array(8 - h.length - t.length).fill(0), ...t.map((w) => parseInt(w, 16))];
  words.forEach((w, i) => { out[2 * i] = w >> 8; out[2 * i + 1] = w & 0xff; });
  if (v4) ipBytes(v4[1]!).forEach((b, i) => (out[12 + i] = b));
  return out;
}

export function ipText(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return `::ffff:${Array.from(b.subarray(12)).join('.')}`;
  const w = Array.from({ length: 8 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!);
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] === 0) {
      let j = i;
      while (j < 8 && w[j] === 0) j++;
      if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
      i = j;
    } else i++;
  }
  if (best < 0) return w.map((x) => x.toString(16)).join(':');
  return `${w.slice(0, best).map((x) => x.toString(16)).join(':')}::${w.slice(best + bestLen).map((x) => x.toString(16)).join(':')}`;
}

/** Canonical text of an IP (so "::0001" and "::1" compare equal). */
export function canonIp(ip: string): string {
  return ipText(ipBytes(ip));
}
export function isV4Mapped(ip: string): boolean {
  return ip.startsWith('::ffff:') && isIPv4(ip.slice(7));
}
export function unmap(ip: string): string {
  return isV4Mapped(ip) ? ip.slice(7) : ip;
}
export function isAny(a: InetAddr): boolean {
  return a.ip === '0.0.0.0' || a.ip === '::';
}
export function isLoopback(ip: string): boolean {
  const u = unmap(ip);
  return u === '::1' || (isIPv4(u) && u.startsWith('127.'));
}

/** Reads a sockaddr of `len` bytes at ptr. Checks as Linux's move_addr_to_kernel and the family handlers do. */
export function readSockaddr(mem: GuestMemory, ptr: number, len: number): Addr {
  // As move_addr_to_kernel: length bounds, then the copy (EFAULT), then the family's own checks.
  if (len < 0 || len > 128) throw new Errno(E.EINVAL);
  mem.check(ptr, len);
  if (ptr === 0 && len > 0) throw new Errno(E.EFAULT);
  if (len < 2) throw new Errno(E.EINVAL);
  const fam = mem.u16(ptr);
  if (fam === AF.AF_INET) {
    if (len < SOCKADDR_IN) throw new Errno(E.EINVAL);
    return { family: 4, port: mem.u16be(ptr + 2), ip: ipText(mem.read(ptr + 4, 4)) };
  }
  if (fam === AF.AF_INET6) {
    if (len < 24) throw new Errno(E.EINVAL);
    return { family: 6, port: mem.u16be(ptr + 2), flowinfo: mem.u32(ptr + 4), ip: ipText(mem.read(ptr + 8, 16)), scope: len >= 28 ? mem.u32(ptr + 24) : 0 };
  }
  if (fam === AF.AF_UNIX) {
    if (len === 2) return { family: 'unnamed' };
    const raw = mem.read(ptr + 2, Math.min(len - 2, 108));
    if (raw[0] === 0) return { family: 'unix', abstract: true, path: Buffer.from(raw.subarray(1)).toString('latin1') };
    const nul = raw.indexOf(0);
    return { family: 'unix', abstract: false, path: Buffer.from(nul >= 0 ? raw.subarray(0, nul) : raw).toString('utf8') };
  }
  return { family: fam === AF.AF_UNSPEC ? 'unnamed' : (fam as never) };
}

/** The guest family number of a decoded address. */
export function familyOf(a: Addr, unspecRaw?: number): number {
  if (a.family === 4) return AF.AF_INET;
  if (a.family === 6) return AF.AF_INET6;
  if (a.family === 'unix') return AF.AF_UNIX;
  return unspecRaw ?? AF.AF_UNSPEC;
}

/** Encodes an address as Linux lays it out. */
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
    // Linux reports offsetof(sun_path) + strlen + 1 for a path, exact length for abstract names.
    const b = new Uint8Array(2 + p.length + (a.abstract ? 0 : 1));
    new DataView(b.buffer).setUint16(0, AF.AF_UNIX, true);
    b.set(p, 2);
    return b;
  }
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, AF.AF_UNIX, true);
  return b;
}

/** Writes an address to (ptr, *lenPtr) with Linux's truncation: copy min(len, size), report the full size. */
export function writeSockaddr(mem: GuestMemory, ptr: number, lenPtr: number, a: Addr): void {
  if (ptr === 0 || lenPtr === 0) return;
  const cap = mem.i32(lenPtr);
  if (cap < 0) throw new Errno(E.EINVAL);
  const b = encodeSockaddr(a);
  const n = Math.min(cap, b.length);
  mem.write(ptr, b.subarray(0, n));
  mem.setU32(lenPtr, b.length);
}

export function fmtAddr(a: Addr): string {
  if (a.family === 4) return `${a.ip}:${a.port}`;
  if (a.family === 6) return `[${a.ip}]:${a.port}`;
  if (a.family === 'unix') return a.abstract ? `@${a.path}` : a.path;
  return '';
}
