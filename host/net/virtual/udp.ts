// UDP on the virtual network: a datagram goes over the links to the bound
// socket on the destination host (lost, duplicated or late as the link
// decides); none bound there, and ICMP port unreachable comes back, which a
// connected UDP socket reports as ECONNREFUSED. A broadcast or multicast
// datagram goes to multicast.ts instead: every receiving host of the segment.
import { E } from '../../abi/errno.js';
import { AF } from '../addr/constants.js';
import { unmap } from '../addr/ipaddr.js';
import { isAny, type InetAddr } from '../addr/sockaddr.js';
import type { Socket } from '../socket/socket.js';
import type { Host, VirtualNetwork } from './network.js';
import { isGroupDest, sendGroup } from './multicast.js';

/** Sends one datagram from s (already bound) to d. */
export function sendUdp(net: VirtualNetwork, s: Socket, d: InetAddr, data: Uint8Array): void {
  const from = s.local as InetAddr;
  if (isGroupDest(net, s.host, d)) {
    sendGroup(net, s, d, data);
    return;
  }
  const target = net.route(s.host, d.ip);
  if (!target) return; // no such host: the datagram goes nowhere, as on a real network
  const src: InetAddr = { ...from, ip: isAny(from) ? net.sourceFor(s.host, d.ip, from.family) : from.ip };
  if (net.capture?.wants(s.host.name)) net.capture.udp(src, d, data);
  for (const t of net.fate(s.host, target, data.length + 28, false)) {
    net.at(t, () => deliverUdp(net, s, target, d, src, data));
  }
}

function deliverUdp(net: VirtualNetwork, sender: Socket, target: Host, dst: InetAddr, src: InetAddr, data: Uint8Array): void {
  const s = net.lookup(target, 'udp', dst, (x) => x.kind === 'dgram' && !x.closed && (x.domain === AF.AF_INET6 ? !(x.v6only && !dst.ip.includes(':')) : !dst.ip.includes(':') || dst.ip.startsWith('::ffff:')));
  if (!s) {
    // ICMP port unreachable goes back; a connected UDP socket reports it as ECONNREFUSED.
    const back = net.fate(target, sender.host, 56, false);
    for (const t of back.slice(0, 1)) net.at(t, () => {
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
  s.pushDatagram(data, from);
}
