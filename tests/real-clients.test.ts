// Real, unmodified clients and servers (curl, python3, nc, node:net) against
// socklab guests: an HTTP/1.1 guest server behind --publish and on
// --net=real, a guest client against real servers that answer, reset, stay
// silent or refuse, and a UDP echo guest. Bytes are checked by checksum,
// every run ends by itself, and every wait is on an event (a line printed, a
// port reported), never a sleep.
import { describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guest, run, runCli, ROOT } from './helpers.js';
import { freePort, runUntil, T } from './real-helpers.js';
import { needs } from './tools.js';
import type { RunOptions, RunOutcome } from '../dist/host/api.js';

const MiB = 1 << 20;

/** The server's /bytes/N body: byte i = (i * 31 + i / 4096) & 255. */
function pattern(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + Math.floor(i / 4096)) & 255;
  return b;
}
const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');
function fnv(b: Buffer): string {
  let h = 2166136261;
  for (const c of b) h = Math.imul(h ^ c, 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}

interface Tool {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}
/** Runs a real program to its end; its exit status is returned, not thrown. */
function tool(cmd: string, args: string[], input?: string | Buffer): Promise<Tool> {
  needs(cmd);
  return new Promise((resolve) => {
    const c = execFile(cmd, args, { timeout: T, encoding: 'buffer', maxBuffer: 64 * MiB }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr: stderr.toString() }),
    );
    if (input !== undefined) c.stdin!.end(input);
  });
}
const curl = (args: string[]): Promise<Tool> => tool('curl', ['-s', '--http1.1', ...args]);

/** A published run of the server; resolves with the real port once socklab listens. */
function published(args: string[], extra: Partial<RunOptions> = {}): { port: Promise<number>; out: () => string; done: Promise<RunOutcome> } {
  let hit: (p: number) => void = () => {};
  const port = new Promise<number>((r) => (hit = r));
  let out = '';
  const done = run({
    timeoutMs: T,
    publish: [{ realPort: 0, host: 'web', port: 80 }],
    network: { hosts: [{ name: 'web', ipv4: ['10.0.0.80'] }] },
    processes: [{ module: guest('rc_http_server'), name: 'rc_http_server', host: 'web', args: ['80', ...args] }],
    onPublished: (p) => hit(p),
    onOutput: (_pid, fd, b) => {
      if (fd === 1) out += Buffer.from(b).toString();
    },
    ...extra,
  });
  return { port: Promise.race([port, done.then((o) => { throw new Error(`ended before publishing: ${o.stderr}`); })]), out: () => out, done };
}

/** Resolves once `get()` matches `re` (polled on the guest's output events, through `wait`). */
function lineSeen(get: () => string, re: RegExp, done: Promise<unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (re.test(get())) resolve();
      else setImmediate(check);
    };
    done.then(() => (re.test(get()) ? resolve() : reject(new Error(`run ended without ${re}: ${get()}`))));
    check();
  });
}

/** The same client mix against a server at 127.0.0.1:port, whoever runs it; returns how many connections it made. */
async function drive(port: number): Promise<number> {
  const url = (p: string): string => `http://127.0.0.1:${port}${p}`;
  // One request.
  const one = await curl(['-i', url('/bytes/100')]);
  expect(one.code).toBe(0);
  expect(one.stdout.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*Content-Length: 100\r\n/);
  expect(one.stdout.subarray(one.stdout.indexOf('\r\n\r\n') + 4)).toEqual(pattern(100));
  // Three URLs on one kept-alive connection: curl connects once.
  const ka = await curl(['-o', '/dev/null', '-o', '/dev/null', '-o', '/dev/null', '-w', '%{http_code} %{size_download} %{num_connects}\n', url('/bytes/1'), url('/bytes/2000'), url('/bytes/300000')]);
  expect(ka.stdout.toString()).toBe('200 1 1\n200 2000 0\n200 300000 0\n');
  // 10 MiB, byte for byte.
  const big = await curl([url(`/bytes/${10 * MiB}`)]);
  expect(big.code).toBe(0);
  expect(big.stdout.length).toBe(10 * MiB);
  expect(md5(big.stdout)).toBe(md5(pattern(10 * MiB)));
  // HEAD: the length of what GET would send, and no body.
  const head = await curl(['-I', url('/bytes/777')]);
  expect(head.stdout.toString()).toBe('HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 777\r\nConnection: keep-alive\r\n\r\n');
  // A 1 MiB POST body, checked by the server's FNV-1a.
  const body = Buffer.alloc(MiB);
  for (let i = 0; i < body.length; i++) body[i] = (i * 7919 + (i >> 13)) & 255;
  const dir = mkdtempSync(join(tmpdir(), 'rc-'));
  try {
    writeFileSync(join(dir, 'body'), body);
    const post = await curl(['--data-binary', `@${join(dir, 'body')}`, url('/post')]);
    expect(post.stdout.toString()).toBe(`got ${MiB} fnv ${fnv(body)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // curl gives up mid-transfer (28: operation timed out); the server lives on.
  const cut = await curl(['--max-time', '1', '--limit-rate', '200k', '-o', '/dev/null', url(`/bytes/${64 * MiB}`)]);
  expect(cut.code).toBe(28);
  const after = await curl(['-o', '/dev/null', '-w', '%{http_code} %{size_download}', url('/bytes/5')]);
  expect(after.stdout.toString()).toBe('200 5');
  // python3's http.client: keep-alive, a body of 0 bytes, a POST.
  const py = await tool('python3', ['-c', [
    'import http.client, hashlib, sys',
    `c = http.client.HTTPConnection("127.0.0.1", ${port}, timeout=30)`,
    'for n in (10, 100000, 0):',
    '    c.request("GET", "/bytes/%d" % n); r = c.getresponse(); b = r.read(); print(r.status, len(b), hashlib.md5(b).hexdigest())',
    'c.request("POST", "/p", body=b"x" * 5000); r = c.getresponse(); print(r.status, r.read().decode(), end="")',
  ].join('\n')]);
  expect(py.stderr).toBe('');
  expect(py.stdout.toString()).toBe(`200 10 ${md5(pattern(10))}\n200 100000 ${md5(pattern(100000))}\n200 0 ${md5(pattern(0))}\n200 got 5000 fnv ${fnv(Buffer.alloc(5000, 'x'))}\n`);
  // nc -N: two pipelined requests, then a half-close; the server answers both and closes on the EOF.
  const nc = await tool('nc', ['-N', '127.0.0.1', String(port)], 'GET /bytes/5 HTTP/1.1\r\nHost: x\r\n\r\nGET /bytes/3 HTTP/1.1\r\nHost: x\r\n\r\n');
  const h = (n: number): string => `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${n}\r\nConnection: keep-alive\r\n\r\n`;
  expect(nc.code).toBe(0);
  expect(nc.stdout).toEqual(Buffer.concat([Buffer.from(h(5)), pattern(5), Buffer.from(h(3)), pattern(3)]));
  // A client that sends half a request and resets.
  await new Promise<void>((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1', () => c.write('GET /bytes/1 HTT', () => { c.resetAndDestroy(); resolve(); }));
    c.on('error', reject);
  });
  return 10;
}

/** What the server printed for drive()'s connections. */
function expectServed(out: string): void {
  const req = (p: string, body = 0): string => `GET ${p} HTTP/1.1 body ${body}\n`;
  expect(out).toContain(`${req('/bytes/100')}connection done after 1 requests\n`);
  expect(out).toContain(`${req('/bytes/1')}${req('/bytes/2000')}${req('/bytes/300000')}connection done after 3 requests\n`);
  expect(out).toContain(`HEAD /bytes/777 HTTP/1.1 body 0\nconnection done after 1 requests\n`);
  expect(out).toContain(`POST /post HTTP/1.1 body ${MiB}\nconnection done after 1 requests\n`);
  // Where the reset meets the server depends on how far it got: Linux says ECONNRESET (or EPIPE past it) either way.
  expect(out).toMatch(new RegExp(`${req(`/bytes/${64 * MiB}`)}(send|recv): (Connection reset by peer|Broken pipe)\nconnection done after 1 requests\n`));
  expect(out).toContain(`${req('/bytes/10')}${req('/bytes/100000')}${req('/bytes/0')}POST /p HTTP/1.1 body 5000\nconnection done after 4 requests\n`);
  expect(out).toContain(`${req('/bytes/5')}${req('/bytes/3')}connection done after 2 requests\n`);
  // The reset follows a short read, which libuv reports as EOF: socklab must still pass on the reset.
  expect(out).toMatch(/recv: Connection reset by peer\nconnection done after 0 requests\n$/);
}

describe('real clients against a guest HTTP/1.1 server', () => {
  it('--publish: curl (one request, keep-alive, 10 MiB, HEAD, 1 MiB POST, --max-time), python3 http.client and nc -N', async () => {
    const p = published(['10']);
    const port = await p.port;
    expect(await drive(port)).toBe(10);
    const o = await p.done;
    expect(o.status).toBe(0);
    expectServed(o.stdout);
  });

  it('--publish: a client that stops reading blocks the guest\'s send (its SO_SNDTIMEO expires) instead of filling memory', async () => {
    const p = published(['1', '0.0.0.0', '500']);
    const port = await p.port;
    const c = net.connect(port, '127.0.0.1', () => c.write(`GET /bytes/${256 * MiB} HTTP/1.1\r\n\r\n`));
    c.pause();
    try {
      await lineSeen(p.out, /send: Resource temporarily unavailable\n/, p.done);
    } finally {
      c.destroy();
    }
    const o = await p.done;
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(`listening on 80\nGET /bytes/${256 * MiB} HTTP/1.1 body 0\nsend: Resource temporarily unavailable\nconnection done after 1 requests\n`);
  });

  it('--publish: 120 real clients, 15 at a time, past the guest\'s backlog of 8, are all served (none reset)', async () => {
    // A socklab process of its own, so that it waits idle, its virtual clock free to jump, while the clients connect.
    const N = 120;
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'socklab.js'), 'run', guest('rc_http_server'), '--publish', '0:host1:80', '--timeout', '60', '--', '80', String(N)], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      const port = await new Promise<number>((resolve, reject) => {
        child.stderr.on('data', (d) => {
          err += d;
          const m = err.match(/on 127\.0\.0\.1:(\d+)/);
          if (m) resolve(Number(m[1]));
        });
        exited.then(() => reject(new Error(`exited early: ${err}`)));
      });
      // Rounds of 15 clients at once, each sending two pipelined requests and its EOF as soon as it is
      // connected: the guest serves them one by one, and those past its backlog wait (Linux: SYNs sent
      // again) instead of being given up while the guest's virtual clock jumps ahead.
      const ask = (i: number): Promise<string> => new Promise((resolve, reject) => {
        const c = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => c.end(`GET /bytes/${i} HTTP/1.1\r\n\r\nGET /bytes/1 HTTP/1.1\r\n\r\n`));
        let b = '';
        c.on('data', (d) => (b += d.toString('latin1')));
        c.on('end', () => resolve(b));
        c.on('error', (e) => reject(new Error(`client ${i}: ${e.message}`)));
      });
      const reply = (n: number): string => `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${n}\r\nConnection: keep-alive\r\n\r\n${pattern(n).toString('latin1')}`;
      for (let round = 0; round < N / 15; round++) {
        const replies = await Promise.all(Array.from({ length: 15 }, (_, i) => ask(round * 15 + i)));
        replies.forEach((r, i) => expect(r).toBe(reply(round * 15 + i) + reply(1)));
      }
      expect(await exited).toBe(0);
      expect(out.match(/connection done after 2 requests\n/g)).toHaveLength(N);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('--net=real: the same clients on a real port', async () => {
    const { ready, done } = runUntil({ net: 'real', policy: { allowListen: ['127.0.0.1:*'] }, processes: [{ module: guest('rc_http_server'), name: 'rc_http_server', args: ['0', '10', '127.0.0.1'] }] }, /listening on (\d+)\n/);
    const port = Number((await ready)[1]);
    expect(await drive(port)).toBe(10);
    const o = await done;
    expect(o.status).toBe(0);
    expectServed(o.stdout);
  });
});

/** A Node TCP server on 127.0.0.1:0 for the test's life; `each` handles every connection. */
async function nodeServer(each: (c: net.Socket) => void): Promise<{ port: number; close: () => void }> {
  const conns = new Set<net.Socket>();
  const srv = net.createServer((c) => {
    conns.add(c);
    c.on('close', () => conns.delete(c));
    c.on('error', () => {});
    each(c);
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return { port: (srv.address() as net.AddressInfo).port, close: () => { for (const c of conns) c.destroy(); srv.close(); } };
}

const client = (port: number, args: string[] = []): Promise<RunOutcome> =>
  run({ net: 'real', policy: { allowConnect: [`127.0.0.1:${port}`] }, timeoutMs: T, processes: [{ module: guest('rc_http_client'), name: 'rc_http_client', args: ['127.0.0.1', String(port), '/f.bin', ...args] }] });
const EMPTY = '811c9dc5';

describe('a guest HTTP client on --net=real against real servers', () => {
  it('fetches a 3 MB file from python3 -m http.server, byte for byte', async () => {
    needs('python3');
    const dir = mkdtempSync(join(tmpdir(), 'rc-www-'));
    const file = pattern(3_000_000).reverse();
    writeFileSync(join(dir, 'f.bin'), file);
    const py = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let said = '';
      const port = await new Promise<number>((resolve, reject) => {
        py.stdout.on('data', (d) => {
          said += d;
          const m = said.match(/port (\d+)/);
          if (m) resolve(Number(m[1]));
        });
        py.once('exit', (code) => reject(new Error(`python3 -m http.server exited (${code})`)));
      });
      const o = await client(port);
      expect(o.stdout).toMatch(new RegExp(`^connected\nreceived \\d+ bytes fnv [0-9a-f]{8}, body 3000000 bytes fnv ${fnv(file)}\n$`));
      expect(o.status).toBe(0);
    } finally {
      py.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sees a server that resets mid-response (SO_LINGER 0) as ECONNRESET, every time', async () => {
    const head = 'HTTP/1.0 200 OK\r\nContent-Length: 4000000\r\n\r\n';
    // The RST follows a short read: libuv reports that as EOF (POLLHUP), which socklab must not believe.
    const srv = await nodeServer((c) => c.once('data', () => { c.write(head); c.write(Buffer.alloc(MiB, 'z'), () => c.resetAndDestroy()); }));
    try {
      for (let i = 0; i < 3; i++) {
        const o = await client(srv.port);
        const m = o.stdout.match(/^connected\nrecv: Connection reset by peer\nreceived (\d+) bytes fnv [0-9a-f]{8}, body (\d+) bytes/);
        expect(m, o.stdout).not.toBeNull();
        expect(Number(m![2])).toBeLessThanOrEqual(MiB);
        expect(o.status).toBe(1);
      }
    } finally {
      srv.close();
    }
  });

  it('times out on a server that never answers (SO_RCVTIMEO, poll), is refused by a closed port, and --timeout ends a client that would wait forever', async () => {
    const srv = await nodeServer(() => {});
    const closed = await freePort();
    try {
      const none = `received 0 bytes fnv ${EMPTY}, body 0 bytes fnv ${EMPTY}\n`;
      const r = await client(srv.port, ['rcvtimeo', '300']);
      expect(r.stdout).toBe(`connected\nrecv: Resource temporarily unavailable\n${none}`);
      expect(r.status).toBe(1);
      const p = await client(srv.port, ['poll', '300']);
      expect(p.stdout).toBe(`connected\npoll: timed out\n${none}`);
      expect(p.status).toBe(3);
      // The CLI, with the trace: the calls decoded and the errors named.
      const cli = (port: number, extra: string[], args: string[]) => runCli(['run', guest('rc_http_client'), '--net=real', '--allow-connect', `127.0.0.1:${port}`, '--trace', ...extra, '--', '127.0.0.1', String(port), '/f.bin', ...args]);
      const t = await cli(srv.port, [], ['rcvtimeo', '300']);
      expect(t.status).toBe(1);
      expect(t.stderr).toMatch(/setsockopt\(3<TCP:\[\d+\]>, SOL_SOCKET, SO_RCVTIMEO, \{tv_sec=0, tv_usec=300000\}, 16\) = 0/);
      expect(t.stderr).toMatch(/recvfrom\(3<TCP:\[127\.0\.0\.1:\d+->127\.0\.0\.1:\d+\]>, 0x[0-9a-f]+, 65536, 0, NULL, NULL\) = -1 EAGAIN \(Resource temporarily unavailable\)/);
      const refused = await cli(closed, [], []);
      expect(refused.stdout).toBe('connect: Connection refused\n');
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(new RegExp(`connect\\(3<TCP:\\[\\d+\\]>, \\{sa_family=AF_INET, sin_port=htons\\(${closed}\\), sin_addr=inet_addr\\("127\\.0\\.0\\.1"\\)\\}, 16\\) = -1 ECONNREFUSED \\(Connection refused\\)`));
      // --timeout counts the CLI's loading too: 1 s was not always enough, on a loaded 2-core machine, for the guest
      // to be loaded and reach its recvfrom, and the run was then stopped before the wait the trace must show.
      const forever = await cli(srv.port, ['--timeout', '5'], []);
      expect(forever.status).toBe(124);
      expect(forever.stdout).toBe('connected\n');
      expect(forever.stderr).toMatch(/sendto\(3<TCP:\[127\.0\.0\.1:\d+->127\.0\.0\.1:\d+\]>, "GET \/f\.bin HTTP\/1\.1\\r\\nHost: 127\.0"\.\.\., 59, MSG_NOSIGNAL, NULL, 0\) = 59/);
      expect(forever.stderr).toContain('socklab: time limit exceeded: the run took longer than 5 s of wall-clock time\n');
      // The guest waited: the worker killed it itself, so the trace ends as strace's does (the call it was in, then the kill).
      expect(forever.stderr).toMatch(/\[pid 1\] \S+ recvfrom\(3<TCP:\[127\.0\.0\.1:\d+->127\.0\.0\.1:\d+\]>,  <unfinished \.\.\.>\) = \?\n\[pid 1\] \S+ \+\+\+ killed by SIGKILL \+\+\+\n/);
    } finally {
      srv.close();
    }
  });
});

describe('a UDP guest echo server on --net=real', () => {
  it('answers python3 and nc -u, datagram for datagram', async () => {
    // A reply goes to the sender's address: --allow-connect must allow it, as any sendto.
    const { ready, done } = runUntil({ net: 'real', policy: { allowListen: ['127.0.0.1:*'], allowConnect: ['127.0.0.1:*'] }, processes: [{ module: guest('rc_udp_echo'), name: 'rc_udp_echo', args: ['0'] }] }, /listening on (\d+)\n/);
    const port = (await ready)[1]!;
    const py = await tool('python3', ['-c', [
      'import socket',
      's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(30)',
      `a = ("127.0.0.1", ${port})`,
      'for m in (b"hello", b"x" * 1400, b"", b"y" * 60000):',
      '    s.sendto(m, a); r, src = s.recvfrom(65536); print(len(r), r[:5].decode(), src == a)',
    ].join('\n')]);
    expect(py.stderr).toBe('');
    expect(py.stdout.toString()).toBe('5 HELLO True\n1400 XXXXX True\n0  True\n60000 YYYYY True\n');
    // nc -u: one datagram per line read; -w 1 ends it one second after its input ends.
    const nc = await tool('nc', ['-u', '-w', '1', '127.0.0.1', port], 'from nc\n');
    expect(nc.stdout.toString()).toBe('FROM NC\n');
    await tool('python3', ['-c', `import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"quit", ("127.0.0.1", ${port}))`]);
    const o = await done;
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(`listening on ${port}\n5 bytes from 127.0.0.1\n1400 bytes from 127.0.0.1\n0 bytes from 127.0.0.1\n60000 bytes from 127.0.0.1\n8 bytes from 127.0.0.1\n4 bytes from 127.0.0.1\n`);
  });
});
