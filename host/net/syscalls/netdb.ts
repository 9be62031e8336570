// getaddrinfo/getnameinfo over the virtual network's names: host names,
// localhost, numeric addresses, and a small /etc/services. Records go to the
// guest library in the fixed 404-byte layout docs/abi.md gives; results are
// EAI_* codes (Linux values). gethostname (traced as uname) is here too.
import { isIPv4, isIPv6 } from '../addr/iptext.js';
import { E, Errno } from '../../abi/errno.js';
import { encodeUtf8 } from '../../abi/memory.js';
import type { Process } from '../../kernel/process.js';
import { canonIp, isLoopback } from '../addr/ipaddr.js';
import { encodeSockaddr, readSockaddr, type Addr, type InetAddr } from '../addr/sockaddr.js';
import { AF, AI, EAI, IPPROTO, NI, SERVICES, SOCK } from '../addr/constants.js';
import { networkOf } from '../virtual/index.js';
import { realNetOf } from '../real/network.js';
import { realResolve } from '../real/dns.js';
import { BLOCKED, syscall, type SyscallDef } from '../../kernel/syscall.js';
import { lookupEtcHosts, readEtcHosts, sortDestinations } from '../etchosts.js';

const S = 'socklab';
const REC = 404;

/**
 * glibc's numeric service: strtoul in base 10 (leading blanks and a '+' allowed), kept in 16 bits as
 * htons() takes it (70000 is port 4464); a '-' makes it -1, which glibc then looks up as a name.
 */
function serviceLookup(service: string, socktype: number, numericOnly: boolean): number | undefined {
  const m = /^[ \t\n\v\f\r]*\+?(\d+)$/.exec(service);
  if (m) return Number(BigInt(m[1]!) % 65536n);
  if (numericOnly) return undefined;
  const proto = socktype === SOCK.SOCK_DGRAM ? 'udp' : 'tcp';
  return SERVICES.find((s) => s.name === service && (socktype === 0 || s.proto === proto))?.port;
}

/**
 * The numeric IPv4 forms glibc's getaddrinfo takes (__inet_aton_exact): one to four parts, each
 * decimal, octal (leading 0) or hex (0x), the last filling the bytes left: "127.1" is 127.0.0.1,
 * "0x7f.1" too, "010.0.0.1" is 8.0.0.1. The address as dotted quad, or undefined.
 */
export function inetAton(text: string): string | undefined {
  const parts = text.split('.');
  if (parts.length > 4) return undefined;
  const vals: number[] = [];
  for (const part of parts) {
    const m = /^(?:0[xX]([0-9a-fA-F]+)|0([0-7]*)|([1-9]\d*))$/.exec(part);
    if (!m) return undefined;
    const v = m[1] !== undefined ? parseInt(m[1], 16) : m[2] !== undefined ? (m[2] ? parseInt(m[2], 8) : 0) : Number(m[3]);
    if (!Number.isSafeInteger(v)) return undefined;
    vals.push(v);
  }
  const last = vals.pop()!;
  if (vals.some((v) => v > 255) || last >= 2 ** (8 * (4 - vals.length))) return undefined;
  let addr = last;
  vals.forEach((v, i) => (addr += v * 2 ** (8 * (3 - i))));
  return [24, 16, 8, 0].map((sh) => Math.floor(addr / 2 ** sh) % 256).join('.');
}

/** The string at ptr, or null when it is longer than max bytes (EFAULT still thrown). */
function cappedString(p: Process, ptr: number, max: number): string | null {
  try {
    return p.mem.cstring(ptr, max);
  } catch (e) {
    if (e instanceof Errno && e.errno === E.ENAMETOOLONG) return null;
    throw e;
  }
}

export function doGetaddrinfo(p: Process, nodePtr: number, servPtr: number, hintsPtr: number, buf: number, buflen: number, countOut: number): number {
  // A name longer than any host or service name is not found (glibc: EAI_NONAME, EAI_SERVICE), not an errno.
  const node = nodePtr ? cappedString(p, nodePtr, 1025) : undefined;
  const service = servPtr ? cappedString(p, servPtr, 256) : undefined;
  p.mem.check(countOut, 4);
  let flags = 0, family = 0, socktype = 0, protocol = 0;
  if (hintsPtr) {
    p.mem.check(hintsPtr, 32);
    flags = p.mem.i32(hintsPtr);
    family = p.mem.i32(hintsPtr + 4);
    socktype = p.mem.i32(hintsPtr + 8);
    protocol = p.mem.i32(hintsPtr + 12);
  }
  if (node === undefined && service === undefined) return EAI.EAI_NONAME;
  if (flags & ~0x47f) return EAI.EAI_BADFLAGS;
  if (flags & AI.AI_CANONNAME && node === undefined) return EAI.EAI_BADFLAGS;
  if (family !== AF.AF_UNSPEC && family !== AF.AF_INET && family !== AF.AF_INET6) return EAI.EAI_FAMILY;
  if (socktype !== 0 && socktype !== SOCK.SOCK_STREAM && socktype !== SOCK.SOCK_DGRAM && socktype !== SOCK.SOCK_RAW) return EAI.EAI_SOCKTYPE;
  let port = 0;
  if (service === null) return socktype !== SOCK.SOCK_RAW && flags & AI.AI_NUMERICSERV ? EAI.EAI_NONAME : EAI.EAI_SERVICE;
  if (service !== undefined && service !== '') {
    if (socktype === SOCK.SOCK_RAW) return EAI.EAI_SERVICE;
    const sp = serviceLookup(service, socktype, (flags & AI.AI_NUMERICSERV) !== 0);
    if (sp === undefined) return (flags & AI.AI_NUMERICSERV) ? EAI.EAI_NONAME : EAI.EAI_SERVICE;
    port = sp;
  }
  if (node === null) return EAI.EAI_NONAME;
  const net = networkOf(p);
  let v4: string[] = [], v6: string[] = [];
  let canon = node ?? '';
  if (node === undefined) {
    if (flags & AI.AI_PASSIVE) { v4 = ['0.0.0.0']; v6 = ['::']; }
    else { v6 = ['::1']; v4 = ['127.0.0.1']; }
  } else if (isIPv4(node)) v4 = [node];
  else if (inetAton(node) !== undefined) v4 = [inetAton(node)!];
  else if (isIPv6(node)) v6 = [canonIp(node)];
  else if (flags & AI.AI_NUMERICHOST) return EAI.EAI_NONAME;
  else {
    const rn = realNetOf(p);
    // The host's /etc/hosts first, as glibc's "files" source (host/net/etchosts.ts); then the virtual network's names.
    const hostsFile = readEtcHosts(p);
    const local = (hostsFile !== undefined ? lookupEtcHosts(hostsFile, node) : undefined) ?? (hostsFile === undefined || !/^(localhost|ip6-)/i.test(node) ? net.resolve(node) : undefined);
    const r = rn && !(local && /^(localhost|ip6-)/i.test(local.canon)) ? realResolve(p, rn, node) : local;
    if (r === 'wait') return BLOCKED;
    if (typeof r === 'number') return r;
    if (!r) return EAI.EAI_NONAME;
    v4 = r.v4;
    v6 = r.v6;
    canon = r.canon;
  }
  // AI_ADDRCONFIG, as glibc: only families this host has a (non-loopback) address of.
  const self = realNetOf(p) ? undefined : net.hosts.get(p.host);
  if (flags & AI.AI_ADDRCONFIG && self) {
    const seen4 = self.v4.length > 0, seen6 = self.v6.length > 0;
    if (family === AF.AF_UNSPEC && seen4 !== seen6) family = seen4 ? AF.AF_INET : AF.AF_INET6;
    else if ((family === AF.AF_INET && !seen4) || (family === AF.AF_INET6 && !seen6)) return EAI.EAI_NONAME;
  }
  // Order as glibc on this kind of system: passive wildcard v4 first, loopback-only v6 first; a name's
  // addresses sorted by RFC 6724 (reachable first; ::1 before 127.0.0.1, IPv4 before ULA IPv6).
  let addrs: InetAddr[] = [];
  const v6first = node === undefined && !(flags & AI.AI_PASSIVE);
  const a4 = family === AF.AF_INET6 ? [] : v4.map((ip) => ({ family: 4 as const, ip, port }));
  const a6 = family === AF.AF_INET ? [] : v6.map((ip) => ({ family: 6 as const, ip, port }));
  if (family === AF.AF_INET6 && (a6.length === 0 || flags & AI.AI_ALL) && flags & AI.AI_V4MAPPED) for (const ip of v4) a6.push({ family: 6, ip: `::ffff:${ip}`, port });
  addrs = v6first ? [...a6, ...a4] : [...a4, ...a6];
  if (node !== undefined && addrs.length > 1) addrs = sortDestinations(addrs, self);
  if (!addrs.length) return node !== undefined && (isIPv4(node) || isIPv6(node)) ? EAI.EAI_ADDRFAMILY : EAI.EAI_NODATA;
  // glibc's gaih_inet: a service by name gives only the socket types it is listed for, never SOCK_RAW (GAI_PROTO_NOSERV).
  const named = service !== undefined && service !== '' && serviceLookup(service, SOCK.SOCK_STREAM, true) === undefined;
  const types = socktype ? [socktype] : named ? [SOCK.SOCK_STREAM, SOCK.SOCK_DGRAM].filter((t) => SERVICES.some((e) => e.name === service && e.proto === (t === SOCK.SOCK_DGRAM ? 'udp' : 'tcp'))) : [SOCK.SOCK_STREAM, SOCK.SOCK_DGRAM, SOCK.SOCK_RAW];
  const protoOf = (t: number): number => protocol || (t === SOCK.SOCK_STREAM ? IPPROTO.IPPROTO_TCP : t === SOCK.SOCK_DGRAM ? IPPROTO.IPPROTO_UDP : 0);
  const recs: { fam: number; type: number; proto: number; sa: Uint8Array }[] = [];
  for (const a of addrs) for (const t of types) recs.push({ fam: a.family === 4 ? AF.AF_INET : AF.AF_INET6, type: t, proto: protoOf(t), sa: encodeSockaddr(a) });
  const max = Math.floor(buflen / REC);
  if (max < 1) return EAI.EAI_MEMORY;
  p.mem.check(buf, Math.min(recs.length, max) * REC);
  recs.slice(0, max).forEach((r, i) => {
    const o = buf + i * REC;
    p.mem.fill(o, REC);
    p.mem.setI32(o, flags);
    p.mem.setI32(o + 4, r.fam);
    p.mem.setI32(o + 8, r.type);
    p.mem.setI32(o + 12, r.proto);
    p.mem.setI32(o + 16, r.sa.length);
    p.mem.write(o + 20, r.sa);
    if (i === 0 && flags & AI.AI_CANONNAME) p.mem.write(o + 148, encodeUtf8(canon.slice(0, 255)));
  });
  p.mem.setI32(countOut, Math.min(recs.length, max));
  return 0;
}

export function doGetnameinfo(p: Process, sa: number, salen: number, host: number, hostlen: number, serv: number, servlen: number, flags: number): number {
  let a: Addr;
  try {
    a = readSockaddr(p.mem, sa, salen);
  } catch {
    return EAI.EAI_FAMILY;
  }
  if (a.family !== 4 && a.family !== 6) return EAI.EAI_FAMILY;
  if (host && hostlen > 0) {
    const numeric = a.ip;
    // On the real network only loopback has a name socklab knows (no reverse DNS).
    const name = flags & NI.NI_NUMERICHOST ? undefined : realNetOf(p) ? (isLoopback(a.ip) ? 'localhost' : undefined) : networkOf(p).nameOf(a.ip);
    if (!name && flags & NI.NI_NAMEREQD) return EAI.EAI_NONAME;
    const text = encodeUtf8(name ?? numeric);
    if (text.length + 1 > hostlen) return EAI.EAI_OVERFLOW;
    p.mem.write(host, text);
    p.mem.setU8(host + text.length, 0);
  }
  if (serv && servlen > 0) {
    const proto = flags & NI.NI_DGRAM ? 'udp' : 'tcp';
    const name = flags & NI.NI_NUMERICSERV ? undefined : SERVICES.find((s) => s.port === a.port && s.proto === proto)?.name;
    const text = encodeUtf8(name ?? String(a.port));
    if (text.length + 1 > servlen) return EAI.EAI_OVERFLOW;
    p.mem.write(serv, text);
    p.mem.setU8(serv + text.length, 0);
  }
  return 0;
}

export const getaddrinfoDef: SyscallDef = syscall(S, 'getaddrinfo', { strace: 'getaddrinfo', classes: ['net'], library: true, params: ['node:cstr', 'service:cstr', 'hints:ai_hints', 'res:ai_result', 'reslen:skip', 'count:ai_count'] }, doGetaddrinfo);
export const getnameinfoDef: SyscallDef = syscall(S, 'getnameinfo', { strace: 'getnameinfo', classes: ['net'], library: true, params: ['addr:sockaddr', 'addrlen:len', 'host:cstr_out', 'hostlen:len', 'serv:cstr_out', 'servlen:len', 'flags:ni_flags'] }, doGetnameinfo);
export const gethostnameDef: SyscallDef = syscall(S, 'gethostname', { strace: 'uname', classes: [], params: ['name:cstr_out', 'len:len'] }, (p: Process, buf: number, len: number) => {
  const name = encodeUtf8(p.host);
  if (len < 0) return E.EINVAL;
  if (name.length + 1 > len) return E.ENAMETOOLONG;
  p.mem.write(buf, name);
  p.mem.setU8(buf + name.length, 0);
  return 0;
});
