// --net=real and --publish: guests talking to real peers on this machine's
// loopback (curl, nc, Node's net/dgram/http), the sandbox policy, resets
// seen as Linux reports them, and the same program giving the same output on
// the real and the virtual network. Every wait is on an event (a line the
// guest prints, a peer's callback), never on a sleep.
import { describe, expect, it } from 'vitest';
import { createServer as httpServer } from 'node:http';
import * as net from 'node:net';
import * as dgram from 'node:dgram';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guest, run, ROOT } from './helpers.js';
import { exec, freePort, runUntil, T } from './real-helpers.js';
import type { RunOptions } from '../dist/host/api.js';

const proc = (module: string, args: string[], extra: object = {}) => ({ module: guest(module), name: module, args, ...extra });

describe('--net=real: guests and real peers on loopback', () => {
  it('a guest HTTP/1.0 server answers curl', async () => {
    const { ready, done } = runUntil({ net: 'real', policy: { allowListen: ['127.0.0.1:*'] }, processes: [proc('examples_http_server', ['0', '2'])] }, /listening on 127\.0\.0\.1:(\d+)/);
    const port = (await ready)[1]!;
    const page = await exec('curl', ['-s', '-i', `http://127.0.0.1:${port}/index.html`]);
    expect(page).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    expect(page).toContain('<p>you asked for /index.html</p>');
    const head = await exec('curl', ['-s', '-i', '-X', 'POST', `http://127.0.0.1:${port}/x`]);
    expect(head).toMatch(/^HTTP\/1\.0 501 Not Implemented/);
    const o = await done;
    expect(o.status).toBe(0);
    expect(o.stdout).toMatch(/GET \/index\.html from 127\.0\.0\.1:\d+\nPOST \/x from 127\.0\.0\.1:\d+\n$/);
  });

  it('a guest TCP echo server echoes what nc sends, and sees nc half-close', async () => {
    const port = await freePort();
    const { ready, done } = runUntil({ net: 'real', policy: { allowListen: [`*:${port}`] }, processes: [proc('examples_echo_server', [String(port), '1'])] }, /listening on port/);
    await ready;
    // -N: shut down the sending side at the end of input, as the server waits for EOF.
    const echoed = await exec('nc', ['-N', '127.0.0.1', String(port)], 'hello\nworld\n');
    expect(echoed).toBe('hello\nworld\n');
    const o = await done;
    expect(o.stdout).toMatch(/accepted \[::ffff:127\.0\.0\.1\]:\d+\n/);
    expect(o.stdout).toMatch(/served 1 clients, bye\n$/);
  });

  it('a guest client fetches a page from a Node HTTP server', async () => {
    const srv = httpServer((req, res) => res.end(`node says hi to ${req.url} (${req.headers['user-agent']})\n`));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    try {
      const o = await run({ net: 'real', policy: { allowConnect: [`127.0.0.1:${port}`] }, timeoutMs: T, processes: [proc('examples_http_get', ['127.0.0.1', String(port), '/page'])] });
      expect(o.stdout).toBe('HTTP/1.1 200 OK\nnode says hi to /page (socklab-http-get)\n');
      expect(o.status).toBe(0);
    } finally {
      srv.close();
    }
  });

  it('exchanges UDP datagrams with a node:dgram peer, both ways', async () => {
    const peer = dgram.createSocket('udp4');
    const got: string[] = [];
    let third: () => void = () => {};
    const three = new Promise<void>((r) => (third = r));
    peer.on('message', (m) => {
      got.push(String(m).trim());
      if (got.length === 4) third();
    });
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', r));
    const port = peer.address().port;
    try {
      const talk = await run({ net: 'real', policy: { allowConnect: [`127.0.0.1:${port}`] }, timeoutMs: T, processes: [proc('examples_talker', ['127.0.0.1', String(port), '3'])] });
      await three;
      expect(talk.stdout).toBe('talker: sent 3 datagrams\n');
      expect(got).toEqual(['datagram 1', 'datagram 2', 'datagram 3', 'end']);
      // A guest server answers each datagram to its sender: the reply is a sendto the policy must allow too.
      const { ready, done } = runUntil({ net: 'real', policy: { allowListen: ['*:*'], allowConnect: ['127.0.0.1:*'] }, processes: [proc('examples_udp_echo', ['0', '2'])] }, /udp echo on port (\d+)/);
      const gport = Number((await ready)[1]);
      const echo = (m: string): Promise<string> => new Promise((r) => {
        peer.once('message', (b) => r(String(b)));
        peer.send(m, gport, '127.0.0.1');
      });
      got.length = 0;
      expect(await echo('ping')).toBe('ping');
      expect(await echo('a longer datagram')).toBe('a longer datagram');
      const o = await done;
      expect(o.stdout).toBe(`udp echo on port ${gport}\n4 bytes from 127.0.0.1:${port}\n17 bytes from 127.0.0.1:${port}\n`);
    } finally {
      peer.close();
    }
  });

  it('an AF_UNIX guest server on a granted host directory serves a Node client, and a guest client reaches a Node server there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-unix-'));
    try {
      const { ready, done } = runUntil({ net: 'real', mounts: [{ host: dir, guest: '/run', readonly: false }], processes: [proc('examples_unix_server', ['/run/app.sock', '1'])] }, /is a socket/);
      await ready;
      expect(existsSync(join(dir, 'app.sock'))).toBe(true);
      const reply = await new Promise<string>((resolve, reject) => {
        const c = net.connect(join(dir, 'app.sock'), () => c.write('shout'));
        c.on('data', (d) => { resolve(String(d)); c.end(); });
        c.on('error', reject);
      });
      expect(reply).toBe('SHOUT');
      expect((await done).status).toBe(0);

      const srv = net.createServer((c) => c.on('data', (d) => c.end(String(d).split('').reverse().join(''))));
      await new Promise<void>((r) => srv.listen(join(dir, 'node.sock'), r));
      try {
        const o = await run({ net: 'real', timeoutMs: T, mounts: [{ host: dir, guest: '/run', readonly: false }], processes: [proc('examples_unix_client', ['/run/node.sock', 'stressed'])] });
        expect(o.stdout).toContain('desserts');
        const missing = await run({ net: 'real', timeoutMs: T, mounts: [{ host: dir, guest: '/run', readonly: false }], processes: [proc('examples_unix_client', ['/run/none.sock', 'x'])] });
        expect(missing.stderr).toMatch(/No such file or directory/);
      } finally {
        srv.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sees a peer that resets mid-transfer as ECONNRESET or EPIPE, as Linux reports it', async () => {
    const srv = net.createServer((c) => {
      let n = 0;
      c.on('data', (d) => {
        n += d.length;
        if (n > 200_000) c.resetAndDestroy();
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    const readSrv = net.createServer((c) => c.write(Buffer.alloc(500_000, 'y'), () => setImmediate(() => c.resetAndDestroy())));
    await new Promise<void>((r) => readSrv.listen(0, '127.0.0.1', r));
    const rport = (readSrv.address() as net.AddressInfo).port;
    try {
      const policy = { allowConnect: ['127.0.0.1:*'] };
      const w = await run({ net: 'real', policy, timeoutMs: T, processes: [proc('real_peer_reset', ['127.0.0.1', String(port), 'write'])] });
      expect(w.stdout + w.stderr).toMatch(/^send failed after some data: (ECONNRESET|EPIPE)\n$/);
      const r = await run({ net: 'real', policy, timeoutMs: T, processes: [proc('real_peer_reset', ['127.0.0.1', String(rport), 'read'])] });
      // Linux reports the reset once, to whichever call sees it first; Node may have seen it, and then the guest reads EOF.
      const m = (r.stdout + r.stderr).match(/^(?:recv failed after (\d+) bytes: ECONNRESET|EOF after (\d+) bytes)\n$/);
      expect(m, r.stdout + r.stderr).not.toBeNull();
      expect(Number(m![1] ?? m![2])).toBeLessThanOrEqual(500_000);
    } finally {
      srv.close();
      readSrv.close();
    }
  });

  it('moves 16 MiB each way intact: batched reads into a guest, and a guest sender that fills the send window and is woken as it drains', async () => {
    const N = 16 << 20;
    const pattern = (from: number, len: number): Buffer => {
      const b = Buffer.allocUnsafe(len);
      for (let i = 0; i < len; i++) b[i] = ((from + i) * 7) % 251;
      return b;
    };
    // Into a guest server: Node reads 64 KiB at a time, so the guest is handed batches; EOF after them.
    const port = await freePort();
    const recv = run({ net: 'real', policy: { allowListen: [`*:${port}`] }, timeoutMs: T, processes: [proc('scn_bigstream', ['server', String(port), String(N)])] });
    await new Promise<void>((resolve, reject) => {
      const attempt = (): void => {
        const c = net.connect(port, '127.0.0.1');
        let sent = 0;
        // Before the guest listens the connection is refused (or reset, between its bind and listen): try again.
        c.once('error', (e: NodeJS.ErrnoException) => (!sent && (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET') ? setImmediate(attempt) : reject(e)));
        c.once('connect', () => {
          const pump = (): void => {
            while (sent < N) {
              const k = Math.min(65536, N - sent);
              const ok = c.write(pattern(sent, k));
              sent += k;
              if (!ok) return void c.once('drain', pump);
            }
            c.end(() => resolve());
          };
          pump();
        });
      };
      attempt();
    });
    const r = await recv;
    expect(r.stdout).toBe(`server: received ${N} of ${N} bytes, 0 wrong\n`);
    expect(r.status).toBe(0);

    // From a guest client to a Node server that starts reading only after a while, then takes one
    // chunk per turn of its event loop: the guest fills the host's buffers and the send window and
    // blocks in write() until completions open room (the delay only makes that sure; no wait hangs on it).
    let got = 0;
    let bad = 0;
    let done: () => void = () => {};
    const ended = new Promise<void>((r) => (done = r));
    const srv = net.createServer({ pauseOnConnect: true }, (c) => {
      setTimeout(() => c.resume(), 300);
      c.on('data', (d: Buffer) => {
        for (let i = 0; i < d.length; i++) if (d[i] !== ((got + i) * 7) % 251) bad++;
        got += d.length;
        c.pause();
        setImmediate(() => c.resume());
      });
      c.on('end', () => done());
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const sport = (srv.address() as net.AddressInfo).port;
    try {
      const o = await run({ net: 'real', policy: { allowConnect: [`127.0.0.1:${sport}`] }, timeoutMs: T, processes: [proc('scn_bigstream', ['client', '127.0.0.1', String(sport), String(N)])] });
      expect(o.stdout).toBe(`client: sent ${N} bytes\n`);
      expect(o.status).toBe(0);
      await ended;
      expect({ got, bad }).toEqual({ got: N, bad: 0 });
    } finally {
      srv.close();
    }
  });

  it('delivers every byte of one-byte writes, small vectors with empty entries and vectors across 64 KiB chunks, in order', async () => {
    // The real network copies a small send into a slice of Node's pool and a large one into 64 KiB chunks it reuses.
    let got = 0;
    let bad = 0;
    let done: () => void = () => {};
    const ended = new Promise<void>((r) => (done = r));
    const srv = net.createServer((c) => {
      c.on('data', (d: Buffer) => {
        for (let i = 0; i < d.length; i++) if (d[i] !== ((got + i) * 7) % 251) bad++;
        got += d.length;
      });
      c.on('end', () => done());
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    const total = 1 + 3023 + 4096 + 75010 + 1 + 131075 + 1;
    try {
      const o = await run({ net: 'real', policy: { allowConnect: [`127.0.0.1:${port}`] }, timeoutMs: T, processes: [proc('real_writev', [String(port)])] });
      expect(o.stdout).toBe(`sent ${total} bytes\n`);
      expect(o.status).toBe(0);
      await ended;
      expect({ got, bad }).toEqual({ got: total, bad: 0 });
    } finally {
      srv.close();
    }
  });

  it('connects again on the same socket after each refusal, as Linux allows, and is never taken for deadlocked meanwhile', async () => {
    // The refused connection may close after the next attempt started: that close must not end the new attempt's hold on the run.
    const port = await freePort();
    const o = await run({ net: 'real', policy: { allowConnect: [`127.0.0.1:${port}`] }, timeoutMs: T, processes: [proc('real_retry', [String(port), '1000'])] });
    expect(o.deadlock).toBeUndefined();
    expect(o.stdout).toBe('refused 1000 times\n');
    expect(o.status).toBe(0);
  });

  it('gives the same output on --net=real as on the virtual network', async () => {
    const port = await freePort();
    const server = proc('examples_echo_server', [String(port), '2']);
    const clients = [proc('examples_echo_client', ['127.0.0.1', String(port), 'over the loopback']), proc('examples_echo_client', ['localhost', String(port), 'and by name'])];
    // Both sides resolve localhost from this machine's /etc/hosts (--net=real uses it; the virtual host is given it).
    const virt = await run({ timeoutMs: T, network: { hosts: [{ name: 'host1', etcHosts: readFileSync('/etc/hosts', 'utf8') }] }, processes: [server, ...clients.map((c) => ({ ...c, startMs: 1 }))] });
    expect(virt.status).toBe(0);
    // On the real network the clients start once the server says it listens.
    const { ready, done } = runUntil({ net: 'real', policy: { allowListen: [`*:${port}`] }, processes: [server] }, /listening on port/);
    await ready;
    const policy = { allowConnect: [`127.0.0.1:${port}`, `[::1]:${port}`] };
    const real = await Promise.all(clients.map((c) => run({ net: 'real', policy, timeoutMs: T, processes: [c] })));
    const srv = await done;
    expect(real.map((o) => o.stdout)).toEqual(virt.processes.slice(1).map((p) => p.stdout));
    expect(real[0]!.stdout).toBe('echoed: over the loopback\n');
    const lines = (s: string): string[] => s.replace(/\]:\d+/g, ']:P').replace(/fd \d+/g, 'fd N').split('\n').sort();
    expect(lines(srv.stdout)).toEqual(lines(virt.processes[0]!.stdout));
  });
});

describe('--net=real: the sandbox policy', () => {
  const probe = (args: string[], policy: RunOptions['policy'], extra: Partial<RunOptions> = {}) =>
    run({ net: 'real', policy, timeoutMs: T, trace: { format: 'text' }, processes: [proc('real_probe', args)], ...extra });

  it('refuses by default, with EACCES, a notice and the rule in the trace', async () => {
    const o = await probe(['connect', '127.0.0.1', '9'], {});
    expect(o.stdout).toBe('connect 127.0.0.1:9: EACCES (Permission denied)\n');
    expect(o.notices).toEqual(['socklab: policy: connecting to 127.0.0.1:9 refused: no --allow-connect given']);
    expect(o.trace).toMatch(/connect\(3<TCP:\[\d+\]>, \{sa_family=AF_INET, sin_port=htons\(9\).* = -1 EACCES \(Permission denied\) \[policy: connecting to 127\.0\.0\.1:9 refused: no --allow-connect given\]/);
    const l = await probe(['listen', '0.0.0.0', '0'], {});
    expect(l.stdout).toBe('listen 0.0.0.0:0: EACCES (Permission denied)\n');
    const u = await probe(['sendto', '10.9.8.7', '53'], { allowConnect: ['127.0.0.1:*'] });
    expect(u.stdout).toBe('sendto 10.9.8.7:53: EACCES (Permission denied)\n');
    expect(u.trace).toContain('[policy: 10.9.8.7:53 is not in --allow-connect (127.0.0.1:*)]');
  });

  it('matches ports, ranges and CIDR blocks, and an IPv4-mapped IPv6 address as the IPv4 address it carries', async () => {
    const port = await freePort();
    const policy = { allowConnect: [`127.0.0.0/8:${port}-${port}`] };
    const ok = await probe(['connect', '127.0.0.1', String(port)], policy);
    // Allowed, and nobody listens there: the host's own answer comes back.
    expect(ok.stdout).toBe(`connect 127.0.0.1:${port}: ECONNREFUSED (Connection refused)\n`);
    const mapped = await probe(['connect', '::ffff:127.0.0.1', String(port)], policy);
    expect(mapped.stdout).toBe(`connect ::ffff:127.0.0.1:${port}: ECONNREFUSED (Connection refused)\n`);
    const smuggled = await probe(['connect', '::ffff:10.1.2.3', String(port)], policy);
    expect(smuggled.stdout).toBe(`connect ::ffff:10.1.2.3:${port}: EACCES (Permission denied)\n`);
    const otherPort = await probe(['connect', '127.0.0.1', String(port === 65535 ? 1 : port + 1)], policy);
    expect(otherPort.stdout).toMatch(/EACCES/);
  });

  it('resolves names only with --allow-dns, and a name cannot lead where an address may not', async () => {
    const noDns = await probe(['resolve', 'example.invalid', '80'], { allowConnect: ['*:*'] });
    expect(noDns.stdout).toBe('getaddrinfo example.invalid: Temporary failure in name resolution\n');
    expect(noDns.notices).toEqual(['socklab: policy: example.invalid not resolved: no --allow-dns given']);
    // localhost resolves as /etc/hosts has it, DNS or not; its address is outside the rule.
    const local = await probe(['resolve', 'localhost', '80'], { allowConnect: ['203.0.113.0/24:*'] });
    expect(local.stdout).toBe('connect localhost (127.0.0.1): EACCES (Permission denied)\n');
    // The host's resolver answers for its own name; whatever it says is refused by the rule.
    const me = (await exec('hostname', [])).trim();
    const viaDns = await probe(['resolve', me, '80'], { allowConnect: ['203.0.113.0/24:*'], allowDns: true });
    expect(viaDns.stdout).toMatch(new RegExp(`^(connect ${me} \\(\\S+\\): EACCES \\(Permission denied\\)\\n)+$`));
  });

  it("reports the host kernel's answers as a native build of the same program gets them: EADDRINUSE, non-blocking connect, SO_RCVTIMEO, connected UDP, broadcast", async () => {
    // The same C program, built with gcc and run natively against the same peers, is the reference.
    const dir = mkdtempSync(join(tmpdir(), 'socklab-probe-'));
    const native = join(dir, 'real_probe');
    await exec('gcc', ['-O1', '-w', '-o', native, join(ROOT, 'tests', 'c', 'real_probe.c')]);
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = String((silent.address() as net.AddressInfo).port);
    const closed = String(await freePort());
    try {
      const policy = { allowListen: ['127.0.0.1:*'], allowConnect: ['127.0.0.1:*', '255.255.255.255:*'] };
      const probes = [
        ['listen', '127.0.0.1', port], ['nbconnect', '127.0.0.1', port], ['nbconnect', '127.0.0.1', closed], ['rcvtimeo', '127.0.0.1', port], ['connect', '127.0.0.1', closed],
        // Connected UDP: the ICMP port-unreachable comes back as ECONNREFUSED; broadcast needs SO_BROADCAST.
        ['udpconn', '127.0.0.1', closed], ['broadcast', closed],
      ];
      for (const args of probes) {
        const linux = await exec(native, args);
        expect((await probe(args, policy)).stdout, args.join(' ')).toBe(linux);
      }
      expect(await exec(native, ['nbconnect', '127.0.0.1', closed])).toBe(`connect 127.0.0.1:${closed}: EINPROGRESS (Operation now in progress)\npoll: 1 POLLOUT POLLERR\nSO_ERROR 127.0.0.1:${closed}: ECONNREFUSED (Connection refused)\n`);
    } finally {
      silent.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports at once, to a zero-timeout epoll_wait, what a loopback send just queued, as Linux does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-epoll0-'));
    try {
      const native = join(dir, 'real_epoll0');
      await exec('gcc', ['-O1', '-w', '-o', native, join(ROOT, 'tests', 'c', 'real_epoll0.c')]);
      const linux = await exec(native, [String(await freePort()), String(await freePort())]);
      expect(linux).toBe('tcp before send: 0\ntcp after send: 1\ntcp reply: 1\nudp before send: 0\nudp after send: 1\n');
      const ports = [String(await freePort()), String(await freePort())];
      const o = await run({ net: 'real', policy: { allowListen: ['127.0.0.1:*'], allowConnect: ['127.0.0.1:*'] }, timeoutMs: T, processes: [proc('real_epoll0', ports)] });
      expect(o.stdout).toBe(linux);
      expect(o.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves every client of a burst past a listener\'s backlog, as Linux does by retrying their SYNs: none is reset', async () => {
    const port = await freePort();
    const N = 120;
    const { ready, done } = runUntil({ net: 'real', policy: { allowListen: [`127.0.0.1:${port}`] }, processes: [proc('real_burst', [String(port), String(N)])] }, /listening/);
    await ready;
    const one = (i: number): Promise<string> =>
      new Promise((resolve) => {
        const c = net.connect(port, '127.0.0.1');
        let got = '';
        c.on('connect', () => c.write(`client ${i}`));
        c.on('data', (d) => (got += String(d)));
        c.on('close', () => resolve(got));
        c.on('error', (e: NodeJS.ErrnoException) => (got = e.code ?? 'error'));
      });
    const answers = await Promise.all(Array.from({ length: N }, (_, i) => one(i)));
    expect(answers).toEqual(Array.from({ length: N }, (_, i) => `client ${i}`));
    const o = await done;
    expect(o.stdout).toBe(`listening\nserved ${N}\n`);
    expect(o.status).toBe(0);
  });

  it('has no raw sockets and no AF_UNIX datagram sockets on host paths, and says why', async () => {
    const raw = await probe(['raw'], {});
    expect(raw.stdout).toBe('socket SOCK_RAW: EPERM (Operation not permitted)\n');
    expect(raw.trace).toContain('[--net=real has no SOCK_RAW: Node cannot open raw sockets (use the virtual network)]');
    const dir = mkdtempSync(join(tmpdir(), 'socklab-dgram-'));
    try {
      const d = await probe(['unixdgram', '/h/d.sock'], {}, { mounts: [{ host: dir, guest: '/h', readonly: false }] });
      expect(d.stdout).toBe('bind /h/d.sock: EOPNOTSUPP (Operation not supported)\n');
      // In the guest's own memory filesystem an AF_UNIX datagram socket works as on the virtual network.
      const mem = await probe(['unixdgram', '/tmp/d.sock'], {});
      expect(mem.stdout).toBe('bind /tmp/d.sock: ok\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('--publish: a virtual server reached by a real client', () => {
  it('carries curl\'s connection into the virtual network and back', async () => {
    let published: (port: number) => void = () => {};
    const port = new Promise<number>((r) => (published = r));
    const done = run({
      timeoutMs: T,
      publish: [{ realPort: 0, host: 'web', port: 80 }],
      network: { hosts: [{ name: 'web', ipv4: ['10.0.0.80'] }] },
      processes: [{ module: guest('examples_http_server'), name: 'http_server', host: 'web', args: ['80', '1'] }],
      onPublished: (p) => published(p),
    });
    const real = await port;
    // The guest listens at virtual time 0, before any real client can connect; retry only if it has not yet.
    const page = await exec('curl', ['-s', '-i', '--retry', '5', '--retry-connrefused', '--retry-delay', '0', `http://127.0.0.1:${real}/virtual`]);
    expect(page).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    expect(page).toContain('you asked for /virtual');
    const o = await done;
    expect(o.status).toBe(0);
    expect(o.stdout).toMatch(/GET \/virtual from 127\.0\.0\.1:\d+\n$/);
  });
});
