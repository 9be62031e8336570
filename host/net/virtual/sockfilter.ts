// sk_filter on the virtual network's UDP and raw IP sockets
// (sk_filter_trim_cap, net/core/filter.c): the socket's SO_ATTACH_FILTER
// program runs on the packet with data at the header the protocol has
// reached: the UDP header in udp_queue_rcv_one_skb (which keeps at least
// that header), the IP header in raw_rcv (at least one byte). SKF_NET_OFF
// reaches the IP header; on lo, SKF_LL_OFF its zero Ethernet header.
import { runProgram, type BpfPacket } from '../bpf.js';
import { ipBytes, unmap } from '../addr/ipaddr.js';
import type { InetAddr } from '../addr/sockaddr.js';
import type { Socket } from '../socket/socket.js';

const ETH_HLEN = 14;
const UDP_HLEN = 8;

/** A filtered UDP payload: the datagram as received (cut to what the program keeps past the UDP header), or undefined when it drops it. */
export function filterUdp(s: Socket, src: InetAddr, dst: InetAddr, data: Uint8Array, ttl: number, lo: boolean): Uint8Array | undefined {
  if (!s.filter) return data;
  const v4 = !src.ip.includes(':') || src.ip.startsWith('::ffff:');
  const ip = v4 ? ipv4Header(unmap(src.ip), unmap(dst.ip), UDP_HLEN + data.length, ttl) : ipv6Header(src.ip, dst.ip, UDP_HLEN + data.length, ttl);
  const buf = new Uint8Array(ETH_HLEN + ip.length + UDP_HLEN + data.length);
  buf[12] = v4 ? 0x08 : 0x86;
  buf[13] = v4 ? 0x00 : 0xdd;
  buf.set(ip, ETH_HLEN);
  const u = new DataView(buf.buffer, ETH_HLEN + ip.length);
  u.setUint16(0, src.port);
  u.setUint16(2, dst.port);
  u.setUint16(4, UDP_HLEN + data.length);
  buf.set(data, ETH_HLEN + ip.length + UDP_HLEN);
  const keep = run(s, buf, ETH_HLEN + ip.length, v4, lo);
  return keep === 0 ? undefined : data.subarray(0, Math.max(UDP_HLEN, keep) - UDP_HLEN);
}

/** A filtered IPv4 packet for a raw socket: cut to what the program keeps (at least a byte), or undefined when dropped. */
export function filterRaw(s: Socket, packet: Uint8Array, lo: boolean): Uint8Array | undefined {
  if (!s.filter) return packet;
  const buf = new Uint8Array(ETH_HLEN + packet.length);
  buf[12] = 0x08;
  buf.set(packet, ETH_HLEN);
  const keep = run(s, buf, ETH_HLEN, true, lo);
  return keep === 0 ? undefined : packet.subarray(0, Math.max(1, keep));
}

function run(s: Socket, buf: Uint8Array, start: number, v4: boolean, lo: boolean): number {
  const p: BpfPacket = { buf, start, net: ETH_HLEN, protocol: v4 ? 0x0800 : 0x86dd, pkttype: 0, ifindex: lo ? 1 : 2, hatype: lo ? 772 : 1 };
  if (lo) p.mac = 0;
  return runProgram(s.filter!, p);
}

function ipv4Header(src: string, dst: string, payload: number, ttl: number): Uint8Array {
  const h = new Uint8Array(20);
  const dv = new DataView(h.buffer);
  h[0] = 0x45;
  dv.setUint16(2, 20 + payload);
  h[6] = 0x40;
  h[8] = ttl || 64;
  h[9] = 17;
  h.set(ipBytes(src), 12);
  h.set(ipBytes(dst), 16);
  return h;
}

function ipv6Header(src: string, dst: string, payload: number, hops: number): Uint8Array {
  const h = new Uint8Array(40);
  h[0] = 0x60;
  new DataView(h.buffer).setUint16(4, payload);
  h[6] = 17;
  h[7] = hops || 64;
  h.set(ipBytes(src), 8);
  h.set(ipBytes(dst), 24);
  return h;
}
