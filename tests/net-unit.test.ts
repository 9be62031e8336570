// The socket layer and the virtual network driven directly, without guests:
// socket objects from host/net/socket.ts, the state transitions of
// host/net/ops.ts (and socket/rules.ts, virtual/tcp.ts), and a VirtualNetwork on a kernel whose clock and event
// queue the test advances itself. Linux is the reference for every errno and
// poll mask asserted here (the C programs in tests/c/net_*.c check the same
// rules against a native run).
import { describe, expect, it } from 'vitest';
import { E, Errno } from '../host/abi/errno.js';
import { GuestMemory } from '../host/abi/memory.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP, POLLRDNORM, POLLWRBAND, POLLWRNORM, WOULD_BLOCK } from '../host/kernel/file.js';
import { Kernel } from '../host/kernel/kernel.js';
import { AF, LINUX, SOCK, SOCK_NONBLOCK, sockTypeName } from '../host/net/addr/constants.js';
import { accept, bind, connect, listen } from '../host/net/ops.js';
import { encodeSockaddr, readSockaddr, writeSockaddr, type Addr, type InetAddr } from '../host/net/addr/sockaddr.js';
import { Socket, type Kind, type SocketPathNamespace } from '../host/net/socket/socket.js';
import { createVirtualNetwork, type NetworkConfig, type VirtualNetwork } from '../host/net/virtual/index.js';
import { socketSyscalls, sockShims } from '../host/net/syscalls/index.js';

const TWO_HOSTS: NetworkConfig = {
  hosts: [{ name: 'a', ipv4: ['10.0.0.1'], ipv6: ['fd00::1'] }, { name: 'b', ipv4: ['10.0.0.2'], ipv6: ['fd00::2'] }],
  links: [{ a: 'a', b: 'b', latencyMs: 5 }],
};

function setup(config?: NetworkConfig, seed = 1): { k: Kernel; net: VirtualNetwork } {
  const k = new Kernel({ syscalls: [], seed });
  return { k, net: createVirtualNetwork(k, config) };
}

/** A filesystem stand-in for AF_UNIX paths: EADDRINUSE and ENOENT as the Vfs gives them. */
class Paths implements SocketPathNamespace {
  readonly nodes = new Map<string, unknown>();
  bindSocket(path: string, obj: unknown): void {
    if (this.nodes.has(path)) throw new Errno(E.EADDRINUSE);
    this.nodes.set(path, obj);
  }
  lookupSocket(path: string): unknown {
    if (!this.nodes.has(path)) throw new Errno(E.ENOENT);
    return this.nodes.get(path);
  }
}

function sock(net: VirtualNetwork, host: string, domain: number, kind: Kind, fs?: SocketPathNamespace): Socket {
  const s = new Socket(net, net.host(host), fs, domain, kind, 0);
  s.refs = 1;
  return s;
}
const v4 = (ip: string, port: number): InetAddr => ({ family: 4, ip, port });

/** Runs the event queue until nothing is left, or until virtual time `limitNs`. */
function settle(k: Kernel, limitNs = 600e9): void {
  for (;;) {
    k.timers.fireDue(k.clock.now());
    const next = k.timers.next();
    if (next === undefined || next > limitNs) return;
    k.clock.advanceTo(next);
  }
}

function errnoOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof Errno) return e.errno;
    throw e;
  }
  return undefined;
}

function send(s: Socket, text: string): number {
  const b = new TextEncoder().encode(text);
  return s.sendStream([b], b.length);
}
function recv(s: Socket, max = 1 << 16): string | number {
  const buf = new Uint8Array(max);
  const n = s.recvStream([buf], false, false);
  return n === WOULD_BLOCK ? n : new TextDecoder().decode(buf.subarray(0, n));
}

/** A listener on host a port 7000 and a connected, accepted pair across the link. */
function pair(net: VirtualNetwork, k: Kernel): { l: Socket; c: Socket; s: Socket } {
  const l = sock(net, 'a', AF.AF_INET, 'stream');
  bind(l, v4('0.0.0.0', 7000), 16, true);
  listen(l, 8);
  const c = sock(net, 'b', AF.AF_INET, 'stream');
  expect(connect(c, v4('10.0.0.1', 7000), 16)).toBe(WOULD_BLOCK);
  settle(k);
  expect(connect(c, v4('10.0.0.1', 7000), 16)).toBe(0);
  const s = accept(l);
  expect(s).toBeInstanceOf(Socket);
  return { l, c, s: s as Socket };
}

describe('TCP on the virtual network', () => {
  it('completes handshakes into the accept queue before accept; a full backlog holds the next SYN until there is room', () => {
    const { k, net } = setup(TWO_HOSTS);
    const l = sock(net, 'a', AF.AF_INET, 'stream');
    bind(l, v4('10.0.0.1', 80), 16, true);
    listen(l, 1);
    const clients = [0, 1, 2].map(() => sock(net, 'b', AF.AF_INET, 'stream'));
    for (const c of clients) expect(connect(c, v4('10.0.0.1', 80), 16)).toBe(WOULD_BLOCK);
    settle(k, 1e9);
    // Linux queues backlog + 1 connections; the third SYN is dropped and retried.
    expect(l.acceptq.length).toBe(2);
    expect(l.poll()).toBe(POLLIN | POLLRDNORM);
    expect(clients.map((c) => c.state)).toEqual(['connected', 'connected', 'connecting']);
    expect(clients[2]!.poll()).toBe(0);
    const first = accept(l) as Socket;
    expect(first.remote).toEqual(clients[0]!.local);
    settle(k, 10e9);
    expect(clients[2]!.state).toBe('connected');
    expect(k.clock.now()).toBeGreaterThan(1e9); // it waited for a SYN retransmission
    expect(l.acceptq.length).toBe(2);
  });

  it('times a connect out when the backlog never drains', () => {
    const { k, net } = setup(TWO_HOSTS);
    const l = sock(net, 'a', AF.AF_INET, 'stream');
    bind(l, v4('10.0.0.1', 80), 16, true);
    listen(l, 0);
    const [c1, c2] = [sock(net, 'b', AF.AF_INET, 'stream'), sock(net, 'b', AF.AF_INET, 'stream')];
    connect(c1, v4('10.0.0.1', 80), 16);
    connect(c2, v4('10.0.0.1', 80), 16);
    settle(k);
    expect(c1.state).toBe('connected');
    expect(c2.poll()).toBe(POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLERR | POLLHUP | POLLRDHUP);
    expect(errnoOf(() => connect(c2, v4('10.0.0.1', 80), 16))).toBe(E.ETIMEDOUT);
    // After the failure is reported the socket is fresh again.
    expect(c2.poll()).toBe(POLLOUT | POLLWRNORM | POLLHUP);
  });

  it('refuses a connect to a closed port, on one host at once', () => {
    const { net } = setup();
    const c = sock(net, 'host1', AF.AF_INET, 'stream');
    expect(connect(c, v4('127.0.0.1', 9), 16)).toBe(WOULD_BLOCK);
    // The loopback RST has arrived already: the next look reports it, then ECONNABORTED.
    expect(c.soError).toBe(E.ECONNREFUSED);
    expect(errnoOf(() => connect(c, v4('127.0.0.1', 9), 16))).toBe(E.ECONNREFUSED);
  });

  it('half-closes: EOF one way, data still flows the other', () => {
    const { k, net } = setup(TWO_HOSTS);
    const { c, s } = pair(net, k);
    send(c, 'request');
    c.shutdown(1);
    settle(k);
    expect(recv(s)).toBe('request');
    expect(recv(s)).toBe(''); // EOF
    expect(s.poll()).toBe(POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLRDHUP);
    expect(c.poll()).toBe(POLLOUT | POLLWRNORM);
    expect(errnoOf(() => send(c, 'more'))).toBe(E.EPIPE);
    send(s, 'reply');
    settle(k);
    expect(recv(c)).toBe('reply');
    s.shutdown(1);
    settle(k);
    expect(recv(c)).toBe('');
    expect(c.poll() & POLLHUP).toBe(POLLHUP);
  });

  it('resets the peer when closed with unread data: ECONNRESET once, then EOF; writes EPIPE', () => {
    const { k, net } = setup(TWO_HOSTS);
    const { c, s } = pair(net, k);
    send(c, 'never read');
    settle(k);
    s.close();
    settle(k);
    expect(c.poll()).toBe(POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLERR | POLLHUP | POLLRDHUP);
    expect(errnoOf(() => recv(c))).toBe(E.ECONNRESET);
    expect(recv(c)).toBe('');
    expect(errnoOf(() => send(c, 'x'))).toBe(E.EPIPE);
  });

  it('answers a write to a cleanly closed peer with a RST: the write succeeds, the next says EPIPE', () => {
    const { k, net } = setup(TWO_HOSTS);
    const { c, s } = pair(net, k);
    s.close();
    settle(k);
    expect(c.poll()).toBe(POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLRDHUP);
    expect(send(c, 'x')).toBe(1);
    settle(k);
    // In CLOSE_WAIT the RST's error is EPIPE (tcp_reset).
    expect(c.soError).toBe(E.EPIPE);
    expect(errnoOf(() => send(c, 'y'))).toBe(E.EPIPE);
    expect(recv(c)).toBe('');
  });

  it('keeps a stream whole and in order over a link losing 30% of segments; loss shows as delay', () => {
    const lossy: NetworkConfig = { ...TWO_HOSTS, links: [{ a: 'a', b: 'b', latencyMs: 2, loss: 0.3 }] };
    const transfer = (config: NetworkConfig): { ok: boolean; ns: number; retrans: number } => {
      const { k, net } = setup(config, 7);
      const { c, s } = pair(net, k);
      const data = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);
      const got: number[] = [];
      let sent = 0;
      const buf = new Uint8Array(65536);
      const t0 = k.clock.now();
      while (got.length < data.length) {
        if (sent < data.length) {
          const n = c.sendStream([data.subarray(sent)], data.length - sent);
          if (n > 0) sent += n;
        }
        const r = s.recvStream([buf], false, false);
        if (r > 0) for (let i = 0; i < r; i++) got.push(buf[i]!);
        if (r === WOULD_BLOCK) {
          const next = k.timers.next();
          if (next === undefined) break;
          k.clock.advanceTo(next);
          k.timers.fireDue(k.clock.now());
        }
      }
      return { ok: got.length === data.length && got.every((b, i) => b === data[i]), ns: k.clock.now() - t0, retrans: net.stats.retransmissions };
    };
    const bad = transfer(lossy);
    const good = transfer({ ...TWO_HOSTS, links: [{ a: 'a', b: 'b', latencyMs: 2 }] });
    expect(bad.ok).toBe(true);
    expect(good.ok).toBe(true);
    expect(bad.retrans).toBeGreaterThan(0);
    expect(bad.ns).toBeGreaterThan(good.ns);
  });

  it('says EADDRINUSE for a taken port, allows SO_REUSEADDR, and keeps an actively closed port in TIME_WAIT', () => {
    const { k, net } = setup(TWO_HOSTS);
    const { l, c, s } = pair(net, k);
    const again = sock(net, 'a', AF.AF_INET, 'stream');
    expect(errnoOf(() => bind(again, v4('0.0.0.0', 7000), 16, true))).toBe(E.EADDRINUSE);
    // The connection keeps its socket's SO_REUSEADDR in TIME_WAIT (tw_reuse): only with it may a new socket that has it too bind.
    s.reuseaddr = true;
    s.close(); // the server closes first: its port enters TIME_WAIT
    c.close();
    l.close();
    settle(k, k.clock.now());
    const fresh = sock(net, 'a', AF.AF_INET, 'stream');
    expect(errnoOf(() => bind(fresh, v4('0.0.0.0', 7000), 16, true))).toBe(E.EADDRINUSE);
    fresh.reuseaddr = true;
    expect(errnoOf(() => bind(fresh, v4('0.0.0.0', 7000), 16, true))).toBeUndefined();
    fresh.close();
    k.clock.advanceTo(k.clock.now() + 61e9);
    const later = sock(net, 'a', AF.AF_INET, 'stream');
    expect(errnoOf(() => bind(later, v4('0.0.0.0', 7000), 16, true))).toBeUndefined();
  });

  it('gives unbound clients ephemeral ports in 32768-60999, the same ones for the same seed', () => {
    const ports = (seed: number): number[] => {
      const { net } = setup(undefined, seed);
      return [0, 1, 2].map(() => {
        const u = sock(net, 'host1', AF.AF_INET, 'dgram');
        u.autobind();
        return (u.local as InetAddr).port;
      });
    };
    const p1 = ports(3);
    for (const p of p1) expect(p >= LINUX.ephemeralLow && p <= LINUX.ephemeralHigh).toBe(true);
    expect(ports(3)).toEqual(p1);
  });

  it('serves IPv4 clients on a dual-stack IPv6 listener, not on an IPV6_V6ONLY one', () => {
    const { k, net } = setup();
    const l6 = sock(net, 'host1', AF.AF_INET6, 'stream');
    bind(l6, { family: 6, ip: '::', port: 8080 }, 28, true);
    listen(l6, 4);
    const c = sock(net, 'host1', AF.AF_INET, 'stream');
    connect(c, v4('127.0.0.1', 8080), 16);
    expect(connect(c, v4('127.0.0.1', 8080), 16)).toBe(0);
    const s = accept(l6) as Socket;
    expect(s.remote).toMatchObject({ family: 6, ip: '::ffff:127.0.0.1' });
    const only = sock(net, 'host1', AF.AF_INET6, 'stream');
    only.v6only = true;
    bind(only, { family: 6, ip: '::', port: 8081 }, 28, true);
    listen(only, 4);
    const c2 = sock(net, 'host1', AF.AF_INET, 'stream');
    connect(c2, v4('127.0.0.1', 8081), 16);
    settle(k);
    expect(errnoOf(() => connect(c2, v4('127.0.0.1', 8081), 16))).toBe(E.ECONNREFUSED);
  });
});

describe('UDP on the virtual network', () => {
  it('keeps boundaries, truncates into a short buffer, reports the full length, and drops on a full queue', () => {
    const { net } = setup();
    const r = sock(net, 'host1', AF.AF_INET, 'dgram');
    bind(r, v4('127.0.0.1', 5000), 16, true);
    const t = sock(net, 'host1', AF.AF_INET, 'dgram');
    const dst: Addr = v4('127.0.0.1', 5000);
    const bytes = (s: string): Uint8Array[] => [new TextEncoder().encode(s)];
    t.sendDatagram(bytes('hello world'), 11, dst);
    t.sendDatagram(bytes('second'), 6, dst);
    const small = new Uint8Array(5);
    const m = r.recvMessage([small], false);
    expect({ n: m.n, full: m.full, truncated: m.truncated, text: new TextDecoder().decode(small) }).toEqual({ n: 5, full: 11, truncated: true, text: 'hello' });
    expect(r.recvMessage([new Uint8Array(64)], false).full).toBe(6);
    expect(r.recvMessage([new Uint8Array(64)], false).n).toBe(WOULD_BLOCK);
    expect(errnoOf(() => t.sendDatagram([new Uint8Array(LINUX.udpMaxV4 + 1)], LINUX.udpMaxV4 + 1, dst))).toBe(E.EMSGSIZE);
    // Each 1000-byte datagram's skb is 2304 bytes of truesize: a second one would pass 3000 (Linux queues 1).
    r.rcvbuf = 3000;
    const before = net.stats.drops;
    for (let i = 0; i < 10; i++) t.sendDatagram([new Uint8Array(1000)], 1000, dst);
    expect(net.stats.drops - before).toBe(9);
  });

  it('filters by the connected peer and turns port unreachable into ECONNREFUSED', () => {
    const { net } = setup();
    const r = sock(net, 'host1', AF.AF_INET, 'dgram');
    bind(r, v4('127.0.0.1', 5000), 16, true);
    const peer = sock(net, 'host1', AF.AF_INET, 'dgram');
    bind(peer, v4('127.0.0.1', 5001), 16, true);
    const other = sock(net, 'host1', AF.AF_INET, 'dgram');
    connect(r, v4('127.0.0.1', 5001), 16);
    other.sendDatagram([new Uint8Array([1])], 1, v4('127.0.0.1', 5000));
    peer.sendDatagram([new Uint8Array([2])], 1, v4('127.0.0.1', 5000));
    const b = new Uint8Array(4);
    expect(r.recvMessage([b], false).n).toBe(1);
    expect(b[0]).toBe(2);
    expect(r.recvMessage([b], false).n).toBe(WOULD_BLOCK);
    const lonely = sock(net, 'host1', AF.AF_INET, 'dgram');
    connect(lonely, v4('127.0.0.1', 5999), 16);
    lonely.sendDatagram([new Uint8Array([1])], 1, lonely.remote!);
    expect(lonely.poll() & POLLERR).toBe(POLLERR);
    expect(errnoOf(() => lonely.sendDatagram([new Uint8Array([1])], 1, lonely.remote!))).toBe(E.ECONNREFUSED);
  });

  it('loses, duplicates and reorders the same way for the same seed, differently for another', () => {
    const lossy: NetworkConfig = { ...TWO_HOSTS, links: [{ a: 'a', b: 'b', latencyMs: 3, jitterMs: 2, loss: 0.2, duplicate: 0.1, reorder: 0.2 }] };
    const arrivals = (seed: number): number[] => {
      const { k, net } = setup(lossy, seed);
      const r = sock(net, 'a', AF.AF_INET, 'dgram');
      bind(r, v4('10.0.0.1', 6000), 16, true);
      const t = sock(net, 'b', AF.AF_INET, 'dgram');
      for (let i = 0; i < 40; i++) t.sendDatagram([new Uint8Array([i])], 1, v4('10.0.0.1', 6000));
      settle(k);
      const out: number[] = [];
      const b = new Uint8Array(1);
      while (r.recvMessage([b], false).n === 1) out.push(b[0]!);
      return out;
    };
    const one = arrivals(11);
    expect(arrivals(11)).toEqual(one);
    expect(arrivals(12)).not.toEqual(one);
    expect(new Set(one).size).toBeLessThan(40); // some lost
    expect(one).not.toEqual([...one].sort((x, y) => x - y)); // some out of order
  });
});

describe('AF_UNIX', () => {
  it('binds paths in the namespace, refuses a taken path, connects, and reports ENOENT for a missing one', () => {
    const { net } = setup();
    const fs = new Paths();
    const l = sock(net, 'host1', AF.AF_UNIX, 'stream', fs);
    bind(l, { family: 'unix', path: '/tmp/s', abstract: false }, 110, true);
    expect(fs.nodes.get('/tmp/s')).toBe(l);
    const dup = sock(net, 'host1', AF.AF_UNIX, 'stream', fs);
    expect(errnoOf(() => bind(dup, { family: 'unix', path: '/tmp/s', abstract: false }, 110, true))).toBe(E.EADDRINUSE);
    const c = sock(net, 'host1', AF.AF_UNIX, 'stream', fs);
    expect(errnoOf(() => connect(c, { family: 'unix', path: '/tmp/s', abstract: false }, 110))).toBe(E.ECONNREFUSED); // not listening
    listen(l, 1);
    expect(connect(c, { family: 'unix', path: '/tmp/s', abstract: false }, 110)).toBe(0);
    expect(errnoOf(() => connect(c, { family: 'unix', path: '/tmp/s', abstract: false }, 110))).toBe(E.EISCONN);
    const c2 = sock(net, 'host1', AF.AF_UNIX, 'stream', fs);
    expect(errnoOf(() => connect(c2, { family: 'unix', path: '/tmp/none', abstract: false }, 110))).toBe(E.ENOENT);
  });

  it('carries AF_UNIX stream bytes intact through reused skb buffers', () => {
    // Large sends copy into buffers recycled once the reader has taken all of an skb:
    // writes from iovecs at odd offsets, partial and peeking reads, two connections interleaved.
    const { net } = setup();
    const fs = new Paths();
    const l = sock(net, 'host1', AF.AF_UNIX, 'stream', fs);
    bind(l, { family: 'unix', path: 'pool', abstract: true }, 7, true);
    listen(l, 2);
    const pairs = [0, 1].map(() => {
      const c = sock(net, 'host1', AF.AF_UNIX, 'stream', fs);
      connect(c, { family: 'unix', path: 'pool', abstract: true }, 7);
      return { c, s: accept(l) as Socket, sent: 0, got: 0 };
    });
    const byte = (i: number, conn: number): number => (i * 7 + (i >> 13) + conn * 101) & 255;
    const src = (from: number, n: number, conn: number): Uint8Array[] => {
      const b = Uint8Array.from({ length: n }, (_, k) => byte(from + k, conn));
      return [b.subarray(0, 3), b.subarray(3, n - 5000), b.subarray(n - 5000)];
    };
    const TOTAL = 3 << 20;
    const reads = [65536, 1000, 40000, 36544, 7];
    for (let step = 0; pairs.some((x) => x.got < TOTAL); step++) {
      for (const [ci, x] of pairs.entries()) {
        const n = Math.min(70000 + ci * 3000, TOTAL - x.sent);
        if (n > 0) {
          const k = x.c.sendStream(src(x.sent, n, ci), n);
          if (k !== WOULD_BLOCK) x.sent += k;
        }
        const want = reads[(step + ci) % reads.length]!;
        const peek = new Uint8Array(5);
        if (step % 3 === 0 && x.s.recvStream([peek], true, false) === 5) for (let i = 0; i < 5; i++) expect(peek[i]).toBe(byte(x.got + i, ci));
        const out = [new Uint8Array(want >> 1), new Uint8Array(want - (want >> 1))];
        const r = x.s.recvStream(out, false, false);
        if (r === WOULD_BLOCK) continue;
        const flat = new Uint8Array(want);
        flat.set(out[0]!);
        flat.set(out[1]!, out[0]!.length);
        for (let i = 0; i < r; i++) if (flat[i] !== byte(x.got + i, ci)) throw new Error(`conn ${ci}: byte ${x.got + i} is ${flat[i]}`);
        x.got += r;
      }
    }
    expect(pairs.map((x) => x.got)).toEqual([TOTAL, TOTAL]);
  });

  it('keeps SEQPACKET boundaries and drops the rest of a long message', () => {
    const { net } = setup();
    const fs = new Paths();
    const l = sock(net, 'host1', AF.AF_UNIX, 'seqpacket', fs);
    bind(l, { family: 'unix', path: 'sp', abstract: true }, 5, true);
    listen(l, 1);
    const c = sock(net, 'host1', AF.AF_UNIX, 'seqpacket', fs);
    connect(c, { family: 'unix', path: 'sp', abstract: true }, 5);
    const s = accept(l) as Socket;
    c.sendStream([new TextEncoder().encode('0123456789')], 10);
    c.sendStream([new TextEncoder().encode('next')], 4);
    const b = new Uint8Array(4);
    expect(s.recvMessage([b], false)).toMatchObject({ n: 4, full: 10, truncated: true });
    expect(s.recvMessage([b], false)).toMatchObject({ n: 4, full: 4, truncated: false });
    c.close();
    expect(s.poll()).toBe(POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLWRBAND | POLLHUP | POLLRDHUP);
    expect(s.recvMessage([b], false).n).toBe(0);
  });

  it('limits a datagram receiver to max_dgram_qlen + 1 from other senders', () => {
    const { net } = setup();
    const r = sock(net, 'host1', AF.AF_UNIX, 'dgram');
    bind(r, { family: 'unix', path: 'q', abstract: true }, 4, true);
    const t = sock(net, 'host1', AF.AF_UNIX, 'dgram');
    let n = 0;
    while (t.sendDatagram([new Uint8Array(1)], 1, { family: 'unix', path: 'q', abstract: true }) !== WOULD_BLOCK) n++;
    expect(n).toBe(LINUX.unixMaxDgramQlen + 1);
  });
});

describe('addresses and tables', () => {
  const mem = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));

  it('decodes and encodes sockaddrs with Linux lengths and rules', () => {
    const sa6 = encodeSockaddr({ family: 6, ip: 'fd00::1', port: 443 });
    mem.write(64, sa6);
    expect(readSockaddr(mem, 64, 28)).toMatchObject({ family: 6, ip: 'fd00::1', port: 443 });
    expect(readSockaddr(mem, 64, 24)).toMatchObject({ family: 6, scope: 0 });
    expect(errnoOf(() => readSockaddr(mem, 64, 23))).toBe(E.EINVAL);
    expect(errnoOf(() => readSockaddr(mem, 64, 129))).toBe(E.EINVAL);
    expect(errnoOf(() => readSockaddr(mem, 0, 16))).toBe(E.EFAULT);
    // sun_path filling all 108 bytes, no NUL: the name is 108 bytes and getsockname reports 111.
    const un = new Uint8Array(110).fill(0x61);
    un[0] = AF.AF_UNIX;
    un[1] = 0;
    mem.write(256, un);
    const a = readSockaddr(mem, 256, 110);
    expect(a).toMatchObject({ family: 'unix', abstract: false });
    expect(encodeSockaddr(a).length).toBe(111);
    expect(errnoOf(() => readSockaddr(mem, 256, 111))).toBe(E.EINVAL);
    // Handing back into 4 bytes: copy 4, report 16.
    mem.setU32(512, 4);
    mem.fill(520, 16, 0xaa);
    writeSockaddr(mem, 520, 512, { family: 4, ip: '10.0.0.1', port: 80 });
    expect(mem.u32(512)).toBe(16);
    expect(mem.u8At(524)).toBe(0xaa);
    expect(errnoOf(() => writeSockaddr(mem, 520, 0, { family: 4, ip: '10.0.0.1', port: 80 }))).toBe(E.EFAULT);
  });

  it('names socket types as strace does', () => {
    expect(sockTypeName(SOCK.SOCK_STREAM | SOCK_NONBLOCK)).toBe('SOCK_STREAM|SOCK_NONBLOCK');
    expect(sockTypeName(SOCK.SOCK_DGRAM)).toBe('SOCK_DGRAM');
  });

  it('exports one syscall per socklab import and the WASI sock_* routes', () => {
    expect(socketSyscalls.map((d) => d.name).sort()).toEqual(
      ['accept', 'accept4', 'bind', 'connect', 'getaddrinfo', 'gethostname', 'getnameinfo', 'getpeername', 'getsockname', 'getsockopt', 'ioctl', 'listen', 'poll', 'recvfrom', 'recvmmsg', 'recvmsg', 'select', 'sendmmsg', 'sendmsg', 'sendto', 'setsockopt', 'shutdown', 'sigpipe', 'socket', 'socketpair'],
    );
    expect(Object.keys(sockShims).sort()).toEqual(['accept', 'recv', 'send', 'shutdown']);
  });
});
