// The virtual network: hosts with addresses and their own loopback, name
// resolution, port tables, and links whose latency, jitter, loss,
// duplication, reordering and partitions come from the scenario and the
// run's seed. Sockets (socket.ts) ask it where an address lives and when a
// packet sent now arrives; every arrival is an event on the kernel's queue.
import { isIPv4, isIPv6 } from '../addr/iptext.js';
import { E, Errno } from '../../abi/errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Rng } from '../../kernel/rng.js';
import { canonIp, ipBytes, isLoopback, unmap, type InetAddr } from '../addr/address.js';
import type { IpControl, Socket } from '../socket/socket.js';
import { PacketCapture, PCAP } from './capture.js';
import type { NetIface, Network } from '../socket/network.js';
import { ARPHRD, IFF } from '../addr/constants.js';
import { IFINDEX } from './multicast.js';
import { sendPing, sendRaw } from './ip.js';
import { sendUdp } from './udp.js';

export interface NetworkConfig {
  hosts: {
    name: string; ipv4?: string[]; ipv6?: string[]; /** This host's /etc/hosts, instead of the generated one (host/net/etchosts.ts). */ etcHosts?: string;
    /** Prefix length of each ipv4 address (default 24): gives the subnet broadcast address. */
    prefix4?: number[];
  }[];
  /** LAN segments: a broadcast or multicast datagram from a member reaches every member (loss and latency per receiver). */
  lans?: { name: string; hosts: string[]; latencyMs?: number; jitterMs?: number; loss?: number; duplicate?: number; reorder?: number }[];
  links?: { a: string; b: string; latencyMs?: number; jitterMs?: number; bandwidthBps?: number; loss?: number; duplicate?: number; reorder?: number }[];
  partitions?: { a: string; b: string; fromMs: number; toMs: number }[];
  /** Link changes at given times: from atMs on, the link between a and b has these properties. */
  changes?: { atMs: number; a: string; b: string; latencyMs?: number; jitterMs?: number; bandwidthBps?: number; loss?: number; duplicate?: number; reorder?: number }[];
}

export interface Host {
  name: string;
  v4: string[];
  v6: string[];
  /** Sockets bound to a port, per protocol. */
  ports: Map<string, Socket[]>;
  /** Ports a closed connection keeps in TIME_WAIT, until the given time. */
  timeWait: Map<string, { ip: string; until: number; reuse: boolean }[]>;
  /** AF_UNIX abstract names. */
  abstract: Map<string, Socket>;
  /** Open SOCK_RAW sockets, which see every packet of their protocol. */
  raw?: Socket[];
  nextEphemeral: number;
  /** Subnet broadcast address of each ipv4 address. */
  bcast4: string[];
  /** Prefix length of each ipv4 address. */
  prefix4: number[];
  /** lo and eth0 (SocketHost.ifaces): see hostIfaces. */
  ifaces(): NetIface[];
  /** The LAN segment the host is on (its one interface, eth0), if the scenario declares LANs. */
  lan?: string;
  /** Multicast groups joined on the host's interfaces, by "iface group": how many sockets hold each. */
  groups: Map<string, number>;
}

/**
 * A virtual host's interfaces, the same on every run: lo (index 1, MTU
 * 65536, 127.0.0.1/8 and ::1/128) and eth0 (index 2, MTU 1500, the
 * scenario's addresses: IPv4 with their prefix lengths, IPv6 as /64),
 * whose MAC is 02:00 (locally administered) then the host's first IPv4
 * address, or the last 4 bytes of its first IPv6 one.
 */
function hostIfaces(this: Host): NetIface[] {
  const mac = new Uint8Array(6);
  mac[0] = 2;
  if (this.v4[0]) mac.set(ipBytes(this.v4[0]), 2);
  else if (this.v6[0]) mac.set(ipBytes(this.v6[0]).subarray(12), 2);
  return [
    {
      name: 'lo', index: IFINDEX.lo, flags: IFF.IFF_UP | IFF.IFF_LOOPBACK | IFF.IFF_RUNNING, mtu: 65536, hwType: ARPHRD.ARPHRD_LOOPBACK, mac: new Uint8Array(6),
      v4: [{ addr: '127.0.0.1', mask: '255.0.0.0', bcast: '0.0.0.0' }], v6: [{ addr: '::1', prefix: 128 }],
    },
    {
      name: 'eth0', index: IFINDEX.eth0, flags: IFF.IFF_UP | IFF.IFF_BROADCAST | IFF.IFF_RUNNING | IFF.IFF_MULTICAST, mtu: 1500, hwType: ARPHRD.ARPHRD_ETHER, mac,
      v4: this.v4.map((addr, k) => ({ addr, mask: prefixMask(this.prefix4[k] ?? 24), bcast: this.bcast4[k] ?? subnetBroadcast(addr, this.prefix4[k] ?? 24) })),
      v6: this.v6.map((addr) => ({ addr, prefix: 64 })),
    },
  ];
}

/** The dotted netmask of an IPv4 prefix length. */
function prefixMask(prefix: number): string {
  const m = prefix <= 0 ? 0 : (0xffffffff << (32 - Math.min(prefix, 32))) >>> 0;
  return [24, 16, 8, 0].map((k) => (m >>> k) & 0xff).join('.');
}

/** The subnet broadcast address of an IPv4 address with a prefix length. */
export function subnetBroadcast(ip: string, prefix: number): string {
  const n = ip.split('.').reduce((a, x) => a * 256 + Number(x), 0);
  const host = prefix >= 32 ? 0 : 2 ** (32 - prefix) - 1;
  const b = (n - (n % (host + 1))) + host;
  return [24, 16, 8, 0].map((k) => Math.floor(b / 2 ** k) % 256).join('.');
}

interface Link {
  latencyNs: number;
  jitterNs: number;
  bandwidthBps: number;
  loss: number;
  duplicate: number;
  reorder: number;
  /** When the link is next free (bandwidth serialisation), per direction. */
  busyUntil: Map<string, number>;
}

/** What the network decided for one packet: arrival times (empty: lost; two: duplicated). */
export type Fate = number[];

const MS = 1e6;
export const EPHEMERAL_LOW = 32768;
export const EPHEMERAL_HIGH = 60999;
/** Default one-way latency between two hosts with no link configured. */
const DEFAULT_LATENCY_NS = 0.1 * MS;
/** The initial retransmission timeout of a SYN or SYN-ACK (Linux's TCP_TIMEOUT_INIT, RFC 6298's 1 s), doubling per retransmission. */
export const SYN_RTO_NS = 1000 * MS;
/** Linux's TCP_RTO_MIN: the RTO is never below srtt + 200 ms. */
const RTO_MIN_NS = 200 * MS;
/** Linux's TCP_RTO_MAX: doubling stops at 120 s. */
export const RTO_MAX_NS = 120_000 * MS;
/** Transmissions of one segment before the virtual network stops losing it (tcp_retries2 = 15 retransmissions). */
export const DATA_TRIES = 16;
/**
 * tcp_retries2 (15) as tcp_write_timeout applies it: time, not a count.
 * At an RTO expiry after at least one retransmission, the connection is
 * dropped once tcp_model_timeout(15, TCP_RTO_MIN) has passed since the
 * segment first left: (2^10 - 1) x 200 ms doubling, then 6 x 120 s.
 */
export const DATA_GIVE_UP_NS = ((2 << 9) - 1) * 200 * MS + 6 * RTO_MAX_NS;
/** The same for a socket already closed (an orphan, its FIN unacknowledged): tcp_orphan_retries' 8, (2^9 - 1) x 200 ms. */
export const ORPHAN_GIVE_UP_NS = ((2 << 8) - 1) * 200 * MS;
export const TIME_WAIT_NS = 60_000 * MS;

export class VirtualNetwork implements Network {
  readonly hosts = new Map<string, Host>();
  private readonly byIp = new Map<string, Host>();
  private readonly links = new Map<string, Link>();
  private readonly partitions: { a: string; b: string; from: number; to: number }[] = [];
  readonly rng: Rng;
  /** Initial sequence numbers come from their own generator, so capturing or not never changes a run. */
  readonly isnRng: Rng;
  /**
   * The fate of pure ACKs and of the segments their loss makes the peer send
   * again, from a generator of its own: they change no socket's state, so the
   * draws of the segments that do stay where they were.
   */
  readonly ackRng: Rng;
  /** What crossed the network, for the end-of-run report. */
  readonly stats = {
    connections: 0, segments: 0, retransmissions: 0, datagrams: 0, duplicates: 0, drops: 0,
    /** Broadcast and multicast copies delivered to a receiving host, and copies a LAN lost on the way to one. */
    broadcasts: 0, multicasts: 0, groupDrops: 0,
  };
  /** LAN segments by name: their member hosts. */
  readonly lans = new Map<string, string[]>();
  /** Datagrams dropped by links or full queues. */
  get drops(): number {
    return this.stats.drops;
  }
  set drops(n: number) {
    this.stats.drops = n;
  }

  /** The pcap being written, when the run asked for one (--pcap), or made without a file for packet sockets (packet.ts). */
  capture: PacketCapture | undefined;

  constructor(readonly kernel: Kernel, config?: NetworkConfig) {
    this.rng = kernel.rng.fork('net');
    this.isnRng = kernel.rng.fork('isn');
    this.ackRng = kernel.rng.fork('ack');
    const pcap = kernel.slots.get(PCAP);
    const hosts = config?.hosts?.length ? config.hosts : [{ name: 'host1', ipv4: ['10.0.0.1'], ipv6: ['fd00::1'] }];
    hosts.forEach((h, i) => {
      // A scenario file's addresses come checked by its schema (host/scenario/load.ts); the API's are checked here,
      // with the same "10.0.0.1/24" form, so a bad one is a clear error before any guest runs.
      const v4 = (h.ipv4 ?? (h.ipv6 ? [] : [`10.0.0.${i + 1}`])).map((a) => hostAddr(h.name, a, 4));
      const v6 = (h.ipv6 ?? (h.ipv4 ? [] : [`fd00::${(i + 1).toString(16)}`])).map((a) => hostAddr(h.name, a, 6));
      const host: Host = {
        name: h.name,
        // A host declared with addresses of one family has only those (an IPv4-only host has no IPv6
        // address, so getaddrinfo gives its clients none to try first); with none declared, one of each.
        v4: v4.map((a) => a.ip),
        v6: v6.map((a) => a.ip),
        ports: new Map(),
        timeWait: new Map(),
        abstract: new Map(),
        nextEphemeral: EPHEMERAL_LOW + this.rng.below(EPHEMERAL_HIGH - EPHEMERAL_LOW),
        bcast4: [],
        prefix4: [],
        groups: new Map(),
        ifaces: hostIfaces,
      };
      host.prefix4 = host.v4.map((_ip, k) => h.prefix4?.[k] ?? v4[k]!.prefix ?? 24);
      host.bcast4 = host.v4.map((ip, k) => subnetBroadcast(ip, host.prefix4[k]!));
      this.hosts.set(h.name, host);
      for (const ip of [...host.v4, ...host.v6]) this.byIp.set(ip, host);
    });
    for (const l of config?.links ?? []) {
      const link: Link = {
        latencyNs: (l.latencyMs ?? 0.1) * MS, jitterNs: (l.jitterMs ?? 0) * MS, bandwidthBps: l.bandwidthBps ?? 0,
        loss: l.loss ?? 0, duplicate: l.duplicate ?? 0, reorder: l.reorder ?? 0, busyUntil: new Map(),
      };
      this.links.set(key(l.a, l.b), link);
    }
    // A LAN is a link between each pair of its members (unless a link says otherwise) and one broadcast domain.
    for (const lan of config?.lans ?? []) {
      this.lans.set(lan.name, [...lan.hosts]);
      for (const n of lan.hosts) {
        const h = this.hosts.get(n);
        if (h) h.lan = lan.name;
      }
      for (const a of lan.hosts) for (const b of lan.hosts) {
        if (a >= b || this.links.has(key(a, b))) continue;
        this.links.set(key(a, b), {
          latencyNs: (lan.latencyMs ?? 0.1) * MS, jitterNs: (lan.jitterMs ?? 0) * MS, bandwidthBps: 0,
          loss: lan.loss ?? 0, duplicate: lan.duplicate ?? 0, reorder: lan.reorder ?? 0, busyUntil: new Map(),
        });
      }
    }
    this.capture = pcap ? new PacketCapture(pcap.file, () => kernel.clock.now(), { hosts: pcap.hosts, format: pcap.format, allHosts: [...this.hosts.keys()] }) : undefined;
    for (const p of config?.partitions ?? []) this.partitions.push({ a: p.a, b: p.b, from: p.fromMs * MS, to: p.toMs * MS });
    for (const c of config?.changes ?? []) {
      kernel.timers.add(c.atMs * MS, () => {
        const k = key(c.a, c.b);
        const cur = this.links.get(k) ?? { latencyNs: DEFAULT_LATENCY_NS, jitterNs: 0, bandwidthBps: 0, loss: 0, duplicate: 0, reorder: 0, busyUntil: new Map<string, number>() };
        if (c.latencyMs !== undefined) cur.latencyNs = c.latencyMs * MS;
        if (c.jitterMs !== undefined) cur.jitterNs = c.jitterMs * MS;
        if (c.bandwidthBps !== undefined) cur.bandwidthBps = c.bandwidthBps;
        if (c.loss !== undefined) cur.loss = c.loss;
        if (c.duplicate !== undefined) cur.duplicate = c.duplicate;
        if (c.reorder !== undefined) cur.reorder = c.reorder;
        this.links.set(k, cur);
      });
    }
  }

  host(name: string): Host {
    let h = this.hosts.get(name);
    if (!h) {
      // A process on a host the scenario did not declare gets one with the next free addresses.
      const i = this.hosts.size + 1;
      h = { name, v4: [`10.0.0.${i}`], v6: [`fd00::${i.toString(16)}`], ports: new Map(), timeWait: new Map(), abstract: new Map(), nextEphemeral: EPHEMERAL_LOW + this.rng.below(EPHEMERAL_HIGH - EPHEMERAL_LOW), bcast4: [`10.0.0.255`], prefix4: [24], groups: new Map(), ifaces: hostIfaces };
      this.hosts.set(name, h);
      for (const ip of [...h.v4, ...h.v6]) this.byIp.set(ip, h);
    }
    return h;
  }

  /** The host an address lives on, seen from `from`: loopback is the sender itself. */
  route(from: Host, ip: string): Host | undefined {
    const u = unmap(ip);
    if (isLoopback(u)) return from;
    return this.byIp.get(canonIp(u));
  }

  /**
   * Whether a datagram from h to ip is a broadcast (Linux's RTN_BROADCAST):
   * the limited broadcast, a subnet broadcast of one of h's addresses, or
   * loopback's 127.255.255.255.
   */
  isBroadcast(h: Host, ip: string): boolean {
    const u = unmap(ip);
    return u === '255.255.255.255' || u === '127.255.255.255' || h.bcast4.includes(u);
  }

  /**
   * The hosts a broadcast or multicast from h reaches on its segment, h
   * first: its LAN's members, or every host when the scenario declares no
   * LANs (the default network is one switch).
   */
  segment(h: Host): Host[] {
    const names = this.lans.size ? (h.lan ? this.lans.get(h.lan)! : [h.name]) : [...this.hosts.keys()];
    return [h, ...names.filter((n) => n !== h.name).map((n) => this.hosts.get(n)).filter((x): x is Host => x !== undefined)];
  }

  /** Whether ip is one of the host's own addresses (or loopback / any). */
  owns(h: Host, ip: string): boolean {
    const u = unmap(ip);
    return isLoopback(u) || u === '0.0.0.0' || u === '::' || h.v4.includes(canonIp(u)) || h.v6.includes(canonIp(u));
  }

  /** The source address a host uses to reach dst. */
  sourceFor(h: Host, dst: string, family: 4 | 6): string {
    const u = unmap(dst);
    if (isLoopback(u)) return family === 4 || !u.includes(':') ? (family === 6 ? '::ffff:127.0.0.1' : '127.0.0.1') : '::1';
    if (family === 6 && !u.includes(':')) return `::ffff:${h.v4[0] ?? '127.0.0.1'}`;
    return family === 4 ? h.v4[0] ?? '127.0.0.1' : h.v6[0] ?? '::1';
  }

  partitioned(a: Host, b: Host, at: number): boolean {
    if (a === b) return false;
    return this.partitions.some((p) => ((p.a === a.name && p.b === b.name) || (p.a === b.name && p.b === a.name)) && at >= p.from && at < p.to);
  }

  /**
   * When a packet of `bytes` sent now from a to b arrives: [] when the link
   * loses it, two times when it duplicates it. Same host: now.
   */
  fate(a: Host, b: Host, bytes: number, reliable: boolean): Fate {
    const now = this.kernel.clock.now();
    this.stats.datagrams++;
    if (a === b) return [now];
    if (this.partitioned(a, b, now)) return [];
    const link = this.links.get(key(a.name, b.name));
    if (!link) return [now + DEFAULT_LATENCY_NS];
    let t = now;
    if (link.bandwidthBps > 0) {
      const dir = `${a.name}>${b.name}`;
      const start = Math.max(now, link.busyUntil.get(dir) ?? 0);
      t = start + (bytes * 8 * 1e9) / link.bandwidthBps;
      link.busyUntil.set(dir, t);
    }
    t += link.latencyNs + (link.jitterNs ? this.rng.float() * link.jitterNs : 0);
    if (reliable) return [t];
    if (link.loss && this.rng.float() < link.loss) {
      this.drops++;
      return [];
    }
    if (link.reorder && this.rng.float() < link.reorder) t += link.latencyNs + 1 * MS;
    const out = [Math.round(t)];
    if (link.duplicate && this.rng.float() < link.duplicate) {
      out.push(Math.round(t + 0.01 * MS));
      this.stats.duplicates++;
    }
    return out;
  }

  /**
   * The retransmission timeout of a data or FIN segment from a to b: RFC
   * 6298 with Linux's minimum, srtt + max(4·rttvar, 200 ms), after the
   * handshake's sample of the link's round-trip time R (srtt = R, rttvar =
   * R/2). R is twice the link's latency plus its jitter (the mean of two
   * jittered crossings), so the same link always gives the same RTO.
   */
  rto(a: Host, b: Host): number {
    if (a === b) return RTO_MIN_NS;
    const link = this.links.get(key(a.name, b.name));
    const r = link ? 2 * link.latencyNs + link.jitterNs : 2 * DEFAULT_LATENCY_NS;
    return Math.min(RTO_MAX_NS, r + Math.max(2 * r, RTO_MIN_NS));
  }

  /**
   * Arrival time of a TCP segment sent now from a to b: a transmission the
   * link loses is sent again after the retransmission timeout `rto`
   * (doubling, up to 120 s), so loss shows as delay and the stream stays
   * whole. `onSend` hears of every transmission: when it leaves, and when
   * it arrives (undefined: lost). After `tries` lost transmissions (a SYN's
   * tcp_syn_retries + 1), or for data once `giveUpNs` has passed at an
   * RTO expiry (`giveUpNs`), the result is Infinity: the sender gave up
   * (at the time `onGiveUp` hears).
   */
  reliableArrival(a: Host, b: Host, bytes: number, rto: number, onSend?: (at: number, arrival: number | undefined) => void, tries = DATA_TRIES, onGiveUp?: (at: number) => void, giveUpNs = DATA_GIVE_UP_NS): number {
    const now = this.kernel.clock.now();
    this.stats.segments++;
    if (a === b) {
      onSend?.(now, now);
      return now;
    }
    const link = this.links.get(key(a.name, b.name));
    let t = now;
    for (let n = 0; ; n++) {
      const lost = this.partitioned(a, b, t) || (link !== undefined && link.loss > 0 && this.rng.float() < link.loss);
      if (!lost) break;
      onSend?.(t, undefined);
      if (tries < DATA_TRIES) {
        if (n + 1 === tries) return Infinity;
      } else if (n >= 1 && t + rto - now >= giveUpNs) {
        // retransmits_timed_out: checked when the RTO expires, once something was retransmitted.
        onGiveUp?.(t + rto);
        return Infinity;
      }
      this.stats.retransmissions++;
      t += rto;
      rto = Math.min(rto * 2, RTO_MAX_NS);
    }
    const base = link ? link.latencyNs + (link.jitterNs ? this.rng.float() * link.jitterNs : 0) : DEFAULT_LATENCY_NS;
    let ser = 0;
    if (link?.bandwidthBps) {
      const dir = `${a.name}>${b.name}`;
      const start = Math.max(t, link.busyUntil.get(dir) ?? 0);
      ser = start - t + (bytes * 8 * 1e9) / link.bandwidthBps;
      link.busyUntil.set(dir, start + (bytes * 8 * 1e9) / link.bandwidthBps);
    }
    const arrival = Math.round(t + base + ser);
    onSend?.(t, arrival);
    return arrival;
  }

  /** The one-way latency from a to b now, without drawing anything (a RST's arrival in the capture). */
  oneWay(a: Host, b: Host): number {
    if (a === b) return this.kernel.clock.now();
    const link = this.links.get(key(a.name, b.name));
    return this.kernel.clock.now() + (link ? link.latencyNs : DEFAULT_LATENCY_NS);
  }

  /**
   * One pure ACK (or other segment nobody sends again for its own sake)
   * from a to b now: its arrival, or undefined when the link loses it.
   * Drawn from ackRng, and it takes no link bandwidth: the segments that
   * change a socket keep their timing.
   */
  ackArrival(a: Host, b: Host, at = this.kernel.clock.now()): number | undefined {
    if (a === b) return at;
    const link = this.links.get(key(a.name, b.name));
    if (!link) return at + DEFAULT_LATENCY_NS;
    if (this.partitioned(a, b, at) || (link.loss > 0 && this.ackRng.float() < link.loss)) return undefined;
    return Math.round(at + link.latencyNs + (link.jitterNs ? this.ackRng.float() * link.jitterNs : 0));
  }

  /** Runs fn at time `at` on the kernel's event queue (or now, if at <= now). */
  /** A UDP datagram from s (bound) to d (virtual/udp.ts). */
  sendUdp(s: Socket, d: InetAddr, data: Uint8Array, ip?: IpControl): void {
    sendUdp(this, s, d, data, ip);
  }
  /** A SOCK_RAW send from s (virtual/ip.ts); EINVAL for a short IP_HDRINCL packet. */
  sendPing(s: Socket, d: InetAddr, msg: Uint8Array): void {
    sendPing(this, s, d, msg);
  }

  sendRaw(s: Socket, d: InetAddr, data: Uint8Array): void {
    sendRaw(this, s, d, data);
  }

  at(at: number, fn: () => void): void {
    // Due now (one host, loopback): at once, as Linux delivers a loopback
    // packet before the sending call returns.
    if (at <= this.kernel.clock.now()) fn();
    else this.kernel.timers.add(at, fn);
  }

  // ---- ports ----

  portKey(proto: string, port: number): string {
    return `${proto}:${port}`;
  }

  bound(h: Host, proto: string, port: number): Socket[] {
    return h.ports.get(this.portKey(proto, port)) ?? [];
  }

  addBinding(h: Host, proto: string, port: number, s: Socket): void {
    const k = this.portKey(proto, port);
    const list = h.ports.get(k);
    if (list) list.push(s);
    else h.ports.set(k, [s]);
  }
  removeBinding(h: Host, proto: string, port: number, s: Socket): void {
    const k = this.portKey(proto, port);
    const list = h.ports.get(k);
    if (!list) return;
    const i = list.indexOf(s);
    if (i >= 0) list.splice(i, 1);
    if (!list.length) {
      h.ports.delete(k);
      this.exhausted.delete(h);
    }
  }

  /**
   * Hosts whose ephemeral range was found full, per protocol, and until when
   * that holds (the first TIME_WAIT expiry): later connects fail at once
   * instead of scanning 28232 ports each (released ports clear it).
   */
  private readonly exhausted = new Map<Host, Map<string, number>>();

  /** Picks a free ephemeral port as Linux does: from a seeded offset, the next free one. */
  ephemeral(h: Host, proto: string, free: (port: number) => boolean, anyAddress = false): number {
    const full = anyAddress ? this.exhausted.get(h)?.get(proto) : undefined;
    if (full !== undefined && this.kernel.clock.now() < full) throw new Errno(E.EADDRNOTAVAIL);
    const span = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
    for (let i = 0; i < span; i++) {
      const port = EPHEMERAL_LOW + ((h.nextEphemeral - EPHEMERAL_LOW + i) % span);
      if (free(port) && !this.inTimeWait(h, proto, port)) {
        h.nextEphemeral = port + 1 > EPHEMERAL_HIGH ? EPHEMERAL_LOW : port + 1;
        return port;
      }
    }
    // Only a search that any free port would have satisfied says the range is full.
    if (anyAddress) {
      let until = Number.MAX_SAFE_INTEGER;
      for (const list of h.timeWait.values()) for (const e of list) until = Math.min(until, e.until);
      let m = this.exhausted.get(h);
      if (!m) this.exhausted.set(h, (m = new Map()));
      m.set(proto, until);
    }
    throw new Errno(E.EADDRNOTAVAIL);
  }

  /**
   * Whether a connection that ended on (proto, port) still holds it in
   * TIME_WAIT; `clashes` says whether a given connection (its local address,
   * whether its socket had SO_REUSEADDR) stands in the caller's way (an
   * IPv6-only socket does not clash with IPv4 ones).
   */
  inTimeWait(h: Host, proto: string, port: number, clashes: (ip: string, reuse: boolean) => boolean = () => true): boolean {
    const k = this.portKey(proto, port);
    const list = h.timeWait.get(k);
    if (!list) return false;
    const now = this.kernel.clock.now();
    const live = list.filter((e) => e.until > now);
    if (live.length === 0) h.timeWait.delete(k);
    else if (live.length < list.length) h.timeWait.set(k, live);
    return live.some((e) => clashes(e.ip, e.reuse));
  }
  enterTimeWait(h: Host, proto: string, local: InetAddr, reuse: boolean): void {
    const k = this.portKey(proto, local.port);
    const entry = { ip: local.ip, until: this.kernel.clock.now() + TIME_WAIT_NS, reuse };
    const list = h.timeWait.get(k);
    if (list) list.push(entry);
    else h.timeWait.set(k, [entry]);
  }

  /** Finds the socket that receives a packet for (proto, ip, port) on host h. */
  lookup(h: Host, proto: string, dst: InetAddr, pred: (s: Socket) => boolean): Socket | undefined {
    let wildcard: Socket | undefined;
    for (const s of this.bound(h, proto, dst.port)) {
      if (!pred(s)) continue;
      const l = s.local as InetAddr;
      if (l.ip === '0.0.0.0' || l.ip === '::') {
        wildcard ??= s;
        continue;
      }
      if (canonIp(unmap(l.ip)) === canonIp(unmap(dst.ip)) || (isLoopback(l.ip) && isLoopback(dst.ip) && unmap(l.ip) === unmap(dst.ip))) return s;
    }
    return wildcard;
  }

  /** Names the resolver knows: localhost, the hosts. */
  resolve(name: string): { v4: string[]; v6: string[]; canon: string } | undefined {
    const n = name.toLowerCase().replace(/\.$/, '');
    // As Debian's /etc/hosts has it: localhost is 127.0.0.1, ::1 is ip6-localhost.
    if (n === 'localhost' || n === 'localhost.localdomain') return { v4: ['127.0.0.1'], v6: [], canon: 'localhost' };
    if (n === 'ip6-localhost' || n === 'ip6-loopback') return { v4: [], v6: ['::1'], canon: 'ip6-localhost' };
    const h = this.hosts.get(n) ?? [...this.hosts.values()].find((x) => x.name.toLowerCase() === n);
    if (!h) return undefined;
    return { v4: h.v4, v6: h.v6, canon: h.name };
  }

  /** The name of an address, for getnameinfo. */
  nameOf(ip: string): string | undefined {
    const u = unmap(ip);
    if (isLoopback(u)) return 'localhost';
    return this.byIp.get(canonIp(u))?.name;
  }
}

function key(a: string, b: string): string {
  return a < b ? `${a}\0${b}` : `${b}\0${a}`;
}

/** A configured address, "10.0.0.1" or "10.0.0.1/24" (IPv4), "fd00::1" (IPv6), canonical; an Error naming the host otherwise. */
function hostAddr(host: string, text: string, family: 4 | 6): { ip: string; prefix?: number } {
  const m = family === 4 ? /^([^/]+)(?:\/(\d{1,2}))?$/.exec(String(text)) : null;
  const ip = m ? m[1]! : String(text);
  const prefix = m?.[2] !== undefined ? Number(m[2]) : undefined;
  if ((family === 4 ? !isIPv4(ip) : !isIPv6(ip)) || (prefix !== undefined && prefix > 32)) {
    throw new Error(`network: host ${host}: ${JSON.stringify(text)} is not an IPv${family} address${family === 4 ? ' (10.0.0.1, or 10.0.0.1/24 with a prefix length)' : ''}`);
  }
  return { ip: canonIp(ip), ...(prefix !== undefined ? { prefix } : {}) };
}
