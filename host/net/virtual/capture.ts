// Packet capture of the virtual network: every IP packet a virtual host
// sends (TCP segments with consistent sequence and acknowledgement numbers,
// UDP datagrams, ICMP and raw packets) as a pcap file with raw-IP link type,
// valid checksums and virtual timestamps, for Wireshark and tshark. Packets
// are recorded where they leave the sender, so one the link then loses is
// in the capture and never answered; a broadcast or multicast datagram is
// recorded once per host it reaches, when it arrives there (multicast.ts).
// AF_UNIX traffic is not IP: it is in the syscall trace, not here.
import { Slot } from '../../kernel/slots.js';
import { openSync, writeSync, closeSync } from 'node:fs';
import { VIRTUAL_EPOCH_NS } from '../../kernel/clock.js';
import { ipBytes, isV4Mapped, unmap, type InetAddr } from '../addr/address.js';
import { checksum, ipv4Packet } from './ip.js';
import { TCP_ACK } from '../addr/constants.js';


/** The run's --pcap: the file, and the hosts whose traffic it records (all when absent). */
export const PCAP = new Slot<{ file: string; hosts?: string[] }>('pcap');

export class PacketCapture {
  private fd: number;
  private readonly hosts: Set<string> | undefined;

  constructor(path: string, private readonly now: () => number, hosts?: string[]) {
    this.fd = openSync(path, 'w');
    this.hosts = hosts?.length ? new Set(hosts) : undefined;
    // pcap global header: nanosecond-resolution magic, v2.4, snaplen 262144, LINKTYPE_RAW (101).
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b23c4d, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(262144, 16);
    h.writeUInt32LE(101, 20);
    writeSync(this.fd, h);
  }

  wants(host: string): boolean {
    return !this.hosts || this.hosts.has(host);
  }

  packet(p: Uint8Array): void {
    const t = VIRTUAL_EPOCH_NS + BigInt(Math.round(this.now()));
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Number(t / 1_000_000_000n), 0);
    rec.writeUInt32LE(Number(t % 1_000_000_000n), 4);
    rec.writeUInt32LE(p.length, 8);
    rec.writeUInt32LE(p.length, 12);
    writeSync(this.fd, rec);
    writeSync(this.fd, p);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** An IP packet carrying `proto` from src to dst (IPv4 when both are IPv4 or v4-mapped). */
  ip(src: string, dst: string, proto: number, payload: Uint8Array, fillChecksum?: (pseudo: Uint8Array) => void, ttl = 64): void {
    const v4 = !src.includes(':') || isV4Mapped(src);
    const s = unmap(src);
    const d = unmap(dst);
    if (v4) {
      fillChecksum?.(pseudo4(s, d, proto, payload.length));
      this.packet(ipv4Packet(s, d, proto, ttl, payload));
      return;
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
    this.packet(h);
  }

  /** A TCP segment; `urgentPointer` goes in the header when flags carry URG. */
  tcp(src: InetAddr, dst: InetAddr, seq: number, ack: number, flags: number, data: Uint8Array = new Uint8Array(0), urgentPointer = 0): void {
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
    this.ip(src.ip, dst.ip, 6, seg, (pseudo) => dv.setUint16(16, checksumWith(pseudo, seg)));
  }

  /** A UDP datagram; `ttl` is the IP TTL or hop limit (a multicast's IP_MULTICAST_TTL). */
  udp(src: InetAddr, dst: InetAddr, data: Uint8Array, ttl = 64): void {
    const d = new Uint8Array(8 + data.length);
    const dv = new DataView(d.buffer);
    dv.setUint16(0, src.port);
    dv.setUint16(2, dst.port);
    dv.setUint16(4, d.length);
    d.set(data, 8);
    this.ip(src.ip, dst.ip, 17, d, (pseudo) => dv.setUint16(6, checksumWith(pseudo, d) || 0xffff), ttl);
  }
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
