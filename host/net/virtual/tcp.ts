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

/** Linux gives up a SYN after tcp_syn_retries=6: 1+2+4+8+16+32+64 s. */
const SYN_GIVE_UP_NS = 127e9;
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
  const cap = net.capture?.wants(vhost(s).name) ? net.capture : undefined;
  const synFrom = s.local as InetAddr;
  // The initial sequence number, drawn once per attempt; the SYN takes one.
  const isn = net.isnRng.next();
  const syn = (sentAt: number): void => {
    cap?.tcp(synFrom, dst, isn, 0, TCP_SYN);
    // A SYN the link loses is sent again after the timeout: the capture shows each copy.
    const arrival = net.reliableArrival(vhost(s), target, 60, cap ? (at) => net.at(at, () => cap.tcp(synFrom, dst, isn, 0, TCP_SYN)) : undefined);
    if (arrival - now > SYN_GIVE_UP_NS) {
      net.at(now + SYN_GIVE_UP_NS, () => fail(E.ETIMEDOUT));
      return;
    }
    net.at(arrival, () => {
      if (s.closed || s.state !== 'connecting') return;
      const v4dst = unmap(dst.ip).includes(':') ? undefined : unmap(dst.ip);
      const l = net.lookup(target, 'tcp', { ...dst, ip: v4dst ?? dst.ip }, (x) =>
        x.state === 'listening' && !x.closed && (v4dst ? x.domain === AF.AF_INET || !x.v6only : x.domain === AF.AF_INET6));
      const back = (fn: () => void): void => net.at(net.reliableArrival(target, vhost(s), 60), fn);
      const tcap = net.capture?.wants(target.name) ? net.capture : undefined;
      if (!l) {
        tcap?.tcp(dst, synFrom, 0, isn + 1, TCP_RST | TCP_ACK);
        return back(() => fail(E.ECONNREFUSED));
      }
      if (backlogFull(l)) {
        // Linux drops the SYN; the client retransmits it after 1 s, 2 s, 4 s...
        const next = sentAt + Math.max(1e9, (net.kernel.clock.now() - sentAt) * 2);
        if (next - now > SYN_GIVE_UP_NS) return net.at(now + SYN_GIVE_UP_NS, () => fail(E.ETIMEDOUT));
        return net.at(next, () => syn(next));
      }
      const lLocal = l.local as InetAddr;
      const peerIp = l.domain === AF.AF_INET6 && !((s.local as InetAddr).ip.includes(':')) ? `::ffff:${unmap((s.local as InetAddr).ip)}` : (s.local as InetAddr).ip;
      const child = Socket.accepted(
        l,
        { family: l.domain === AF.AF_INET ? 4 : 6, ip: isAny(lLocal) ? (l.domain === AF.AF_INET6 && v4dst ? `::ffff:${v4dst}` : dst.ip) : lLocal.ip, port: lLocal.port },
        { family: l.domain === AF.AF_INET ? 4 : 6, ip: l.domain === AF.AF_INET ? unmap(peerIp) : peerIp, port: (s.local as InetAddr).port },
      );
      const childIsn = net.isnRng.next();
      if (tcap) tcap.tcp(child.local as InetAddr, child.remote as InetAddr, childIsn, isn + 1, TCP_SYN | TCP_ACK);
      const { client } = VirtualTcp.pair(net, s, isn + 1, child, childIsn + 1);
      net.stats.connections++;
      net.addBinding(target, 'tcp', lLocal.port, child);
      l.synRecv++;
      back(() => {
        if (s.closed) {
          l.synRecv--;
          child.onReset();
          return;
        }
        s.established();
        client.capSegment(TCP_ACK);
        s.notify();
        // The final ACK: only now does the server side count as established.
        net.at(net.reliableArrival(vhost(s), target, 60), () => {
          l.synRecv--;
          if (l.closed || l.state !== 'listening') return child.close();
          l.acceptq.push(child);
          l.notify();
        });
      });
    });
  };
  syn(now);
}
