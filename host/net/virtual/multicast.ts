// Broadcast and multicast on the virtual network, as Linux's UDP does them:
// a datagram to a broadcast address (255.255.255.255, a subnet broadcast,
// 127.255.255.255) or to a multicast group goes to every host of the
// sender's segment (network.ts: its LAN, or every host without LANs), the
// link deciding loss and latency per receiver; the sender's own host gets
// its copy at once (always for a broadcast, with IP_MULTICAST_LOOP for a
// group). On each receiving host every socket bound to the port takes a
// copy (__udp4_lib_mcast_deliver): bound to the wildcard or to the
// destination address, not connected elsewhere, and for a group a member of
// it on that interface, or any socket at all while some socket of the host
// is a member and IP_MULTICAST_ALL (IPV6_MULTICAST_ALL for an IPv6 group)
// is on: 1 by default, but 0 for IPv4 groups on an AF_INET6 socket. No ICMP error comes
// back for a group or broadcast datagram nobody takes.
//
// Membership reports (igmp.c, mcast.c; what a native capture on Linux 6.x
// shows): when an interface's first socket joins a group or its last one
// leaves it (by IP_DROP_MEMBERSHIP/IPV6_LEAVE_GROUP or by closing), the
// interface sends unsolicited IGMPv3 (to 224.0.0.22) or MLDv2 (to ff02::16)
// reports: a join is a CHANGE_TO_EXCLUDE record, a leave a CHANGE_TO_INCLUDE
// one, each sent robustness-variable (2) times. A change restarts the
// interface's report timer 2 jiffies ahead (HZ 250) and every pending record
// of the interface goes into each report (left groups first, newest first);
// the repeat comes 2 + random(250) jiffies later (unsolicited_report_interval
// 1 s), drawn from a generator of its own on virtual time. None for
// 224.0.0.1, ff02::1 or an interface-local group; loopback reports too (from
// 0.0.0.0 and ::, as Linux's lo does), and MLD reports come from :: since a
// virtual host has no link-local address. Only the capture sees them, planned
// ahead of their time, so capturing never changes a run.
import { vhost, vnet } from './host.js';
import { E, Errno } from '../../abi/errno.js';
import { AF } from '../addr/constants.js';
import { canonIp, isLoopback, unmap } from '../addr/ipaddr.js';
import { isAny, type InetAddr } from '../addr/sockaddr.js';
import type { PacketInfo, Socket } from '../socket/socket.js';
import type { Host, VirtualNetwork } from './network.js';
import { checksum, ipv4Packet } from './ip.js';
import { ipBytes } from '../addr/address.js';
import { igmpv3Report, mldv2Report, type GroupRecord, type Recorded } from './capture.js';
import type { Rng } from '../../kernel/rng.js';
import type { Waiter } from '../../kernel/wait.js';

/** A virtual host's interfaces: loopback and its one LAN interface. */
export type Iface = 'lo' | 'eth0';
export const IFINDEX: Record<Iface, number> = { lo: 1, eth0: 2 };

/** A socket's multicast options (IP_MULTICAST_* / IPV6_MULTICAST_*) and memberships. */
export interface MulticastOpts {
  ttl: number;
  loop: boolean;
  /** IP_MULTICAST_IF: the interface address, 0.0.0.0 for the route's choice. */
  ifAddr: string;
  hops: number;
  loop6: boolean;
  /** IPV6_MULTICAST_IF: an interface index, 0 for the route's choice. */
  if6: number;
  /** IP_MULTICAST_ALL (inet->mc_all): 1 on an AF_INET socket, 0 on an AF_INET6 one (inet6_create leaves it). */
  all: boolean;
  /** IPV6_MULTICAST_ALL (np->mc_all, 1): what IPv6 groups ask of an AF_INET6 socket. */
  all6: boolean;
  /** Groups joined, as "iface group" keys. */
  groups: Set<string>;
}

/** Whether ip (plain or v4-mapped) is an IPv4 (224/4) or IPv6 (ff00::/8) multicast address. */
export function isMulticast(ip: string): boolean {
  const u = unmap(ip);
  if (u.includes(':')) return /^ff/i.test(u);
  const a = Number(u.split('.')[0]);
  return a >= 224 && a <= 239;
}

const opts = new WeakMap<Socket, MulticastOpts>();
/** Sockets whose close drops their memberships (ip_mc_drop_socket), watched through their wait queue. */
const watched = new WeakSet<Socket>();

export function mcastOf(s: Socket): MulticastOpts {
  let o = opts.get(s);
  if (!o) opts.set(s, (o = { ttl: 1, loop: true, ifAddr: '0.0.0.0', hops: 1, loop6: true, if6: 0, all: s.domain !== AF.AF_INET6, all6: true, groups: new Set() }));
  return o;
}

/** Whether x hears a group it has not joined: an IPv4 group asks ip_mc_sf_allow (IP_MULTICAST_ALL), an IPv6 one inet6_mc_check (IPV6_MULTICAST_ALL). */
function allGroups(x: Socket, v6: boolean): boolean {
  const o = opts.get(x);
  return v6 ? o?.all6 ?? true : o?.all ?? x.domain !== AF.AF_INET6;
}

const gkey = (iface: Iface, group: string): string => `${iface} ${canonIp(unmap(group))}`;

/** IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP on iface: EINVAL for a non-group address, EADDRINUSE when already joined. */
export function join(s: Socket, group: string, iface: Iface): void {
  if (!isMulticast(group)) throw new Errno(E.EINVAL);
  const o = mcastOf(s);
  const k = gkey(iface, group);
  if (o.groups.has(k)) throw new Errno(E.EADDRINUSE);
  o.groups.add(k);
  watchClose(s);
  const h = vhost(s);
  const n = h.groups.get(k) ?? 0;
  h.groups.set(k, n + 1);
  if (n === 0) groupChanged(vnet(s), h, iface, canonIp(unmap(group)), true);
}

/** IP_DROP_MEMBERSHIP / IPV6_LEAVE_GROUP: EADDRNOTAVAIL when not joined (EINVAL for a non-group address). */
export function leave(s: Socket, group: string, iface: Iface): void {
  if (!isMulticast(group)) throw new Errno(E.EINVAL);
  const o = mcastOf(s);
  const k = gkey(iface, group);
  if (!o.groups.delete(k)) throw new Errno(E.EADDRNOTAVAIL);
  release(s, k);
}

/** The host's count of members of k goes down by one; the last one out makes the interface report. */
function release(s: Socket, k: string): void {
  const h = vhost(s);
  const n = (h.groups.get(k) ?? 1) - 1;
  if (n > 0) {
    h.groups.set(k, n);
    return;
  }
  h.groups.delete(k);
  const sp = k.indexOf(' ');
  groupChanged(vnet(s), h, k.slice(0, sp) as Iface, k.slice(sp + 1), false);
}

/**
 * Closing a socket leaves its groups, as inet_release's ip_mc_drop_socket
 * does. The socket layer knows nothing of memberships, so a waiter on the
 * socket's queue (close() always wakes it) notices the close.
 */
function watchClose(s: Socket): void {
  if (watched.has(s)) return;
  watched.add(s);
  const w: Waiter = {
    wake: () => {
      if (!s.closed) return;
      s.waitq.remove(w);
      const o = opts.get(s);
      if (!o) return;
      const keys = [...o.groups];
      o.groups.clear();
      for (const k of keys) release(s, k);
    },
  };
  s.waitq.add(w);
}

/** Whether some open socket of h holds the group on iface (the host listens for it there). */
export function hostJoined(h: Host, iface: Iface, group: string): boolean {
  return (h.groups.get(gkey(iface, group)) ?? 0) > 0;
}

// ---------------- membership reports ----------------

/** Linux's tick (CONFIG_HZ=250, as a native capture's 4 ms steps show): report timers run in whole jiffies. */
const JIFFY_NS = 4_000_000;
/** The robustness variable (igmp_qrv, mc_qrv): each change is reported this many times. */
const QRV = 2;
/** unsolicited_report_interval for IGMPv3 and MLDv2: 1 s, in jiffies. */
const UNSOLICITED_JIFFIES = 250;
const CHANGE_TO_INCLUDE = 3;
const CHANGE_TO_EXCLUDE = 4;

/** The records an interface still has to report and how many times: groups joined (cur) and left (tomb), oldest first. */
interface ReportState {
  cur: Map<string, number>;
  tomb: Map<string, number>;
}
/** One interface's report timer: the state after the last change, and each planned expiry with the state after it. */
interface Reporter {
  base: ReportState;
  plan: { at: number; after: ReportState; sent: Recorded[] }[];
}
const reporters = new WeakMap<Host, Map<string, Reporter>>();
const reportRngs = new WeakMap<VirtualNetwork, Rng>();

const cloneState = (st: ReportState): ReportState => ({ cur: new Map(st.cur), tomb: new Map(st.tomb) });

/** Whether Linux reports the group: never all-hosts 224.0.0.1 (igmp_group_added), all-nodes ff02::1 or scopes below link-local (MAF_NOREPORT). */
function reported(group: string): boolean {
  if (!group.includes(':')) return group !== '224.0.0.1';
  return group !== 'ff02::1' && (ipBytes(group)[1]! & 0xf) >= 2;
}

/**
 * igmp_group_added / igmp_group_dropped and their MLD twins, then the
 * interface timer (igmp_ifc_event, igmp_ifc_timer_expire, mld_ifc_work)
 * played forward to its end: the planned expiries not yet due are taken
 * back and planned again from the new state.
 */
function groupChanged(net: VirtualNetwork, h: Host, iface: Iface, group: string, joined: boolean): void {
  const cap = (net as Partial<VirtualNetwork>).capture;
  if (!cap || !reported(group)) return;
  const v6 = group.includes(':');
  let byIface = reporters.get(h);
  if (!byIface) reporters.set(h, (byIface = new Map()));
  const key = `${iface} ${v6 ? 6 : 4}`;
  let r = byIface.get(key);
  if (!r) byIface.set(key, (r = { base: { cur: new Map(), tomb: new Map() }, plan: [] }));
  const now = net.kernel.clock.now();
  let past = r.base;
  for (const x of r.plan) {
    if (x.at < now) past = x.after;
    else for (const sent of x.sent) sent.cancel();
  }
  const st = cloneState(past);
  // A rejoin forgets the pending leave (igmpv3_del_delrec) and a leave the pending join; the newest record goes last here, first in a report.
  st.cur.delete(group);
  st.tomb.delete(group);
  (joined ? st.cur : st.tomb).set(group, QRV);
  r.base = cloneState(st);
  r.plan = [];
  let rng = reportRngs.get(net);
  if (!rng) reportRngs.set(net, (rng = net.kernel.rng.fork('mcast-reports')));
  const src = v6 ? '::' : iface === 'lo' ? '0.0.0.0' : h.v4[0] ?? '0.0.0.0';
  const perPacket = v6 ? Math.floor(((iface === 'lo' ? 65536 : 1500) - 56) / 20) : Math.floor(((iface === 'lo' ? 65536 : 1500) - 32) / 8);
  let at = (Math.floor(now / JIFFY_NS) + 2) * JIFFY_NS;
  let count = QRV;
  for (;;) {
    // igmpv3_send_cr / mld_send_cr: left groups first, then joined ones, newest first in each.
    const recs: GroupRecord[] = [];
    for (const [list, type] of [[st.tomb, CHANGE_TO_INCLUDE], [st.cur, CHANGE_TO_EXCLUDE]] as const) {
      for (const [g, n] of [...list].reverse()) {
        recs.push({ type, group: g });
        if (n > 1) list.set(g, n - 1);
        else list.delete(g);
      }
    }
    const sent: Recorded[] = [];
    for (let i = 0; i < recs.length; i += perPacket) {
      const part = recs.slice(i, i + perPacket);
      sent.push(cap.sendOnly(h.name, at, () => (v6 ? mldv2Report(src, part) : igmpv3Report(src, part))));
    }
    r.plan.push({ at, after: cloneState(st), sent });
    // IPv4 re-arms while mr_ifc_count was non-zero (one last, empty expiry); IPv6 while it still is after the decrement.
    if (count === 0) break;
    count--;
    if (v6 && count === 0) break;
    at += (rng.below(UNSOLICITED_JIFFIES) + 2) * JIFFY_NS;
  }
}

/** The interface an IPv4 address names for IP_MULTICAST_IF / ip_mreq (undefined: none of h's). */
export function ifaceOfAddr(net: VirtualNetwork, h: Host, ip: string): Iface | undefined {
  const u = unmap(ip);
  if (u === '0.0.0.0') return 'eth0';
  if (isLoopback(u)) return 'lo';
  return h.v4.includes(canonIp(u)) ? 'eth0' : undefined;
}

/** Whether d is a broadcast or group destination that sendUdp hands here. */
export function isGroupDest(net: VirtualNetwork, h: Host, d: InetAddr): boolean {
  return isMulticast(d.ip) || (!unmap(d.ip).includes(':') && net.isBroadcast(h, d.ip));
}

/** Sends one broadcast or multicast datagram from s (bound) to d: one copy per receiving host. */
export function sendGroup(net: VirtualNetwork, s: Socket, dst: InetAddr, data: Uint8Array): void {
  const u = unmap(dst.ip);
  const v6 = u.includes(':');
  const d: InetAddr = v6 ? dst : { family: 4, ip: u, port: dst.port };
  const group = isMulticast(u);
  const o = opts.get(s);
  // The outgoing interface: loopback's broadcast stays on lo; a group goes out of IP_MULTICAST_IF's (eth0 by default).
  const iface: Iface = u === '127.255.255.255' ? 'lo'
    : group ? (v6 ? (o?.if6 === IFINDEX.lo ? 'lo' : 'eth0') : isLoopback(o?.ifAddr ?? '0.0.0.0') ? 'lo' : 'eth0') : 'eth0';
  // The source: the bound address, else the interface's (IP_MULTICAST_IF's address for a group).
  const from = s.local as InetAddr;
  const ifAddr = group && !v6 && o && o.ifAddr !== '0.0.0.0' ? o.ifAddr : undefined;
  const ip = !isAny(from) ? unmap(from.ip) : iface === 'lo' && !v6 ? '127.0.0.1' : ifAddr ?? unmap(net.sourceFor(vhost(s), u, v6 ? 6 : 4));
  const src: InetAddr = { family: v6 ? 6 : 4, ip, port: from.port };
  const ttl = group ? (v6 ? o?.hops ?? 1 : o?.ttl ?? 1) : s.ttl;
  // An IPv4 route out of lo outputs with ip_output, not ip_mc_output (__mkroute_output: IFF_LOOPBACK): the datagram
  // itself comes back in through lo, so the host gets it whatever IP_MULTICAST_LOOP says (tests/c/tb7_mcast.c).
  const loop = group ? (v6 ? o?.loop6 ?? true : iface === 'lo' || (o?.loop ?? true)) : true;
  const targets = iface === 'lo' ? [vhost(s)] : net.segment(vhost(s));
  const cap = net.capture;
  // One packet leaves the sender, whoever receives it (built once, for every view).
  let packet: Uint8Array | undefined;
  const build = cap ? (): Uint8Array => (packet ??= cap.udp(src, d, data, ttl)) : undefined;
  if (cap && build && targets.some((t) => (t === vhost(s) ? loop : ttl >= 1))) cap.groupSent(vhost(s).name, build);
  for (const t of targets) {
    const self = t === vhost(s);
    if (self ? !loop : ttl < 1) continue;
    if (group && !hostJoined(t, iface, u)) continue;
    const fate = net.fate(vhost(s), t, data.length + (v6 ? 48 : 28), false);
    if (!fate.length) {
      net.stats.groupDrops++;
      continue;
    }
    for (const at of fate) net.at(at, () => arrive(net, t, iface, d, src, data, group, vhost(s), build, ttl));
  }
}

function arrive(net: VirtualNetwork, h: Host, iface: Iface, dst: InetAddr, src: InetAddr, data: Uint8Array, group: boolean, from: Host, packet: (() => Uint8Array) | undefined, ttl: number): void {
  if (group) net.stats.multicasts++;
  else net.stats.broadcasts++;
  // The capture shows the datagram as each receiving host sees it (capture.ts decides which views).
  if (packet) net.capture?.groupArrived(from.name, h.name, packet);
  const u = unmap(dst.ip);
  const v6 = u.includes(':');
  const joinedHere = group && hostJoined(h, iface, u);
  let info: PacketInfo | undefined;
  for (const x of net.bound(h, 'udp', dst.port)) {
    if (x.kind !== 'dgram' || x.closed || x.raw) continue;
    if (v6 ? x.domain !== AF.AF_INET6 : x.domain === AF.AF_INET6 && x.v6only) continue;
    const l = x.local as InetAddr;
    const lu = unmap(l.ip);
    if (lu !== '0.0.0.0' && lu !== '::' && canonIp(lu) !== canonIp(u)) continue;
    if (x.remote) {
      const r = x.remote as InetAddr;
      if (canonIp(unmap(r.ip)) !== canonIp(unmap(src.ip)) || r.port !== src.port) continue;
    }
    if (group) {
      const o = opts.get(x);
      const member = o?.groups.has(gkey(iface, u)) ?? false;
      if (!member && !(allGroups(x, v6) && joinedHere)) continue;
    }
    const from: InetAddr = x.domain === AF.AF_INET6 && src.family === 4 ? { family: 6, ip: `::ffff:${src.ip}`, port: src.port } : src;
    // A broadcast or group datagram's local address is the receiving interface's own (fib_compute_spec_dst).
    info ??= { ifindex: IFINDEX[iface], specDst: v6 ? u : iface === 'lo' ? '127.0.0.1' : h.v4[0] ?? '0.0.0.0', dst: u, ttl };
    x.pushDatagram(data.slice(), from, undefined, undefined, info);
  }
  rawCopies(h, iface, src, u, dst.port, v6, data, group, ttl);
}

/**
 * raw_v4_input (rawv6_rcv for IPv6): every raw IPPROTO_UDP socket of the
 * host whose bound address is the wildcard or the destination and which is
 * connected to nobody else gets the datagram, a group one if a member or
 * with IP_MULTICAST_ALL on (ip_mc_sf_allow): IPv4 sockets the whole packet,
 * IPv6 ones the UDP datagram. A raw socket of another protocol gets nothing.
 */
function rawCopies(h: Host, iface: Iface, src: InetAddr, dst: string, dstPort: number, v6: boolean, data: Uint8Array, group: boolean, ttl: number): void {
  const raws = (h.raw ?? []).filter((x) => {
    if (x.closed || x.protocol !== 17 || x.domain !== (v6 ? AF.AF_INET6 : AF.AF_INET)) return false;
    const l = x.local as InetAddr | undefined;
    if (l && !isAny(l) && canonIp(unmap(l.ip)) !== canonIp(dst)) return false;
    const r = x.remote as InetAddr | undefined;
    if (r && !isAny(r) && canonIp(unmap(r.ip)) !== canonIp(unmap(src.ip))) return false;
    if (!group) return true;
    const o = opts.get(x);
    return (o?.groups.has(gkey(iface, dst)) ?? false) || allGroups(x, v6);
  });
  if (!raws.length) return;
  const s = unmap(src.ip);
  const udp = new Uint8Array(8 + data.length);
  const dv = new DataView(udp.buffer);
  dv.setUint16(0, src.port);
  dv.setUint16(2, dstPort);
  dv.setUint16(4, udp.length);
  udp.set(data, 8);
  // The checksum over the pseudo-header (addresses, protocol, length); 0 is sent as 0xffff.
  const a = ipBytes(s), b = ipBytes(dst);
  const head = v6 ? 40 : 12;
  const pseudo = new Uint8Array(head + udp.length);
  pseudo.set(a, 0);
  pseudo.set(b, a.length);
  const pv = new DataView(pseudo.buffer);
  if (v6) {
    pv.setUint32(32, udp.length);
    pseudo[39] = 17;
  } else {
    pv.setUint16(8, 17);
    pv.setUint16(10, udp.length);
  }
  pseudo.set(udp, head);
  dv.setUint16(6, checksum(pseudo) || 0xffff);
  const copy = v6 ? udp : ipv4Packet(s, dst, 17, ttl, udp);
  const from: InetAddr = { family: v6 ? 6 : 4, ip: s, port: 0 };
  for (const x of raws) x.pushDatagram(copy.slice(), from);
}
