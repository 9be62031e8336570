// What the visual report shows, computed from a JSONL trace (and a pcap when
// given): one lane per process, grouped by host; every call as a mark with
// its strace line; connections, stream data and datagrams as arrows from
// the call that sent to the call that received (datagrams that never
// arrived marked lost); packets between hosts, retransmissions marked.
import type { TraceEvent } from '../trace/strace.js';
import type { ExitEvent, TraceLine } from '../trace/api.js';
import { unmap } from '../net/addr/ipaddr.js';
import type { Packet } from './pcap.js';

export interface Lane {
  pid: number;
  name: string;
  host: string;
}
/**
 * One call, compact (a 100,000-call report must load fast): names are
 * indexes into ReportModel.names, and the page rebuilds the strace line and
 * the JSONL event from these fields when a call is shown.
 */
export interface Mark {
  seq: number;
  pid: number;
  start: number;
  end: number;
  /** Index of the call's strace name in names. */
  c: number;
  /** Index of the import in names. */
  i: number;
  /** Indexes of strace's classes of the call (net, desc, file, ...) in names, for the filter. */
  k: number[];
  /** The fd the call is about (its first argument when that is an fd). */
  fd?: number;
  /** The call failed. */
  x?: 1;
  /** Decoded arguments, result, errno, socklab's note (as in the JSONL event). */
  a: string[];
  r: string;
  e?: string;
  n?: string;
}
export interface Arrow {
  kind: 'connect' | 'data' | 'datagram' | 'packet';
  from: { pid?: number; host?: string; t: number };
  to?: { pid?: number; host?: string; t: number };
  lost?: boolean;
  retransmitted?: boolean;
  label: string;
}
export interface ReportModel {
  title: string;
  /** Call names, import names and class names the marks refer to by index. */
  names: string[];
  hosts: string[];
  lanes: Lane[];
  marks: Mark[];
  arrows: Arrow[];
  exits: { pid: number; t: number; text: string }[];
  endNs: number;
  /** Set when the trace had more calls than the report holds (index.ts): marks has `shown` of its `total` calls. */
  capped?: { shown: number; total: number; packetsShown?: number; packets?: number };
}

const SENDS = new Set(['write', 'writev', 'send', 'sendto', 'sendmsg', 'pwritev']);
const RECVS = new Set(['read', 'readv', 'recv', 'recvfrom', 'recvmsg', 'preadv']);

/** "10.0.0.2:34872" or "[::ffff:10.0.0.1]:7000" -> canonical "ip:port" (IPv4-mapped as IPv4). */
function endpoint(s: string): { ip: string; port: number } | undefined {
  const m = /^\[(.+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  return m ? { ip: unmap(m[1]!), port: Number(m[2]) } : undefined;
}
const key = (e: { ip: string; port: number }): string => `${e.ip}:${e.port}`;

/** The fd decoration of an argument or result: "5<TCPv6:[[::1]:7000->[::1]:40000]>". */
function decoration(text: string | undefined): { fd: number; proto: string; local?: { ip: string; port: number }; remote?: { ip: string; port: number } } | undefined {
  const m = /^(\d+)<([\w-]+):\[(.*)\]>$/.exec(text ?? '');
  if (!m) return undefined;
  const [l, r] = m[3]!.split('->');
  return { fd: Number(m[1]), proto: m[2]!, ...(l && endpoint(l) ? { local: endpoint(l)! } : {}), ...(r && endpoint(r) ? { remote: endpoint(r)! } : {}) };
}

/** The address of a sockaddr argument as strace prints it. */
function sockaddr(text: string | undefined): { ip: string; port: number } | undefined {
  if (!text) return undefined;
  const port = /sin6?_port=htons\((\d+)\)/.exec(text);
  const ip = /inet_addr\("([^"]+)"\)/.exec(text) ?? /inet_pton\(AF_INET6?, "([^"]+)"/.exec(text);
  return port && ip ? { ip: unmap(ip[1]!), port: Number(port[1]) } : undefined;
}

export interface ModelOptions {
  title?: string;
  /** Process names by pid (from the run); else "pid N". */
  names?: Map<number, string>;
  /** Classes of each call by its strace name. */
  classes?: Map<string, readonly string[]>;
  packets?: Packet[];
  /** The most packets drawn: past it, the first half and the last half (retransmissions still found among all). */
  maxPackets?: number;
}

/**
 * The model built one trace line at a time, so that a huge trace is never
 * held whole: every line is seen (lanes, exits, hosts' addresses, stream
 * offsets, the time span), but only the calls added with `keep` become marks
 * and arrow ends (index.ts decides which when the trace is over the cap).
 */
export class ModelBuilder {
  private readonly lanes = new Map<number, Lane>();
  private readonly hosts: string[] = [];
  private readonly marks: Mark[] = [];
  private readonly exits: ReportModel['exits'] = [];
  private readonly ipHost = new Map<string, string>();
  private readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  private endNs = 0;
  /** Kept connect/accept calls, and kept UDP sends/receives, in trace order. */
  private readonly conns: TraceEvent[] = [];
  private readonly udp: TraceEvent[] = [];
  /** Kept stream sends and receives with their byte offset in their connection (counted over every call). */
  private readonly sent = new Map<string, Piece[]>();
  private readonly recvd = new Map<string, Piece[]>();
  private readonly pos = new Map<string, number>();

  constructor(private readonly opts: ModelOptions = {}) {}

  private name(n: string): number {
    let i = this.index.get(n);
    if (i === undefined) {
      i = this.names.push(n) - 1;
      this.index.set(n, i);
    }
    return i;
  }

  private lane(pid: number, host: string): void {
    if (!this.lanes.has(pid)) this.lanes.set(pid, { pid, host, name: this.opts.names?.get(pid) ?? `pid ${pid}` });
    if (!this.hosts.includes(host)) this.hosts.push(host);
  }

  add(l: TraceLine, keep = true): void {
    if ('exit' in l) {
      const x = l as ExitEvent;
      this.lane(x.pid, x.host);
      this.exits.push({ pid: x.pid, t: x.end, text: `+++ ${'code' in x.exit ? `exited with ${x.exit.code}` : `killed by ${x.exit.signal}`} +++` });
      this.endNs = Math.max(this.endNs, x.end);
      return;
    }
    // A signal delivered (strace's "--- SIGCHLD {...} ---") is no call: its process gets its lane, no mark.
    if (!('call' in l)) {
      const x = l as { pid: number; host: string };
      this.lane(x.pid, x.host);
      return;
    }
    const e = l as TraceEvent;
    this.lane(e.pid, e.host);
    const d0 = decoration(e.args[0]);
    const d = d0 ?? decoration(e.ret);
    if (d?.local && d.local.ip !== '0.0.0.0' && d.local.ip !== '::') this.ipHost.set(d.local.ip, e.host);
    this.endNs = Math.max(this.endNs, e.end);
    // Stream offsets count every call's bytes, kept or not, so a kept send still meets the receive that got its first byte.
    const n = Number(e.ret);
    if (n > 0 && d0?.local && d0.remote && d0.proto.startsWith('TCP') && (SENDS.has(e.call) || RECVS.has(e.call))) {
      const send = SENDS.has(e.call);
      const k = send ? `${key(d0.local)}>${key(d0.remote)}` : `${key(d0.remote)}>${key(d0.local)}`;
      const pk = `${send ? 's' : 'r'}${k}`;
      const off = this.pos.get(pk) ?? 0;
      this.pos.set(pk, off + n);
      if (keep) {
        const m = send ? this.sent : this.recvd;
        let list = m.get(k);
        if (!list) m.set(k, (list = []));
        list.push({ off, e, n });
      }
    }
    if (!keep) return;
    if (e.call === 'connect' || e.call === 'accept' || e.call === 'accept4') this.conns.push(e);
    else if (d0?.proto.startsWith('UDP') && (SENDS.has(e.call) || RECVS.has(e.call))) this.udp.push(e);
    const fd = /^\d+/.exec(e.args[0] ?? '');
    this.marks.push({
      seq: e.seq, pid: e.pid, start: e.start, end: e.end, c: this.name(e.call), i: this.name(e.import), k: (this.opts.classes?.get(e.call) ?? []).map((c) => this.name(c)),
      ...(fd && d0 ? { fd: Number(fd[0]) } : {}),
      ...(e.ret === '-1' || e.errno !== undefined ? { x: 1 as const } : {}),
      a: e.args, r: e.ret, ...(e.errno ? { e: e.errno } : {}), ...(e.note ? { n: e.note } : {}),
    });
  }

  /**
   * The model. `capped`: the trace had `total` calls and only the kept ones are
   * marks; an arrow whose far end may be among the calls left out is not drawn
   * (it would read as lost), unless `allEnds` says every connection and
   * datagram end was kept.
   */
  finish(capped?: { total: number; allEnds: boolean }): ReportModel {
    const { marks, ipHost } = this;
    marks.sort((a, b) => a.start - b.start || a.seq - b.seq);
    let arrows = [...connections(this.conns), ...streamData(this.sent, this.recvd), ...datagrams(this.udp, ipHost)];
    if (capped) arrows = arrows.filter((a) => (a.kind === 'data' ? a.to : capped.allEnds || (a.to?.pid !== undefined && !a.lost)));
    let endNs = this.endNs;
    for (const p of this.opts.packets ?? []) endNs = Math.max(endNs, p.arrived ?? p.t);
    let packets = packetArrows(this.opts.packets ?? [], ipHost);
    const total = packets.length;
    const maxP = this.opts.maxPackets;
    if (maxP !== undefined && total > maxP) packets = [...packets.slice(0, Math.ceil(maxP / 2)), ...packets.slice(total - Math.floor(maxP / 2))];
    arrows.push(...packets);
    const hosts = this.hosts;
    const laneList = [...this.lanes.values()].sort((a, b) => hosts.indexOf(a.host) - hosts.indexOf(b.host) || a.pid - b.pid);
    return {
      title: this.opts.title ?? 'socklab trace', names: this.names, hosts, lanes: laneList, marks, arrows, exits: this.exits, endNs,
      ...(capped || packets.length < total ? { capped: { shown: marks.length, total: capped?.total ?? marks.length, ...(packets.length < total ? { packetsShown: packets.length, packets: total } : {}) } } : {}),
    };
  }
}

type Piece = { off: number; e: TraceEvent; n: number };

export function buildModel(lines: readonly TraceLine[], opts: ModelOptions = {}): ReportModel {
  const b = new ModelBuilder(opts);
  for (const l of lines) b.add(l);
  return b.finish();
}

const events = (lines: readonly TraceLine[]): TraceEvent[] => lines.filter((l): l is TraceEvent => 'call' in l);

/** connect() to the accept() that took the connection. */
function connections(lines: readonly TraceLine[]): Arrow[] {
  const accepted = new Map<string, TraceEvent>();
  for (const e of events(lines)) {
    if (e.call !== 'accept4' && e.call !== 'accept') continue;
    const d = decoration(e.ret);
    if (d?.local && d.remote) accepted.set(`${key(d.remote)}>${key(d.local)}`, e);
  }
  const out: Arrow[] = [];
  for (const e of events(lines)) {
    if (e.call !== 'connect' || (e.ret !== '0' && e.errno !== 'EINPROGRESS')) continue;
    const d = decoration(e.args[0]);
    if (!d?.local || !d.remote || !d.proto.startsWith('TCP')) continue;
    const a = accepted.get(`${key(d.local)}>${key(d.remote)}`);
    out.push({ kind: 'connect', from: { pid: e.pid, t: e.start }, ...(a ? { to: { pid: a.pid, t: a.end } } : {}), label: `connect ${key(d.local)} -> ${key(d.remote)}` });
  }
  return out;
}

/** Stream bytes: each send to the receive that got its first byte. */
function streamData(sent: Map<string, Piece[]>, recvd: Map<string, Piece[]>): Arrow[] {
  const out: Arrow[] = [];
  for (const [k, sends] of sent) {
    const rs = recvd.get(k) ?? [];
    let j = 0;
    for (const s of sends) {
      while (j < rs.length && rs[j]!.off + rs[j]!.n <= s.off) j++;
      const r = rs[j];
      out.push({ kind: 'data', from: { pid: s.e.pid, t: s.e.start }, ...(r && r.off <= s.off ? { to: { pid: r.e.pid, t: r.e.end } } : {}), label: `${s.n} bytes ${k.replace('>', ' -> ')}` });
    }
  }
  return out;
}

/** Datagrams: a sendto to the recvfrom that got the same bytes from that port; those never received are lost. */
function datagrams(lines: readonly TraceLine[], ipHost: Map<string, string>): Arrow[] {
  const inbox = new Map<string, TraceEvent[]>();
  const sends: { e: TraceEvent; k: string; dst: { ip: string; port: number } }[] = [];
  for (const e of events(lines)) {
    const d = decoration(e.args[0]);
    if (!d || !d.proto.startsWith('UDP') || !d.local || !(Number(e.ret) >= 0)) continue;
    if (SENDS.has(e.call)) {
      const dst = sockaddr(e.args[4]) ?? d.remote;
      if (dst) sends.push({ e, dst, k: `${d.local.port}>${dst.port}|${e.args[1]}` });
    } else if (RECVS.has(e.call)) {
      const src = sockaddr(e.args[4]) ?? d.remote;
      if (!src) continue;
      const k = `${src.port}>${d.local.port}|${e.args[1]}`;
      let list = inbox.get(k);
      if (!list) inbox.set(k, (list = []));
      list.push(e);
    }
  }
  const out: Arrow[] = [];
  for (const s of sends) {
    const list = inbox.get(s.k) ?? [];
    const i = list.findIndex((r) => r.end >= s.e.start);
    const r = i >= 0 ? list.splice(i, 1)[0] : undefined;
    const host = ipHost.get(s.dst.ip);
    out.push({
      kind: 'datagram', from: { pid: s.e.pid, t: s.e.start },
      ...(r ? { to: { pid: r.pid, t: r.end } } : host ? { to: { host, t: s.e.start } } : {}),
      ...(r ? {} : { lost: true }), label: `datagram ${s.e.args[1] ?? ''} to ${key(s.dst)}${r ? '' : ' (never received)'}`,
    });
  }
  return out;
}

/** Packets from the capture, host to host; a TCP segment sent again with the same sequence number is a retransmission. */
function packetArrows(packets: Packet[], ipHost: Map<string, string>): Arrow[] {
  const seen = new Set<string>();
  const out: Arrow[] = [];
  for (const p of packets) {
    const from = ipHost.get(unmap(p.src));
    const to = ipHost.get(unmap(p.dst));
    if (!from && !to) continue;
    let retransmitted = false;
    if (p.proto === 'tcp' && (p.len > 0 || /[SF]/.test(p.flags ?? ''))) {
      const k = `${p.src}:${p.sport}>${p.dst}:${p.dport}#${p.seq}/${p.len}/${p.flags}`;
      retransmitted = seen.has(k);
      seen.add(k);
    }
    out.push({
      kind: 'packet', from: { ...(from ? { host: from } : {}), t: p.t }, to: { ...(to ? { host: to } : {}), t: p.arrived ?? p.t },
      ...(retransmitted ? { retransmitted } : {}),
      ...(p.lost ? { lost: true } : {}),
      label: `${p.proto.toUpperCase()} ${p.src}${p.sport !== undefined ? `:${p.sport}` : ''} > ${p.dst}${p.dport !== undefined ? `:${p.dport}` : ''}${p.flags ? ` [${p.flags}]` : ''} len ${p.len}${retransmitted ? ' (retransmission)' : ''}${p.lost ? ' (lost)' : ''}`,
    });
  }
  return out;
}
