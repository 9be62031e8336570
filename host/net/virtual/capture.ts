// Packet capture of the virtual network: IP packets (TCP segments with
// consistent sequence and acknowledgement numbers, UDP datagrams, ICMP and
// raw packets) with valid checksums and virtual timestamps, for Wireshark
// and tshark, as pcap (raw-IP link type) or pcapng (one interface per host).
//
// Where a packet is recorded is where tcpdump would see it:
//  - pcap, no host filter: once, when it leaves its sender (a packet the
//    link then loses is in the capture and never answered);
//  - pcap with --pcap-host: what those hosts send, when it leaves, and what
//    they receive, when it arrives (a lost packet is not received); a
//    packet between two captured hosts is recorded once, when it leaves;
//  - pcapng: on the sender's interface when it leaves and on the
//    receiver's when it arrives (both ends of a link, as Wireshark shows
//    with frame.interface_name); --pcap-host keeps those hosts' interfaces.
// A broadcast or multicast datagram is recorded by multicast.ts: without a
// host filter once per host it reaches, when it arrives there. A host's
// IGMPv3/MLDv2 membership reports (multicast.ts) are recorded on the host
// that sends them, when they leave: no virtual host is a multicast router
// that would take them.
// Records are kept in time order and written once their time has passed,
// so a segment known now to be sent again later (a retransmission) is
// written at its time without adding events to the run: capturing or not
// never changes a run. AF_UNIX traffic is not IP: it is in the syscall
// trace, not here.
import { Slot } from '../../kernel/slots.js';
import { openSync, writeSync, closeSync } from 'node:fs';
import { VIRTUAL_EPOCH_NS } from '../../kernel/clock.js';
import { ipBytes, isV4Mapped, unmap, type InetAddr } from '../addr/address.js';
import { checksum, ipv4Packet, udpDatagram } from './ip.js';
import { TCP_ACK } from '../addr/constants.js';

export type PcapFormat = 'pcap' | 'pcapng';

/** The run's --pcap: the file, the hosts whose view it records (all when absent), and its format (pcap by default). */
export interface PcapOptions {
  file: string;
  hosts?: string[];
  format?: PcapFormat;
}
export const PCAP = new Slot<PcapOptions>('pcap');

/** A packet waiting for its time; `build` runs then (a retransmission carries the acknowledgement of that moment). */
interface Rec {
  at: number;
  seq: number;
  host: string;
  packet: () => Uint8Array;
  live: boolean;
}

/** Handle on packets recorded ahead of their time, to take them back (a retransmission that turned out unnecessary). */
export interface Recorded {
  cancel(): void;
}

/**
 * What else sees the packets as they leave and arrive: the hosts' AF_PACKET
 * sockets (packet.ts). Each call is for one host's interface, at `at`;
 * the handle takes back a delivery planned for later.
 */
export interface FrameTap {
  /** `packet` leaves host `from` (to `to`, the same host on loopback; undefined when no host takes it). */
  sent(from: string, to: string | undefined, packet: () => Uint8Array, at: number): Recorded;
  /** `packet` from `from` arrives at host `to`. */
  arrived(from: string, to: string, packet: () => Uint8Array, at: number): Recorded;
}

export class PacketCapture {
  private fd: number;
  /** Packet sockets' view of the traffic, while some host has one open. */
  tap: FrameTap | undefined;
  private readonly hosts: Set<string> | undefined;
  readonly format: PcapFormat;
  /** pcapng interface ids by host name, in the order the hosts were first seen. */
  private readonly ifaces = new Map<string, number>();
  private readonly pending: Rec[] = [];
  private seq = 0;
  /** IP identifications of the packets the capture builds: its own, so capturing takes none from the guests' raw packets. */
  private ipId = 0;

  /** `path` undefined: no file, only the tap (a run with packet sockets and no --pcap). */
  constructor(path: string | undefined, private readonly now: () => number, opts: { hosts?: string[]; format?: PcapFormat; allHosts?: string[] } = {}) {
    this.fd = path === undefined ? -1 : openSync(path, 'w');
    this.hosts = opts.hosts?.length ? new Set(opts.hosts) : undefined;
    this.format = opts.format ?? 'pcap';
    if (this.fd < 0) return;
    if (this.format === 'pcapng') {
      // Section header block: byte-order magic, v1.0, section length unknown.
      const shb = Buffer.alloc(28);
      shb.writeUInt32LE(0x0a0d0d0a, 0);
      shb.writeUInt32LE(28, 4);
      shb.writeUInt32LE(0x1a2b3c4d, 8);
      shb.writeUInt16LE(1, 12);
      shb.writeUInt16LE(0, 14);
      shb.writeBigInt64LE(-1n, 16);
      shb.writeUInt32LE(28, 24);
      writeSync(this.fd, shb);
      for (const h of opts.allHosts ?? []) if (this.views(h)) this.iface(h);
      return;
    }
    // pcap global header: nanosecond-resolution magic, v2.4, snaplen 262144, LINKTYPE_RAW (101).
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b23c4d, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(262144, 16);
    h.writeUInt32LE(101, 20);
    writeSync(this.fd, h);
  }

  /** Whether the capture keeps this host's view. */
  private views(host: string): boolean {
    return !this.hosts || this.hosts.has(host);
  }

  /** Whether a packet from `from` to `to` is recorded anywhere (callers skip building it otherwise). */
  sees(from: string, to?: string): boolean {
    if (!this.hosts || this.tap) return true;
    return this.views(from) || (to !== undefined && this.views(to));
  }

  /**
   * A packet host `from` sends at `at` (now by default) to host `to`,
   * arriving there at each of `arrivals` (none: lost, two: duplicated).
   * `packet` is built when its first record is due.
   */
  send(from: string, to: string | undefined, packet: Uint8Array | (() => Uint8Array), arrivals: readonly number[], at = this.now()): Recorded {
    let built: Uint8Array | undefined = typeof packet === 'function' ? undefined : packet;
    const get = typeof packet === 'function' ? (): Uint8Array => (built ??= packet()) : (): Uint8Array => built!;
    const recs: Rec[] = [];
    const add = (t: number, host: string): void => {
      recs.push(this.add(t, host, get));
    };
    const tapped: Recorded[] = [];
    if (this.tap) {
      tapped.push(this.tap.sent(from, to, get, at));
      if (to !== undefined) for (const t of arrivals) tapped.push(this.tap.arrived(from, to, get, t));
    }
    const sentSeen = this.views(from);
    if (sentSeen) add(at, from);
    // Host views: the receiver sees it arrive (one host talking to itself sees it once, on loopback).
    if (to !== undefined && to !== from && this.hostViews && this.views(to) && !(this.format === 'pcap' && sentSeen)) {
      for (const t of arrivals) add(t, to);
    }
    this.flush();
    return {
      cancel: () => {
        recs.forEach((r) => (r.live = false));
        tapped.forEach((r) => r.cancel());
      },
    };
  }

  /** A broadcast or multicast datagram `from` sends now: in host views, recorded on the sender once, whoever receives it. */
  groupSent(from: string, packet: () => Uint8Array): void {
    this.tap?.sent(from, undefined, packet, this.now());
    if (!this.hostViews || !this.views(from)) return;
    this.add(this.now(), from, packet);
    this.flush();
  }

  /** A broadcast or multicast copy from `from` arriving at `to` now. */
  groupArrived(from: string, to: string, packet: () => Uint8Array): void {
    this.tap?.arrived(from, to, packet, this.now());
    // Without host views, each receiving host's copy (the sender's own loopback copy too), as before.
    const seen = this.hostViews ? to !== from && this.views(to) && !(this.format === 'pcap' && this.views(from)) : this.views(to);
    if (!seen) return;
    this.add(this.now(), to, packet);
    this.flush();
  }

  /**
   * A packet `host` sends at `at` (now or later) that no host receives (a
   * membership report): recorded on the sender's view only. Planned ahead,
   * so it can be taken back when a later event changes what is sent then.
   */
  sendOnly(host: string, at: number, packet: () => Uint8Array): Recorded {
    const tapped = this.tap?.sent(host, undefined, packet, at);
    if (!this.views(host)) return { cancel: () => tapped?.cancel() };
    const r = this.add(at, host, packet);
    this.flush();
    return {
      cancel: () => {
        r.live = false;
        tapped?.cancel();
      },
    };
  }

  /** Whether packets are recorded per host, sent and received (--pcap-host, pcapng). */
  private get hostViews(): boolean {
    return this.format === 'pcapng' || this.hosts !== undefined;
  }

  private add(at: number, host: string, packet: () => Uint8Array): Rec {
    const r: Rec = { at: Math.round(at), seq: ++this.seq, host, packet, live: true };
    // Insertion in (time, order) order; most records go at the end.
    let i = this.pending.length;
    while (i > 0 && this.pending[i - 1]!.at > r.at) i--;
    this.pending.splice(i, 0, r);
    return r;
  }

  /** Writes what is due before now (so the state those packets are built from may be forgotten). */
  settle(): void {
    this.flush();
  }

  /** Writes the records whose time has passed (all of them at the end of the run). */
  private flush(all = false): void {
    const now = this.now();
    let n = 0;
    for (const r of this.pending) {
      if (!all && r.at >= now) break;
      n++;
      if (r.live && this.fd >= 0) this.write(r.at, r.host, r.packet());
    }
    if (n) this.pending.splice(0, n);
  }

  private iface(host: string): number {
    let id = this.ifaces.get(host);
    if (id !== undefined) return id;
    id = this.ifaces.size;
    this.ifaces.set(host, id);
    // Interface description block: LINKTYPE_RAW, snaplen 262144, if_name = the host, if_tsresol = 9 (ns).
    const name = Buffer.from(host, 'utf8');
    const namePad = (name.length + 3) & ~3;
    const len = 16 + 4 + namePad + 4 + 4 + 4 + 4;
    const b = Buffer.alloc(len);
    b.writeUInt32LE(1, 0);
    b.writeUInt32LE(len, 4);
    b.writeUInt16LE(101, 8);
    b.writeUInt32LE(262144, 12);
    let o = 16;
    b.writeUInt16LE(2, o);
    b.writeUInt16LE(name.length, o + 2);
    name.copy(b, o + 4);
    o += 4 + namePad;
    b.writeUInt16LE(9, o);
    b.writeUInt16LE(1, o + 2);
    b.writeUInt8(9, o + 4);
    o += 8;
    // opt_endofopt is the zeroed word already there.
    b.writeUInt32LE(len, len - 4);
    writeSync(this.fd, b);
    return id;
  }

  private write(at: number, host: string, p: Uint8Array): void {
    const t = VIRTUAL_EPOCH_NS + BigInt(at);
    if (this.format === 'pcapng') {
      const id = this.iface(host);
      // Enhanced packet block, timestamps in ns (the interface's if_tsresol).
      const pad = (p.length + 3) & ~3;
      const len = 28 + pad + 4;
      const b = Buffer.alloc(len);
      b.writeUInt32LE(6, 0);
      b.writeUInt32LE(len, 4);
      b.writeUInt32LE(id, 8);
      b.writeUInt32LE(Number(t >> 32n), 12);
      b.writeUInt32LE(Number(t & 0xffffffffn), 16);
      b.writeUInt32LE(p.length, 20);
      b.writeUInt32LE(p.length, 24);
      Buffer.from(p.buffer, p.byteOffset, p.length).copy(b, 28);
      b.writeUInt32LE(len, len - 4);
      writeSync(this.fd, b);
      return;
    }
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Number(t / 1_000_000_000n), 0);
    rec.writeUInt32LE(Number(t % 1_000_000_000n), 4);
    rec.writeUInt32LE(p.length, 8);
    rec.writeUInt32LE(p.length, 12);
    writeSync(this.fd, rec);
    writeSync(this.fd, p);
  }

  close(): void {
    if (this.fd < 0) return;
    // Segments already due to be sent again when the run ends are written at their times: the run's count includes them.
    this.flush(true);
    closeSync(this.fd);
    this.fd = -1;
  }

  /** An IP packet carrying `proto` from src to dst (IPv4 when both are IPv4 or v4-mapped). */
  ip(src: string, dst: string, proto: number, payload: Uint8Array, fillChecksum?: (pseudo: Uint8Array) => void, ttl = 64): Uint8Array {
    const v4 = !src.includes(':') || isV4Mapped(src);
    const s = unmap(src);
    const d = unmap(dst);
    if (v4) {
      fillChecksum?.(pseudo4(s, d, proto, payload.length));
      this.ipId = (this.ipId + 1) & 0xffff;
      return ipv4Packet(s, d, proto, ttl, payload, this.ipId);
    }
    fillChecksum?.(pseudo6(s, d, proto, payload.length));
    const h = new Uint8Array(40 + payload.length);
    const dv = new DataView(h.buffer);
    h[0] = 0x60;
    dv.setUint16(4, payload.length);
    h[6] = proto;
    h[7] = ttl;
    h.set(ipBytes(s), 8);
    h.set(ipBytes(d), 24);
    h.set(payload, 40);
    return h;
  }

  /** A TCP segment; `urgentPointer` goes in the header when flags carry URG. */
  tcp(src: InetAddr, dst: InetAddr, seq: number, ack: number, flags: number, data: Uint8Array = new Uint8Array(0), urgentPointer = 0): Uint8Array {
    const seg = new Uint8Array(20 + data.length);
    const dv = new DataView(seg.buffer);
    dv.setUint16(0, src.port);
    dv.setUint16(2, dst.port);
    dv.setUint32(4, seq >>> 0);
    dv.setUint32(8, flags & TCP_ACK ? ack >>> 0 : 0);
    seg[12] = 5 << 4;
    seg[13] = flags;
    dv.setUint16(14, 65535);
    dv.setUint16(18, urgentPointer);
    seg.set(data, 20);
    return this.ip(src.ip, dst.ip, 6, seg, (pseudo) => dv.setUint16(16, checksumWith(pseudo, seg)));
  }

  /** A UDP datagram; `ttl` is the IP TTL or hop limit (a multicast's IP_MULTICAST_TTL). */
  udp(src: InetAddr, dst: InetAddr, data: Uint8Array, ttl = 64): Uint8Array {
    const d = udpDatagram(src.port, dst.port, data);
    return this.ip(src.ip, dst.ip, 17, d, (pseudo) => new DataView(d.buffer).setUint16(6, checksumWith(pseudo, d) || 0xffff), ttl);
  }
}

/** One group record of an IGMPv3 or MLDv2 report (no sources: the any-source joins and leaves of ip_mreq/ipv6_mreq). */
export interface GroupRecord {
  /** IGMPV3_CHANGE_TO_INCLUDE (3, a leave) or IGMPV3_CHANGE_TO_EXCLUDE (4, a join); MLDv2 numbers them alike. */
  type: number;
  group: string;
}

/**
 * An IGMPv3 membership report as igmpv3_newpack builds it: to 224.0.0.22,
 * TOS 0xc0, DF, TTL 1, id 0 (ip_select_ident gives a DF packet without a
 * socket id 0), the router alert option (so a 24-byte header), then type
 * 0x22, the checksum over the IGMP message and the group records.
 */
export function igmpv3Report(src: string, recs: readonly GroupRecord[]): Uint8Array {
  const len = 24 + 8 + 8 * recs.length;
  const p = new Uint8Array(len);
  const dv = new DataView(p.buffer);
  p[0] = 0x46;
  p[1] = 0xc0;
  dv.setUint16(2, len);
  dv.setUint16(6, 0x4000);
  p[8] = 1;
  p[9] = 2;
  p.set(ipBytes(src), 12);
  p.set([224, 0, 0, 22], 16);
  p.set([148, 4, 0, 0], 20);
  dv.setUint16(10, checksum(p.subarray(0, 24)));
  p[24] = 0x22;
  dv.setUint16(30, recs.length);
  recs.forEach((r, i) => {
    p[32 + 8 * i] = r.type;
    p.set(ipBytes(r.group), 32 + 8 * i + 4);
  });
  dv.setUint16(26, checksum(p.subarray(24)));
  return p;
}

/**
 * An MLDv2 report as mld_newpack builds it: to ff02::16 with hop limit 1,
 * traffic class 0, a hop-by-hop header holding the router alert (MLD) and a
 * PadN, then ICMPv6 type 143 with its pseudo-header checksum (next header
 * 58, the ICMPv6 length) and the address records.
 */
export function mldv2Report(src: string, recs: readonly GroupRecord[]): Uint8Array {
  const icmpLen = 8 + 20 * recs.length;
  const p = new Uint8Array(40 + 8 + icmpLen);
  const dv = new DataView(p.buffer);
  p[0] = 0x60;
  dv.setUint16(4, 8 + icmpLen);
  p[6] = 0;
  p[7] = 1;
  const dst = 'ff02::16';
  p.set(ipBytes(src), 8);
  p.set(ipBytes(dst), 24);
  p.set([58, 0, 5, 2, 0, 0, 1, 0], 40);
  const m = p.subarray(48);
  m[0] = 143;
  dv.setUint16(48 + 6, recs.length);
  recs.forEach((r, i) => {
    m[8 + 20 * i] = r.type;
    m.set(ipBytes(r.group), 8 + 20 * i + 4);
  });
  dv.setUint16(48 + 2, checksumWith(pseudo6(src, dst, 58, icmpLen), m));
  return p;
}

function pseudo4(src: string, dst: string, proto: number, len: number): Uint8Array {
  const p = new Uint8Array(12);
  p.set(ipBytes(src), 0);
  p.set(ipBytes(dst), 4);
  p[9] = proto;
  new DataView(p.buffer).setUint16(10, len);
  return p;
}
function pseudo6(src: string, dst: string, proto: number, len: number): Uint8Array {
  const p = new Uint8Array(40);
  p.set(ipBytes(src), 0);
  p.set(ipBytes(dst), 16);
  new DataView(p.buffer).setUint32(32, len);
  p[39] = proto;
  return p;
}
function checksumWith(pseudo: Uint8Array, seg: Uint8Array): number {
  const all = new Uint8Array(pseudo.length + seg.length);
  all.set(pseudo);
  all.set(seg, pseudo.length);
  return checksum(all);
}
