// AF_PACKET sockets on the virtual network (net/packet/af_packet.c,
// packet(7)): a host's packet sockets see every frame its interfaces send
// (PACKET_OUTGOING, dev_queue_xmit_nit: ETH_P_ALL sockets only) and receive
// (PACKET_HOST, BROADCAST, MULTICAST), loopback included, where each packet
// is seen twice: as it leaves and as it comes back in. The frames are the
// packet capture's (capture.ts, through its FrameTap), behind an Ethernet
// header: lo's has zero MACs, eth0's the hosts' (network.ts hostIfaces).
// A send hands an IPv4 frame to the network as a raw IP_HDRINCL packet
// (ip.ts); other ethertypes (ARP, IPv6) reach only packet sockets: the
// sender's host's and, on eth0, those of the segment's hosts the
// destination MAC names.
import { E, Errno } from '../../abi/errno.js';
import { ipBytes, ipText, type Addr, type PacketAddr } from '../addr/address.js';
import { ETH_P, PACKET_TYPES } from '../addr/constants.js';
import { PacketCapture, type FrameTap, type Recorded } from './capture.js';
import { emitIpv4 } from './ip.js';
import { IFINDEX, isMulticast } from './multicast.js';
import type { Host, VirtualNetwork } from './network.js';
import type { Socket } from '../socket/socket.js';
import { vhost, vnet } from './host.js';
import { runProgram } from '../bpf.js';

export const { ETH_P_ALL } = ETH_P;
const { ETH_P_IP, ETH_P_IPV6 } = ETH_P;
const { PACKET_HOST, PACKET_BROADCAST, PACKET_MULTICAST, PACKET_OUTGOING } = PACKET_TYPES;
const ETH_HLEN = 14;
const BROADCAST_MAC = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
const ZERO_MAC = new Uint8Array(6);

/** The open packet sockets of each host, per network. */
const open = new WeakMap<VirtualNetwork, Map<Host, Socket[]>>();

/** A frame on one interface of one host, as packet_rcv hands it over. */
interface Frame {
  ifindex: number;
  pkttype: number;
  ethertype: number;
  /** The link-layer header and the packet after it. */
  bytes: Uint8Array;
}

/**
 * Makes s an AF_PACKET socket of type raw or cooked (SOCK_DGRAM) for
 * `protocol` as socket(2) took it (network byte order: htons(ETH_P_ALL)).
 */
export function openPacket(s: Socket, protocol: number, cooked: boolean): void {
  const net = vnet(s);
  const h = vhost(s);
  // The packets are the capture's: a run without --pcap gets one without a file.
  net.capture ??= new PacketCapture(undefined, () => net.kernel.clock.now());
  net.capture.tap ??= tapOf(net);
  let hosts = open.get(net);
  if (!hosts) open.set(net, (hosts = new Map()));
  const list = hosts.get(h) ?? [];
  hosts.set(h, [...list, s]);
  s.packet = {
    cooked,
    ptype: ntohs(protocol & 0xffff),
    ifindex: 0,
    send: (data, dst) => sendFrame(net, s, data, dst),
    close: () => hosts.set(h, (hosts.get(h) ?? []).filter((x) => x !== s)),
    auxdata: false,
    ignoreOutgoing: false,
    stats: { packets: 0, drops: 0 },
    memberships: [],
  };
}

/** bind(2) on a packet socket (packet_bind): a whole sockaddr_ll of AF_PACKET; protocol 0 keeps the socket's. */
export function bindPacket(s: Socket, a: Addr, len: number): void {
  if (len < 20 || a.family !== 'packet') throw new Errno(E.EINVAL);
  if (a.ifindex !== 0 && !ifaceOf(vhost(s), a.ifindex)) throw new Errno(E.ENODEV);
  s.packet!.ifindex = a.ifindex;
  if (a.protocol !== 0) s.packet!.ptype = a.protocol;
}

/** getsockname (packet_getname): the protocol, the bound interface with its type and address (none when unbound). */
export function packetName(s: Socket): PacketAddr {
  const b = s.packet!;
  const iface = b.ifindex ? ifaceOf(vhost(s), b.ifindex) : undefined;
  return { family: 'packet', protocol: b.ptype, ifindex: b.ifindex, hatype: iface?.hwType ?? 0, pkttype: 0, halen: iface ? 6 : 0, addr: iface?.mac ?? ZERO_MAC, exact: true };
}

function ntohs(v: number): number {
  return ((v & 0xff) << 8) | (v >> 8);
}

function ifaceOf(h: Host, index: number): { hwType: number; mac: Uint8Array } | undefined {
  return h.ifaces().find((i) => i.index === index);
}

function macOf(h: Host): Uint8Array {
  return ifaceOf(h, IFINDEX.eth0)!.mac;
}

function ethertypeOf(packet: Uint8Array): number {
  return packet[0]! >> 4 === 6 ? ETH_P_IPV6 : ETH_P_IP;
}

/** The destination of an IP packet, as text. */
function dstOf(packet: Uint8Array): string {
  return packet[0]! >> 4 === 6 ? ipText(packet.subarray(24, 40)) : ipText(packet.subarray(16, 20));
}

/** The Ethernet destination of an IP packet to `dst` on eth0: the group's MAC (RFC 1112, RFC 2464), broadcast, or the receiver's. */
function dstMac(net: VirtualNetwork, from: Host, to: Host | undefined, dst: string): Uint8Array {
  if (isMulticast(dst)) {
    const b = ipBytes(dst);
    return dst.includes(':') ? new Uint8Array([0x33, 0x33, ...b.subarray(12, 16)]) : new Uint8Array([1, 0, 0x5e, b[1]! & 0x7f, b[2]!, b[3]!]);
  }
  if (to === undefined || dst === '255.255.255.255' || net.isBroadcast(from, dst)) return BROADCAST_MAC;
  return macOf(to);
}

function ethernet(dst: Uint8Array, src: Uint8Array, ethertype: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(ETH_HLEN + payload.length);
  f.set(dst, 0);
  f.set(src, 6);
  f[12] = ethertype >> 8;
  f[13] = ethertype & 0xff;
  f.set(payload, ETH_HLEN);
  return f;
}

/** Whether a packet between from and to goes over lo: one host talking to itself, or to 127/8. */
function overLo(from: Host, to: Host | undefined, dst: string): boolean {
  return to === from || dst.startsWith('127.') || dst === '::1';
}

/** The socket sending now, which does not see its own outgoing frame (skb_loop_sk). */
let sender: Socket | undefined;

function tapOf(net: VirtualNetwork): FrameTap {
  const later = (at: number, fn: () => void): Recorded => {
    let live = true;
    net.at(at, () => live && fn());
    return { cancel: () => (live = false) };
  };
  return {
    sent: (fromName, toName, packet, at) => {
      const from = net.hosts.get(fromName);
      if (!from || !hasSockets(net, from)) return { cancel: () => undefined };
      const to = toName === undefined ? undefined : net.hosts.get(toName);
      const skip = sender;
      return later(at, () => {
        const p = packet();
        const dst = dstOf(p);
        const lo = overLo(from, to, dst);
        const mac = lo ? ZERO_MAC : macOf(from);
        const frame = ethernet(lo ? ZERO_MAC : dstMac(net, from, to, dst), mac, ethertypeOf(p), p);
        deliver(net, from, { ifindex: lo ? IFINDEX.lo : IFINDEX.eth0, pkttype: PACKET_OUTGOING, ethertype: ethertypeOf(p), bytes: frame }, skip);
      });
    },
    arrived: (fromName, toName, packet, at) => {
      const from = net.hosts.get(fromName);
      const to = net.hosts.get(toName);
      if (!from || !to || !hasSockets(net, to)) return { cancel: () => undefined };
      return later(at, () => {
        const p = packet();
        const dst = dstOf(p);
        const lo = overLo(from, to, dst);
        // A group packet's copy looped back to its sender on eth0 is PACKET_LOOPBACK, which packet_rcv drops.
        if (from === to && !lo) return;
        const dmac = lo ? ZERO_MAC : dstMac(net, from, to, dst);
        const pkttype = lo ? PACKET_HOST : dmac === BROADCAST_MAC ? PACKET_BROADCAST : dmac[0]! & 1 ? PACKET_MULTICAST : PACKET_HOST;
        const frame = ethernet(dmac, lo ? ZERO_MAC : macOf(from), ethertypeOf(p), p);
        deliver(net, to, { ifindex: lo ? IFINDEX.lo : IFINDEX.eth0, pkttype, ethertype: ethertypeOf(p), bytes: frame });
      });
    },
  };
}

function hasSockets(net: VirtualNetwork, h: Host): boolean {
  return (open.get(net)?.get(h)?.length ?? 0) > 0;
}

/**
 * packet_rcv for each of h's packet sockets the frame matches: its interface, and ETH_P_ALL or the frame's
 * ethertype (incoming only); PACKET_IGNORE_OUTGOING skips outgoing frames. The socket's filter runs on the
 * frame from its link-layer header (SOCK_RAW) or network header (SOCK_DGRAM): 0 drops it uncounted, less
 * than the frame keeps that many bytes. PACKET_STATISTICS counts what is queued and what a full queue drops.
 */
function deliver(net: VirtualNetwork, h: Host, f: Frame, skip?: Socket): void {
  const iface = ifaceOf(h, f.ifindex)!;
  for (const s of open.get(net)?.get(h) ?? []) {
    const b = s.packet!;
    if (s === skip || s.closed || (b.ifindex !== 0 && b.ifindex !== f.ifindex)) continue;
    if (b.ptype !== ETH_P_ALL && (b.ptype !== f.ethertype || f.pkttype === PACKET_OUTGOING)) continue;
    if (b.ignoreOutgoing && f.pkttype === PACKET_OUTGOING) continue;
    const start = b.cooked ? ETH_HLEN : 0;
    let keep = f.bytes.length - start;
    if (s.filter) {
      const res = runProgram(s.filter, { buf: f.bytes, start, net: ETH_HLEN, mac: 0, protocol: f.ethertype, pkttype: f.pkttype, ifindex: f.ifindex, hatype: iface.hwType });
      if (res === 0) continue;
      keep = Math.min(keep, res);
    }
    const from: PacketAddr = { family: 'packet', protocol: f.ethertype, ifindex: f.ifindex, hatype: iface.hwType, pkttype: f.pkttype, halen: 6, addr: f.bytes.slice(6, 12) };
    const aux = { status: auxStatus(f), len: f.bytes.length - start, snaplen: keep, net: ETH_HLEN - start };
    if (s.pushDatagram(f.bytes.slice(start, start + keep), from, undefined, undefined, { ifindex: f.ifindex, specDst: '', dst: '', ttl: 0, aux })) b.stats.packets++;
    else b.stats.drops++;
  }
}

/**
 * tpacket_auxdata's tp_status: TP_STATUS_USER, with TP_STATUS_CSUMNOTREADY for a TCP or UDP packet whose
 * checksum is left to the device (CHECKSUM_PARTIAL: every one on lo, and outgoing ones).
 */
function auxStatus(f: Frame): number {
  const TP_STATUS_USER = 1;
  const TP_STATUS_CSUMNOTREADY = 8;
  const p = f.bytes;
  const proto = f.ethertype === ETH_P_IP ? p[ETH_HLEN + 9] : f.ethertype === ETH_P_IPV6 ? p[ETH_HLEN + 6] : undefined;
  const partial = (proto === 6 || proto === 17) && (f.ifindex === IFINDEX.lo || f.pkttype === PACKET_OUTGOING);
  return TP_STATUS_USER | (partial ? TP_STATUS_CSUMNOTREADY : 0);
}

/**
 * packet_snd: the interface is dst's sll_ifindex or the bound one (ENXIO
 * for none), the protocol dst's sll_protocol or the socket's; SOCK_RAW
 * data is a whole frame (at least its header: EINVAL), SOCK_DGRAM's gets
 * a header to sll_addr. At most the MTU past the header (EMSGSIZE).
 */
function sendFrame(net: VirtualNetwork, s: Socket, data: Uint8Array, dst: Addr | undefined): void {
  const b = s.packet!;
  const h = vhost(s);
  // packet_sendmsg: an address is a whole sockaddr_ll (readSockaddr decodes only those).
  if (dst && dst.family !== 'packet') throw new Errno(E.EINVAL);
  const ifindex = dst ? (dst as PacketAddr).ifindex : b.ifindex;
  const iface = ifaceOf(h, ifindex);
  if (!iface) throw new Errno(E.ENXIO);
  const lo = ifindex === IFINDEX.lo;
  const mtu = lo ? 65536 : 1500;
  let frame: Uint8Array;
  if (b.cooked) {
    if (data.length > mtu) throw new Errno(E.EMSGSIZE);
    const proto = dst ? (dst as PacketAddr).protocol : b.ptype;
    const to = dst ? (dst as PacketAddr).addr.subarray(0, 6) : ZERO_MAC;
    frame = ethernet(lo ? ZERO_MAC : to, iface.mac, proto, data);
  } else {
    if (data.length < ETH_HLEN) throw new Errno(E.EINVAL);
    if (data.length > mtu + ETH_HLEN) throw new Errno(E.EMSGSIZE);
    frame = data.slice();
  }
  const ethertype = (frame[12]! << 8) | frame[13]!;
  const payload = frame.subarray(ETH_HLEN);
  if (ethertype === ETH_P_IP && payload.length >= 20 && payload[0]! >> 4 === 4) {
    // An IPv4 frame goes out as IP_HDRINCL's packet does; the capture's tap shows it to the packet sockets.
    sender = s;
    try {
      emitIpv4(net, h, ipText(payload.subarray(16, 20)), payload.slice(0, Math.min(payload.length, (payload[2]! << 8) | payload[3]!) || payload.length));
    } finally {
      sender = undefined;
    }
    return;
  }
  // Another protocol: only packet sockets see it, the sender's host's as it leaves, the receivers' as it arrives.
  deliver(net, h, { ifindex, pkttype: PACKET_OUTGOING, ethertype, bytes: frame }, s);
  const dmac = frame.subarray(0, 6);
  const targets = lo ? [h] : net.segment(h).filter((t) => t !== h && (dmac[0]! & 1 || macOf(t).every((x, i) => x === dmac[i])));
  for (const t of targets) {
    const pkttype = lo ? PACKET_HOST : dmac.every((x) => x === 0xff) ? PACKET_BROADCAST : dmac[0]! & 1 ? PACKET_MULTICAST : PACKET_HOST;
    for (const at of net.fate(h, t, frame.length, false)) net.at(at, () => deliver(net, t, { ifindex, pkttype, ethertype, bytes: frame }));
  }
}
