// Reads the packets of a capture into what the report draws: time,
// endpoints, protocol, TCP flags and sequence numbers. Classic pcap (what
// socklab writes by default: nanosecond timestamps, raw IP; microsecond
// files and Ethernet framing are read too) and pcapng, where socklab records
// a packet on its sender's interface when it leaves and on its receiver's
// when it arrives: the two records become one packet with both times.
import { ipText } from '../net/addr/ipaddr.js';
import { VIRTUAL_EPOCH_NS } from '../kernel/clock.js';

const VIRTUAL_EPOCH_SEC = Number(VIRTUAL_EPOCH_NS / 1_000_000_000n);

export interface Packet {
  /** ns since the run started: socklab's captures are stamped from its virtual epoch; other files from their first packet. */
  t: number;
  proto: 'tcp' | 'udp' | 'icmp' | 'other';
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  /** TCP flags as letters (S, A, F, R, P, U) and sequence number. */
  flags?: string;
  seq?: number;
  /** Payload bytes. */
  len: number;
  /** pcapng: the interface (socklab: the host) it was recorded on first, when it arrived elsewhere (ns), or that it never arrived where the capture was looking. */
  iface?: string;
  arrived?: number;
  lost?: boolean;
}

export class PcapError extends Error {}

export function readPcap(buf: Uint8Array, epochSec = VIRTUAL_EPOCH_SEC): Packet[] {
  if (buf.length < 24) throw new PcapError('not a pcap file (shorter than its header)');
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (dv.getUint32(0, true) === PCAPNG_SHB) return readPcapng(buf, dv, epochSec);
  const magicLE = dv.getUint32(0, true);
  let le: boolean;
  let nano: boolean;
  if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d) [le, nano] = [true, magicLE === 0xa1b23c4d];
  else if (dv.getUint32(0, false) === 0xa1b2c3d4 || dv.getUint32(0, false) === 0xa1b23c4d) [le, nano] = [false, dv.getUint32(0, false) === 0xa1b23c4d];
  else throw new PcapError('not a pcap or pcapng file (unknown magic number)');
  const link = dv.getUint32(20, le);
  const out: Packet[] = [];
  let base: number | undefined;
  for (let o = 24; o + 16 <= buf.length; ) {
    const sec = dv.getUint32(o, le);
    const frac = dv.getUint32(o + 4, le);
    const caplen = dv.getUint32(o + 8, le);
    const at = o + 16;
    o = at + caplen;
    if (o > buf.length) break;
    base ??= sec >= epochSec ? epochSec : sec;
    // Seconds since the epoch times 1e9 would lose nanoseconds as a double: subtract first.
    const t = (sec - base) * 1e9 + (nano ? frac : frac * 1000);
    // LINKTYPE_RAW (101) or Ethernet (1): skip the 14-byte Ethernet header.
    const ip = link === 1 ? at + 14 : at;
    const p = parseIp(buf, dv, ip, at + caplen, t);
    if (p) out.push(p);
  }
  return out;
}

const PCAPNG_SHB = 0x0a0d0d0a;

interface Iface {
  name: string;
  link: number;
  /** Seconds per timestamp unit's reciprocal (if_tsresol; microseconds by default). */
  perSec: bigint;
}

/**
 * pcapng: section headers (either byte order), interface descriptions
 * (link type, if_name, if_tsresol) and enhanced or obsolete packet blocks;
 * other blocks are skipped by their length.
 */
function readPcapng(buf: Uint8Array, dv: DataView, epochSec: number): Packet[] {
  let le = true;
  let ifaces: Iface[] = [];
  const records: { iface: Iface; ns: bigint; at: number; end: number }[] = [];
  for (let o = 0; o + 12 <= buf.length; ) {
    let type = dv.getUint32(o, le);
    if (dv.getUint32(o, true) === PCAPNG_SHB) {
      const magic = dv.getUint32(o + 8, true);
      if (magic === 0x1a2b3c4d) le = true;
      else if (magic === 0x4d3c2b1a) le = false;
      else throw new PcapError('not a pcapng file (bad byte-order magic)');
      type = PCAPNG_SHB;
      ifaces = [];
    }
    const len = dv.getUint32(o + 4, le);
    if (len < 12 || len % 4 !== 0 || o + len > buf.length) {
      if (o === 0) throw new PcapError('not a pcapng file (bad section header length)');
      break;
    }
    const body = o + 8;
    const end = o + len - 4;
    if (type === 1 && body + 8 <= end) ifaces.push(readIdb(buf, dv, le, body, end, ifaces.length));
    else if ((type === 6 || type === 2) && body + 20 <= end) {
      // EPB: interface u32; obsolete PB: interface u16, drops u16. Then timestamp high, low, captured length, original length.
      const id = type === 6 ? dv.getUint32(body, le) : dv.getUint16(body, le);
      const iface = ifaces[id];
      const caplen = dv.getUint32(body + 12, le);
      const ts = (BigInt(dv.getUint32(body + 4, le)) << 32n) | BigInt(dv.getUint32(body + 8, le));
      if (iface && body + 20 + caplen <= end) records.push({ iface, ns: (ts * 1_000_000_000n) / iface.perSec, at: body + 20, end: body + 20 + caplen });
    }
    o += len;
  }
  const epochNs = BigInt(epochSec) * 1_000_000_000n;
  const first = records[0]?.ns;
  const base = first === undefined || first >= epochNs ? epochNs : (first / 1_000_000_000n) * 1_000_000_000n;
  const out: Packet[] = [];
  // A record whose bytes were recorded on another interface and not yet
  // matched is that packet arriving. Of identical copies (a segment sent
  // again), the newest is taken: with loss, the one that got through is
  // usually the last sent, and the earlier ones stay marked lost.
  const inFlight = new Map<string, Packet[]>();
  const ifaceOfIp = new Map<string, string>();
  const named = new Set(ifaces.map((i) => i.name));
  for (const r of records) {
    const t = Number(r.ns - base);
    const ip = r.iface.link === 1 ? r.at + 14 : r.at;
    const key = Buffer.from(buf.buffer, buf.byteOffset + ip, Math.max(0, r.end - ip)).toString('latin1');
    const waiting = inFlight.get(key);
    let sent = -1;
    for (let i = (waiting?.length ?? 0) - 1; i >= 0 && sent < 0; i--) if (waiting![i]!.iface !== r.iface.name) sent = i;
    if (waiting && sent >= 0) {
      waiting.splice(sent, 1)[0]!.arrived = t;
      if (!waiting.length) inFlight.delete(key);
      continue;
    }
    const p = parseIp(buf, dv, ip, r.end, t);
    if (!p) continue;
    p.iface = r.iface.name;
    ifaceOfIp.set(p.src, r.iface.name);
    out.push(p);
    inFlight.set(key, [...(waiting ?? []), p]);
  }
  // Unmatched, to an address whose host's interface is in the file: recorded leaving, never seen arriving.
  for (const p of out) {
    const there = ifaceOfIp.get(p.dst);
    if (p.arrived === undefined && there !== undefined && there !== p.iface && named.has(there)) p.lost = true;
  }
  return out;
}

function readIdb(buf: Uint8Array, dv: DataView, le: boolean, body: number, end: number, n: number): Iface {
  const iface: Iface = { name: `if${n}`, link: dv.getUint16(body, le), perSec: 1_000_000n };
  for (let o = body + 8; o + 4 <= end; ) {
    const code = dv.getUint16(o, le);
    const olen = dv.getUint16(o + 2, le);
    if (code === 0) break;
    const v = o + 4;
    if (v + olen > end) break;
    if (code === 2) iface.name = Buffer.from(buf.buffer, buf.byteOffset + v, olen).toString('utf8').replace(/\0+$/, '');
    // if_tsresol: a power of ten, or of two when the top bit is set.
    if (code === 9 && olen >= 1) iface.perSec = buf[v]! & 0x80 ? 1n << BigInt(buf[v]! & 0x7f) : 10n ** BigInt(buf[v]!);
    o = v + ((olen + 3) & ~3);
  }
  return iface;
}

function parseIp(buf: Uint8Array, dv: DataView, o: number, end: number, t: number): Packet | undefined {
  if (o >= end) return undefined;
  const version = buf[o]! >> 4;
  let proto: number;
  let src: string;
  let dst: string;
  let l4: number;
  if (version === 4) {
    const ihl = (buf[o]! & 0xf) * 4;
    proto = buf[o + 9]!;
    src = ipText(buf.subarray(o + 12, o + 16));
    dst = ipText(buf.subarray(o + 16, o + 20));
    l4 = o + ihl;
  } else if (version === 6) {
    proto = buf[o + 6]!;
    src = ipText(buf.subarray(o + 8, o + 24));
    dst = ipText(buf.subarray(o + 24, o + 40));
    l4 = o + 40;
  } else return undefined;
  if (proto === 6 && l4 + 20 <= end) {
    const off = (buf[l4 + 12]! >> 4) * 4;
    const f = buf[l4 + 13]!;
    const flags = [[0x02, 'S'], [0x10, 'A'], [0x01, 'F'], [0x04, 'R'], [0x08, 'P'], [0x20, 'U']].filter(([b]) => f & (b as number)).map(([, n]) => n).join('');
    return { t, proto: 'tcp', src, dst, sport: dv.getUint16(l4), dport: dv.getUint16(l4 + 2), flags, seq: dv.getUint32(l4 + 4), len: Math.max(0, end - l4 - off) };
  }
  if (proto === 17 && l4 + 8 <= end) return { t, proto: 'udp', src, dst, sport: dv.getUint16(l4), dport: dv.getUint16(l4 + 2), len: Math.max(0, end - l4 - 8) };
  if (proto === 1 || proto === 58) return { t, proto: 'icmp', src, dst, len: Math.max(0, end - l4) };
  return { t, proto: 'other', src, dst, len: Math.max(0, end - l4) };
}
