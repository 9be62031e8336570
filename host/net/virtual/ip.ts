// Raw IP on the virtual network: building and reading IPv4 headers, the
// Internet checksum, and the virtual host's own ICMP: it answers echo
// requests (ping) and hands every arriving packet of a protocol to the raw
// sockets open for it, as Linux does (IPv4 raw sockets receive the IP
// header; IPv6 ones do not). An IPv4 packet to a broadcast address reaches
// every host of the sender's segment (loopback's 127.255.255.255 only the
// sender's host), whose raw sockets see it; no host answers an echo
// request sent to a broadcast or multicast address
// (icmp_echo_ignore_broadcasts, on by default).
import { vhost } from './host.js';
import { E, Errno } from '../../abi/errno.js';
import { AF } from '../addr/constants.js';
import { canonIp, ipBytes, ipText, isAny, unmap, type InetAddr } from '../addr/address.js';
import type { Host, VirtualNetwork } from './network.js';
import type { PacketInfo, Socket } from '../socket/socket.js';
import { runCounter } from '../../kernel/ids.js';
import { filterRaw } from './sockfilter.js';

export const ICMP_ECHO_REPLY = 0;
export const ICMP_ECHO = 8;
export const ICMP6_ECHO = 128;
export const ICMP6_ECHO_REPLY = 129;

export function checksum(b: Uint8Array, seed = 0): number {
  let sum = seed;
  for (let i = 0; i + 1 < b.length; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (b.length & 1) sum += b[b.length - 1]! << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

const nextIpId = runCounter(1n);

/** A UDP header and `data` after it, its checksum 0 (none, for IPv4): the capture's frames fill it in. */
export function udpDatagram(srcPort: number, dstPort: number, data: Uint8Array): Uint8Array {
  const d = new Uint8Array(8 + data.length);
  const dv = new DataView(d.buffer);
  dv.setUint16(0, srcPort);
  dv.setUint16(2, dstPort);
  dv.setUint16(4, d.length);
  d.set(data, 8);
  return d;
}

/** An IPv4 packet; `id` defaults to the next of the run's identifications (the capture numbers its own). */
export function ipv4Packet(src: string, dst: string, proto: number, ttl: number, payload: Uint8Array, id?: number): Uint8Array {
  const p = new Uint8Array(20 + payload.length);
  const dv = new DataView(p.buffer);
  p[0] = 0x45;
  dv.setUint16(2, p.length);
  dv.setUint16(4, id ?? Number(nextIpId() & 0xffffn));
  dv.setUint16(6, 0x4000); // don't fragment, as Linux sets for ICMP
  p[8] = ttl;
  p[9] = proto;
  p.set(ipBytes(unmap(src)), 12);
  p.set(ipBytes(unmap(dst)), 16);
  dv.setUint16(10, checksum(p.subarray(0, 20)));
  p.set(payload, 20);
  return p;
}

export interface Ipv4 {
  src: string;
  dst: string;
  proto: number;
  header: number;
  payload: Uint8Array;
}
export function parseIpv4(p: Uint8Array): Ipv4 | undefined {
  if (p.length < 20 || p[0]! >> 4 !== 4) return undefined;
  const header = (p[0]! & 0xf) * 4;
  if (header < 20 || p.length < header) return undefined;
  return { src: ipText(p.subarray(12, 16)), dst: ipText(p.subarray(16, 20)), proto: p[9]!, header, payload: p.subarray(header) };
}

/** The ICMPv6 checksum covers a pseudo-header of both addresses. */
export function icmp6Checksum(src: string, dst: string, msg: Uint8Array): number {
  return checksum6(src, dst, 58, msg);
}

/** An IPv6 upper-layer checksum (RFC 8200 8.1): over a pseudo-header of both addresses, the length and the protocol. */
function checksum6(src: string, dst: string, proto: number, msg: Uint8Array): number {
  const pseudo = new Uint8Array(40);
  pseudo.set(ipBytes(src), 0);
  pseudo.set(ipBytes(dst), 16);
  new DataView(pseudo.buffer).setUint32(32, msg.length);
  pseudo[39] = proto;
  const all = new Uint8Array(40 + msg.length);
  all.set(pseudo);
  all.set(msg, 40);
  return checksum(all);
}

/**
 * An IPv4 packet's arrival as recvmsg reports it (IP_PKTINFO, IP_RECVTTL):
 * one host's own traffic comes in on lo (index 1), another host's on eth0
 * (2, the one link of the segment: no router, so the TTL is the sender's).
 * The local address (fib_compute_spec_dst) is a unicast packet's
 * destination, else the receiving interface's own address. Undefined for
 * IPv6 (IPV6_PKTINFO is another option).
 */
export function arrivalInfo(net: VirtualNetwork, from: Host, to: Host, dst: string, ttl: number): PacketInfo | undefined {
  const u = unmap(dst);
  if (u.includes(':')) return undefined;
  const lo = from === to;
  const group = net.isBroadcast(to, u) || isMulticast4(u);
  return { ifindex: lo ? 1 : 2, specDst: group ? (lo ? '127.0.0.1' : to.v4[0] ?? '0.0.0.0') : u, dst: u, ttl };
}

/** An IPv4 packet arrives at host h: raw sockets get a copy; ICMP echo gets its reply. */
export function receiveIpv4(net: VirtualNetwork, h: Host, packet: Uint8Array, from: Host): void {
  const ip = parseIpv4(packet);
  if (!ip) return;
  for (const s of rawSockets(h, 4, ip.proto)) {
    // raw_v4_match: a socket bound to an address sees only packets to it, a connected one only its peer's.
    const l = s.local as InetAddr | undefined;
    const r = s.remote as InetAddr | undefined;
    if ((l && !isAny(l) && !sameIp(l.ip, ip.dst)) || (r && !isAny(r) && !sameIp(r.ip, ip.src))) continue;
    // ICMP_FILTER (icmp_filter): a set bit drops that type (below 32); a message too short for its header is dropped.
    if (ip.proto === 1 && (ip.payload.length < 8 || (ip.payload[0]! < 32 && (s.icmpFilter >>> ip.payload[0]!) & 1))) continue;
    const kept = filterRaw(s, packet, from === h);
    if (!kept) continue;
    s.pushDatagram(kept.slice(), { family: 4, ip: ip.src, port: 0 }, undefined, undefined, arrivalInfo(net, from, h, ip.dst, packet[8]!));
  }
  if (ip.proto === 1 && ip.payload.length >= 8 && ip.payload[0] === ICMP_ECHO_REPLY) {
    // An echo reply goes to the ping socket whose identifier (its "port") it carries, without the IP header (ping_rcv).
    const id = (ip.payload[4]! << 8) | ip.payload[5]!;
    for (const s of net.bound(h, 'icmp', id)) {
      const l = s.local as InetAddr | undefined;
      if (s.closed || !s.ping || (l && !isAny(l) && !sameIp(l.ip, ip.dst))) continue;
      s.pushDatagram(ip.payload.slice(), { family: 4, ip: ip.src, port: 0 }, undefined, undefined, arrivalInfo(net, from, h, ip.dst, packet[8]!));
      break;
    }
  }
  // icmp_echo: an echo request to a broadcast or multicast address goes unanswered (icmp_echo_ignore_broadcasts).
  if (ip.proto === 1 && ip.payload.length >= 8 && ip.payload[0] === ICMP_ECHO && !net.isBroadcast(h, ip.dst) && !isMulticast4(ip.dst)) {
    const reply = ip.payload.slice();
    reply[0] = ICMP_ECHO_REPLY;
    reply[2] = reply[3] = 0;
    new DataView(reply.buffer).setUint16(2, checksum(reply));
    const back = ipv4Packet(ip.dst, ip.src, 1, 64, reply);
    const fate = net.fate(h, from, back.length, false);
    net.capture?.send(h.name, from.name, back, fate);
    for (const t of fate) net.at(t, () => receiveIpv4(net, from, back, h));
  }
}

/** 224.0.0.0/4 (multicast.ts has the family-neutral test; it imports this module). */
function isMulticast4(ip: string): boolean {
  const a = Number(ip.split('.')[0]);
  return a >= 224 && a <= 239;
}

/**
 * An IPv4 packet h sends to dst: over the link to the host that has dst,
 * or, to a broadcast address, to every host of h's segment, h's own
 * included (ip_mc_output loops a broadcast back), as multicast.ts sends a
 * UDP one: recorded once as sent, once per receiving host.
 */
export function emitIpv4(net: VirtualNetwork, h: Host, dst: string, packet: Uint8Array): void {
  if (net.isBroadcast(h, dst)) {
    const targets = unmap(dst) === '127.255.255.255' ? [h] : net.segment(h);
    const cap = net.capture;
    const build = (): Uint8Array => packet;
    cap?.groupSent(h.name, build);
    for (const t of targets) {
      const fate = net.fate(h, t, packet.length, false);
      if (!fate.length) net.stats.groupDrops++;
      for (const at of fate) net.at(at, () => {
        net.stats.broadcasts++;
        cap?.groupArrived(h.name, t.name, build);
        receiveIpv4(net, t, packet, h);
      });
    }
    return;
  }
  const target = net.route(h, dst);
  if (!target) return;
  const fate = net.fate(h, target, packet.length, false);
  net.capture?.send(h.name, target.name, packet, fate);
  for (const t of fate) net.at(t, () => receiveIpv4(net, target, packet, h));
}

/**
 * An ICMPv6 message arrives with hop limit `hops`: raw ICMPv6 sockets get it
 * without the IPv6 header (and the IPV6_PKTINFO/IPV6_HOPLIMIT recvmsg gives:
 * the destination, lo or eth0, the hop limit), unless ICMPV6_FILTER blocks
 * its type (icmpv6_filter: a message shorter than 4 bytes is blocked) or
 * the socket checks checksums (IPV6_CHECKSUM not -1) and this one is wrong
 * (one sent with IPV6_CHECKSUM -1); echo requests with a right checksum are
 * answered (hop limit 64).
 */
export function receiveIcmp6(net: VirtualNetwork, h: Host, src: string, dst: string, msg: Uint8Array, from: Host, hops: number): void {
  const info: PacketInfo = { ifindex: from === h ? 1 : 2, specDst: dst, dst, ttl: hops };
  // Over the pseudo-header and the message, checksum field included: 0 when the field is right.
  const good = checksum6(src, dst, 58, msg) === 0;
  for (const s of rawSockets(h, 6, 58)) {
    const f = s.icmp6Filter;
    if (msg.length < 4 || (f && (f[msg[0]! >> 3]! >> (msg[0]! & 7)) & 1) || (!good && s.csumOffset6 >= 0)) continue;
    s.pushDatagram(msg.slice(), { family: 6, ip: src, port: 0 }, undefined, undefined, info);
  }
  if (good && msg.length >= 8 && msg[0] === ICMP6_ECHO) {
    const reply = msg.slice();
    reply[0] = ICMP6_ECHO_REPLY;
    reply[2] = reply[3] = 0;
    new DataView(reply.buffer).setUint16(2, icmp6Checksum(dst, src, reply));
    const fate = net.fate(h, from, reply.length + 40, false);
    const cap = net.capture;
    if (cap?.sees(h.name, from.name)) cap.send(h.name, from.name, cap.ip(dst, src, 58, reply), fate);
    for (const t of fate) net.at(t, () => receiveIcmp6(net, from, dst, src, reply, h, 64));
  }
}

export function rawSockets(h: Host, family: 4 | 6, proto: number): Socket[] {
  return (h.raw ?? []).filter((s) => !s.closed && s.protocol === proto && (family === 4 ? s.domain === 2 : s.domain === 10));
}

export function sameIp(a: string, b: string): boolean {
  return canonIp(unmap(a)) === canonIp(unmap(b));
}

/**
 * An unprivileged ICMP datagram socket's echo request (ping_v4_sendmsg):
 * the guest's ICMP message with the identifier rewritten to the socket's
 * port and the checksum filled in, in an IPv4 packet.
 */
export function sendPing(net: VirtualNetwork, s: Socket, d: InetAddr, msg: Uint8Array): void {
  const dv = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  dv.setUint16(4, (s.local as InetAddr).port);
  dv.setUint16(2, 0);
  dv.setUint16(2, checksum(msg));
  const l = s.local as InetAddr;
  const src = !isAny(l) ? unmap(l.ip) : net.sourceFor(vhost(s), d.ip, 4);
  emitIpv4(net, vhost(s), d.ip, ipv4Packet(src, unmap(d.ip), 1, s.ttl, msg));
}

/** A SOCK_RAW send on the virtual network: the protocol's message in an IPv4 packet (or, with IP_HDRINCL, the guest's own, completed as Linux does), or an ICMPv6 message (with IPV6_HDRINCL, the guest's IPv6 packet as it is). */
export function sendRaw(net: VirtualNetwork, s: Socket, d: InetAddr, data: Uint8Array): void {
  if (s.domain === AF.AF_INET) {
    const src = s.local && !isAny(s.local as InetAddr) ? (s.local as InetAddr).ip : net.sourceFor(vhost(s), d.ip, 4);
    let packet: Uint8Array;
    if (s.hdrincl) {
      if (data.length < 20) throw new Errno(E.EINVAL);
      packet = data.slice();
      const dv = new DataView(packet.buffer);
      // Linux fills in the total length, a zero id, and the header checksum.
      dv.setUint16(2, packet.length);
      if (dv.getUint16(4) === 0) dv.setUint16(4, 1);
      if (dv.getUint32(12) === 0) packet.set(ipBytes(unmap(src)), 12);
      dv.setUint16(10, 0);
      dv.setUint16(10, checksum(packet.subarray(0, (packet[0]! & 0xf) * 4)));
    } else packet = ipv4Packet(src, unmap(d.ip), s.protocol, s.ttl, data);
    emitIpv4(net, vhost(s), d.ip, packet);
    return;
  }
  const target = net.route(vhost(s), d.ip);
  if (!target) return;
  if (s.hdrincl) {
    // IPV6_HDRINCL (rawv6_send_hdrinc): the guest's packet as it is, routed by sendto's address. ip6_rcv_core drops one
    // not of version 6 or whose payload length overruns it, and cuts what follows; socklab's IPv6 input is ICMPv6 only.
    const packet = data.slice();
    const fate = net.fate(vhost(s), target, packet.length, false);
    const cap = net.capture;
    if (cap?.sees(vhost(s).name, target.name)) cap.send(vhost(s).name, target.name, packet, fate);
    const plen = (packet[4]! << 8) | packet[5]!;
    if (packet[0]! >> 4 !== 6 || packet[6] !== 58 || 40 + plen > packet.length) return;
    const [from, to, msg] = [ipText(packet.subarray(8, 24)), ipText(packet.subarray(24, 40)), packet.slice(40, 40 + plen)];
    for (const t of fate) net.at(t, () => receiveIcmp6(net, target, from, to, msg, vhost(s), packet[7]!));
    return;
  }
  const src = net.sourceFor(vhost(s), d.ip, 6);
  const msg = data.slice();
  // IPV6_CHECKSUM (2 on an ICMPv6 socket): the kernel writes the checksum there (the socket checked it fits).
  const at = s.csumOffset6;
  if (at >= 0 && at + 1 < msg.length) {
    msg[at] = msg[at + 1] = 0;
    new DataView(msg.buffer).setUint16(at, checksum6(src, canonIp(d.ip), s.protocol, msg));
  }
  const fate = net.fate(vhost(s), target, msg.length + 40, false);
  const cap = net.capture;
  if (cap?.sees(vhost(s).name, target.name)) cap.send(vhost(s).name, target.name, cap.ip(src, canonIp(d.ip), 58, msg), fate);
  const hops = s.hops6 < 0 ? 64 : s.hops6;
  for (const t of fate) net.at(t, () => receiveIcmp6(net, target, src, canonIp(d.ip), msg, vhost(s), hops));
}
