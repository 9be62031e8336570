// UDP on the virtual network: a datagram goes over the links to the bound
// socket on the destination host (lost, duplicated or late as the link
// decides); none bound there, and ICMP port unreachable comes back, which a
// connected UDP socket reports as ECONNREFUSED. A broadcast or multicast
// datagram goes to multicast.ts instead: every receiving host of the segment.
import { vhost } from './host.js';
import { E } from '../../abi/errno.js';
import { AF } from '../addr/constants.js';
import { isV4Mapped, unmap } from '../addr/ipaddr.js';
import { isAny, type InetAddr } from '../addr/sockaddr.js';
import type { IpControl, Socket } from '../socket/socket.js';
import type { Host, VirtualNetwork } from './network.js';
import { isGroupDest, sendGroup } from './multicast.js';
import { checksum, ipv4Packet, rawSockets, receiveIpv4, udpDatagram } from './ip.js';
import { filterUdp } from './sockfilter.js';

/** ICMP destination unreachable, port unreachable (RFC 792). */
const ICMP_DEST_UNREACH = 3;
const ICMP_PORT_UNREACH = 3;
/** icmp_send quotes the offending packet so the error fits in 576 bytes (RFC 1812). */
const ICMP_QUOTE_MAX = 576 - 20 - 8;

/** Sends one datagram from s (already bound) to d. */
export function sendUdp(net: VirtualNetwork, s: Socket, d: InetAddr, data: Uint8Array, ip?: IpControl): void {
  const from = s.local as InetAddr;
  if (isGroupDest(net, vhost(s), d)) {
    sendGroup(net, s, d, data);
    return;
  }
  const target = net.route(vhost(s), d.ip);
  if (!target) return; // no such host: the datagram goes nowhere, as on a real network
  // IP_PKTINFO's ipi_spec_dst (IPV6_PKTINFO's ipi6_addr) chooses the source, even over a bound address (udp_sendmsg: ipc.addr).
  const chosen = ip?.src === undefined ? undefined : ip.src.includes(':') || from.family === 4 ? ip.src : `::ffff:${ip.src}`;
  const src: InetAddr = { ...from, ip: chosen ?? (isAny(from) ? net.sourceFor(vhost(s), d.ip, from.family) : from.ip) };
  // An IPv6 datagram's hop limit is IPV6_UNICAST_HOPS' (64 by default), an IPv4 one's TTL IP_TTL's.
  const ttl = ip?.ttl || (d.ip.includes(':') && !isV4Mapped(d.ip) ? (s.hops6 < 0 ? 64 : s.hops6) : s.ttl);
  const fate = net.fate(vhost(s), target, data.length + 28, false);
  const cap = net.capture;
  if (cap?.sees(vhost(s).name, target.name)) cap.send(vhost(s).name, target.name, cap.udp(src, d, data, ttl), fate);
  for (const t of fate) {
    net.at(t, () => deliverUdp(net, s, target, d, src, data, ttl));
  }
}

function deliverUdp(net: VirtualNetwork, sender: Socket, target: Host, dst: InetAddr, src: InetAddr, data: Uint8Array, ttl: number): void {
  // raw_local_deliver: raw IPPROTO_UDP sockets get a copy of an IPv4 datagram first (its IP id 0, UDP checksum 0).
  if (!dst.ip.includes(':') || isV4Mapped(dst.ip)) {
    if (rawSockets(target, 4, 17).length) {
      receiveIpv4(net, target, ipv4Packet(unmap(src.ip), unmap(dst.ip), 17, ttl, udpDatagram(src.port, dst.port, data), 0), vhost(sender));
    }
  }
  const s = net.lookup(target, 'udp', dst, (x) => x.kind === 'dgram' && !x.closed && (x.domain === AF.AF_INET6 ? !(x.v6only && !dst.ip.includes(':')) : !dst.ip.includes(':') || dst.ip.startsWith('::ffff:')));
  if (!s) {
    // ICMP port unreachable goes back: raw ICMP sockets on the sender's host get a copy (IPv4);
    // a connected UDP socket reports it as ECONNREFUSED.
    const icmp = src.family === 4 || src.ip.startsWith('::ffff:') ? portUnreachable(src, dst, data) : undefined;
    const back = net.fate(target, vhost(sender), icmp?.length ?? 56, false);
    if (icmp) net.capture?.send(target.name, vhost(sender).name, icmp, back.slice(0, 1));
    for (const t of back.slice(0, 1)) net.at(t, () => {
      if (icmp) receiveIpv4(net, vhost(sender), icmp, target);
      if (!sender.closed && sender.remote) {
        sender.onError(E.ECONNREFUSED, false);
        sender.notify();
      }
    });
    return;
  }
  // Each receiver sees the sender in its own family: mapped on IPv6, plain on IPv4.
  const from: InetAddr = s.domain === AF.AF_INET6 && src.family === 4 ? { family: 6, ip: `::ffff:${src.ip}`, port: src.port }
    : s.domain === AF.AF_INET && src.family === 6 ? { family: 4, ip: unmap(src.ip), port: src.port } : src;
  // IP_PKTINFO and IP_RECVTTL (ip.ts arrivalInfo), IPV6_RECVPKTINFO and IPV6_RECVHOPLIMIT; a unicast datagram's
  // local address is its destination, dotted for IPv4.
  const local = src.family === 4 ? dst.ip : unmap(dst.ip);
  // SO_ATTACH_FILTER: a datagram the filter drops is gone; one it cuts arrives shorter.
  const kept = filterUdp(s, src, dst, data, ttl, target === vhost(sender));
  if (!kept) return;
  s.pushDatagram(kept, from, undefined, undefined, { ifindex: target === vhost(sender) ? 1 : 2, specDst: local, dst: local, ttl });
}

/** The ICMP port unreachable an IPv4 host sends back for a UDP datagram src -> dst: its IP header and as much of it as fits. */
function portUnreachable(src: InetAddr, dst: InetAddr, data: Uint8Array): Uint8Array {
  const offending = ipv4Packet(unmap(src.ip), unmap(dst.ip), 17, 64, udpDatagram(src.port, dst.port, data));
  const quote = offending.subarray(0, Math.min(offending.length, ICMP_QUOTE_MAX));
  const msg = new Uint8Array(8 + quote.length);
  msg[0] = ICMP_DEST_UNREACH;
  msg[1] = ICMP_PORT_UNREACH;
  msg.set(quote, 8);
  new DataView(msg.buffer).setUint16(2, checksum(msg));
  const packet = ipv4Packet(unmap(dst.ip), unmap(src.ip), 1, 64, msg);
  // icmp_send marks errors with IPTOS_PREC_INTERNETCONTROL; the header checksum is computed again.
  packet[1] = 0xc0;
  const pv = new DataView(packet.buffer);
  pv.setUint16(10, 0);
  pv.setUint16(10, checksum(packet.subarray(0, 20)));
  return packet;
}
