// The TCP handshake on the virtual network: the SYN over the links (lost
// SYNs sent again, the listener's backlog dropping SYNs, a closed port
// answering RST, no route ending in EHOSTUNREACH), the accepted socket
// queued once the final ACK is in. connect() (ops.ts) starts it; the outcome
// reaches the socket through connectFailed, or its state becoming connected.
import { vhost, vnet } from './host.js';
import { E } from '../../abi/errno.js';
import { AF, TCP_ACK, TCP_RST, TCP_SYN } from '../addr/constants.js';
import { canonIp, unmap } from '../addr/ipaddr.js';
import { anyToLoopback, isAny, type InetAddr } from '../addr/sockaddr.js';
import { backlogFull } from '../socket/rules.js';
import { Socket } from '../socket/socket.js';
import { VirtualTcp } from './stream.js';
import type { Recorded } from './capture.js';
import { SYN_RTO_NS } from './network.js';

/** Linux gives up a SYN after tcp_syn_retries=6: 1+2+4+8+16+32+64 s. */
const SYN_GIVE_UP_NS = 127e9;
/** Transmissions of a SYN (tcp_syn_retries = 6) and of a SYN-ACK (tcp_synack_retries = 5). */
const SYN_TRIES = 7;
const SYNACK_TRIES = 6;
/** Unanswered ARP: EHOSTUNREACH after about 3 s. */
const ARP_TIMEOUT_NS = 3e9;

/** Starts the TCP handshake; its outcome arrives as events (at once on one host). */
export function startHandshake(s: Socket, a: InetAddr): void {
  const dst: InetAddr = anyToLoopback({ ...a, ip: canonIp(a.ip) });
  s.autobind();
  s.pinLocal(dst);
  s.connecting(dst);
  const net = vnet(s);
  const now = net.kernel.clock.now();
  const target = net.route(vhost(s), dst.ip);
  const fail = (errno: number): void => s.connectFailed(errno);
  if (dst.port === 0) {
    // Port 0 is never listening: the RST comes back at once.
    fail(E.ECONNREFUSED);
    return;
  }
  if (!target) {
    net.at(now + ARP_TIMEOUT_NS, () => fail(E.EHOSTUNREACH));
    return;
  }
  const me = vhost(s);
  const cap = net.capture?.sees(me.name, target.name) ? net.capture : undefined;
  const synFrom = s.local as InetAddr;
  // The initial sequence number, drawn once per attempt; the SYN takes one.
  const isn = net.isnRng.next();
  const synPacket = cap ? (): Uint8Array => cap.tcp(synFrom, dst, isn, 0, TCP_SYN) : undefined;
  // The client's SYN timer: its transmissions so far and when the last left.
  let synTx = 0;
  let lastSyn = now;
  const nextSyn = (): number => lastSyn + SYN_RTO_NS * 2 ** (synTx - 1);
  const recordSyn = (at: number, arrival: number | undefined): void => {
    synTx++;
    lastSyn = at;
    if (synPacket) cap!.send(me.name, target.name, synPacket, arrival === undefined ? [] : [arrival], at);
  };
  /**
   * The client has heard nothing back: its SYN timer sends the SYN again
   * (each copy a retransmission) until `until`, when something arrives, or
   * until tcp_syn_retries is spent. Returns the copies' arrivals at the server.
   */
  const synCopies = (until: number): { at: number; arrival: number | undefined }[] => {
    const out: { at: number; arrival: number | undefined }[] = [];
    for (let due = nextSyn(); due < until && synTx < SYN_TRIES; due = nextSyn()) {
      net.stats.retransmissions++;
      const arrival = net.ackArrival(me, target, due);
      recordSyn(due, arrival);
      out.push({ at: due, arrival });
    }
    return out;
  };
  const syn = (): void => {
    const arrival = net.reliableArrival(me, target, 60, SYN_RTO_NS, recordSyn, SYN_TRIES - synTx);
    if (arrival - now > SYN_GIVE_UP_NS) {
      net.at(now + SYN_GIVE_UP_NS, () => fail(E.ETIMEDOUT));
      return;
    }
    net.at(arrival, () => {
      if (s.closed || s.state !== 'connecting') return;
      const v4dst = unmap(dst.ip).includes(':') ? undefined : unmap(dst.ip);
      const l = net.lookup(target, 'tcp', { ...dst, ip: v4dst ?? dst.ip }, (x) =>
        x.state === 'listening' && !x.closed && (v4dst ? x.domain === AF.AF_INET || !x.v6only : x.domain === AF.AF_INET6));
      if (!l) return refuse();
      if (backlogFull(l)) {
        // Linux drops the SYN; the client's SYN timer sends it again after 1 s, 2 s, 4 s...
        if (synTx >= SYN_TRIES) return net.at(now + SYN_GIVE_UP_NS, () => fail(E.ETIMEDOUT));
        const next = nextSyn();
        return net.at(next, () => {
          net.stats.retransmissions++;
          syn();
        });
      }
      accept(l, v4dst);
    });
  };

  /** No listener: the server's host answers each SYN that reaches it with a RST (never sent again by itself). */
  const refuse = (): void => {
    const rst = cap ? (): Uint8Array => cap.tcp(dst, synFrom, 0, isn + 1, TCP_RST | TCP_ACK) : undefined;
    const record = (at: number, arrival: number | undefined): void => {
      if (rst) cap!.send(target.name, me.name, rst, arrival === undefined ? [] : [arrival], at);
    };
    let back = net.reliableArrival(target, me, 60, SYN_RTO_NS, record, 1);
    if (back === Infinity) {
      // The RST is lost: the client's next SYN gets another, until one arrives.
      for (const c of synCopies(now + SYN_GIVE_UP_NS)) {
        if (c.arrival === undefined) continue;
        const a = net.ackArrival(target, me, c.arrival);
        record(c.arrival, a);
        if (a !== undefined) {
          back = a;
          break;
        }
      }
      if (back === Infinity) return net.at(now + SYN_GIVE_UP_NS, () => fail(E.ETIMEDOUT));
    }
    net.at(back, () => fail(E.ECONNREFUSED));
  };

  const accept = (l: Socket, v4dst: string | undefined): void => {
    const lLocal = l.local as InetAddr;
    const peerIp = l.domain === AF.AF_INET6 && !((s.local as InetAddr).ip.includes(':')) ? `::ffff:${unmap((s.local as InetAddr).ip)}` : (s.local as InetAddr).ip;
    const child = Socket.accepted(
      l,
      { family: l.domain === AF.AF_INET ? 4 : 6, ip: isAny(lLocal) ? (l.domain === AF.AF_INET6 && v4dst ? `::ffff:${v4dst}` : dst.ip) : lLocal.ip, port: lLocal.port },
      { family: l.domain === AF.AF_INET ? 4 : 6, ip: l.domain === AF.AF_INET ? unmap(peerIp) : peerIp, port: (s.local as InetAddr).port },
    );
    const childIsn = net.isnRng.next();
    const { client } = VirtualTcp.pair(net, s, isn + 1, child, childIsn + 1);
    net.stats.connections++;
    net.addBinding(target, 'tcp', lLocal.port, child);
    l.synRecv++;
    const synack = cap ? (): Uint8Array => cap.tcp(child.local as InetAddr, child.remote as InetAddr, childIsn, isn + 1, TCP_SYN | TCP_ACK) : undefined;
    // The server's SYN-ACK timer (1 s, doubling, tcp_synack_retries): its transmissions and when the last left.
    let synackTx = 0;
    let lastSynack = net.kernel.clock.now();
    const recordSynack = (at: number, arrival: number | undefined): Recorded | undefined => {
      synackTx++;
      lastSynack = at;
      return synack ? cap!.send(target.name, me.name, synack, arrival === undefined ? [] : [arrival], at) : undefined;
    };
    const arrival = net.reliableArrival(target, me, 60, SYN_RTO_NS, recordSynack, SYNACK_TRIES);
    // Until a SYN-ACK reaches it, the client sends its SYN again; the SYN-ACK its timer sends answers those too.
    synCopies(Math.min(arrival, now + SYN_GIVE_UP_NS));
    if (arrival === Infinity) {
      // The server gives the request up; the client, still without an answer, times out.
      net.at(lastSynack + SYN_RTO_NS * 2 ** synackTx, () => {
        l.synRecv--;
        child.onReset();
      });
      net.at(now + SYN_GIVE_UP_NS, () => fail(E.ETIMEDOUT));
      return;
    }
    net.at(arrival, () => {
      if (s.closed) {
        l.synRecv--;
        child.onReset();
        return;
      }
      s.established();
      s.notify();
      // The final ACK: only once an ACK is in does the server side count as established.
      let done = false;
      let timer: number | undefined;
      const retries: { due: number; undo(): void }[] = [];
      const establish = (): void => {
        if (done) return;
        done = true;
        if (timer !== undefined) net.kernel.timers.cancel(timer);
        // SYN-ACKs the server's timer would have sent after this never leave.
        const t = net.kernel.clock.now();
        for (const r of retries) if (r.due > t) r.undo();
        l.synRecv--;
        if (l.closed || l.state !== 'listening') return child.close();
        l.acceptq.push(child);
        l.notify();
      };
      // Any segment of the client carries the ACK: the first to arrive completes the handshake (tcp_check_req).
      client.beforeFirstArrival = establish;
      const ackAt = net.kernel.clock.now();
      const finalAck = net.reliableArrival(me, target, 60, SYN_RTO_NS, (at, arr) => client.record(client.segment(TCP_ACK, at), at, arr), 1);
      if (finalAck !== Infinity) {
        // One host: established before connect returns, as net.at would run it.
        if (finalAck <= ackAt) establish();
        else timer = net.kernel.timers.add(finalAck, establish);
        return;
      }
      // The final ACK is lost, and an ACK is never sent again by itself: the server's SYN-ACK timer
      // sends the SYN-ACK again, and the client acknowledges each copy that reaches it.
      for (let due = Math.max(ackAt, lastSynack + SYN_RTO_NS * 2 ** (synackTx - 1)); synackTx < SYNACK_TRIES; due = lastSynack + SYN_RTO_NS * 2 ** (synackTx - 1)) {
        net.stats.retransmissions++;
        const copy = net.ackArrival(target, me, due);
        const recs = [recordSynack(due, copy)];
        const ack = copy === undefined ? undefined : net.ackArrival(me, target, copy);
        if (copy !== undefined) recs.push(client.record(client.segment(TCP_ACK, copy), copy, ack));
        retries.push({ due, undo: () => { net.stats.retransmissions--; recs.forEach((r) => r?.cancel()); } });
        if (ack !== undefined) {
          timer = net.kernel.timers.add(ack, establish);
          return;
        }
      }
      // tcp_synack_retries spent: the server drops the request, unless a segment of the client completed it first.
      timer = net.kernel.timers.add(lastSynack + SYN_RTO_NS * 2 ** (synackTx - 1), () => {
        if (done) return;
        done = true;
        l.synRecv--;
        child.onReset();
      });
    });
  };
  syn();
}
