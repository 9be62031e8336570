// Reads the packets of a pcap file (the classic format socklab writes:
// nanosecond timestamps, raw IP; microsecond files and Ethernet framing are
// read too) into what the report draws: time, endpoints, protocol, TCP
// flags and sequence numbers.
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
}

export class PcapError extends Error {}

export function readPcap(buf: Uint8Array, epochSec = VIRTUAL_EPOCH_SEC): Packet[] {
  if (buf.length < 24) throw new PcapError('not a pcap file (shorter than its header)');
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magicLE = dv.getUint32(0, true);
  let le: boolean;
  let nano: boolean;
  if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d) [le, nano] = [true, magicLE === 0xa1b23c4d];
  else if (dv.getUint32(0, false) === 0xa1b2c3d4 || dv.getUint32(0, false) === 0xa1b23c4d) [le, nano] = [false, dv.getUint32(0, false) === 0xa1b23c4d];
  else throw new PcapError('not a pcap file (unknown magic number; pcapng is not read here)');
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
