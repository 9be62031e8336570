// Real clients under load and at the edges, against guest servers on
// --net=real and behind --publish, compared with the same servers built
// natively with gcc: ab with and without keep-alive, a client that sends to
// a server that does not read (its sends must stall about where Linux
// stalls them), UDP floods at a reader that has fallen behind (as many
// datagrams kept as Linux keeps), 1000 connections in sequence, resets and
// half-closes. Every wait is on an event (a line printed, a connection, a
// process's end); the one timeout is the stall detector's: a send that
// makes no progress for STALL_MS is taken as blocked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guest, run, ROOT } from './helpers.js';
import { runUntil, T } from './real-helpers.js';
import { needs } from './tools.js';
import type { RunOutcome } from '../dist/host/api.js';
import { watcher } from './watcher.js';

const MiB = 1 << 20;
const STALL_MS = 700;

let dir = '';
const native: Record<string, string> = {};
beforeAll(() => {
  needs('gcc');
  dir = mkdtempSync(join(tmpdir(), 'rc2-'));
  for (const n of ['rc2_tcp', 'rc2_udp', 'rc2_keepalive']) {
    native[n] = join(dir, n);
    execFileSync('gcc', ['-O1', '-o', native[n], join(ROOT, 'tests', 'c', `${n}.c`)]);
  }
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A server, native or a guest: `port` once it printed its listening line, `line(re)` for a later one, `done` at its end. */
interface Server {
  port: number;
  /** The port named after "go" on the listening line (rc2_udp's go signal), else port. */
  go: number;
  line(re: RegExp): Promise<RegExpMatchArray>;
  done: Promise<unknown>;
  stop(): void;
}


async function nativeServer(name: string, args: string[]): Promise<Server> {
  const w = watcher();
  const c: ChildProcess = spawn(native[name]!, ['0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  c.stdout!.on('data', (b: Buffer) => w.feed(b.toString()));
  c.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const done = once(c, 'exit').then(() => w.end(err));
  const m = await w.line(/listening on 127\.0\.0\.1:(\d+)(?: go (\d+))?\n/);
  return { port: Number(m[1]), go: Number(m[2] ?? m[1]), line: (re) => w.line(re), done, stop: () => c.kill() };
}

async function guestServer(name: string, args: string[], udp = false): Promise<Server> {
  const w = watcher();
  const ac = new AbortController();
  const done: Promise<RunOutcome> = run({
    timeoutMs: T,
    net: 'real',
    policy: { allowListen: ['127.0.0.1:*'], ...(udp ? { allowConnect: ['127.0.0.1:*'] } : {}) },
    processes: [{ module: guest(name), name, args: ['0', ...args] }],
    stop: ac.signal,
    onOutput: (_pid, fd, b) => {
      if (fd === 1) w.feed(Buffer.from(b).toString());
    },
  });
  void done.then((o) => w.end(o.stderr), (e: Error) => w.end(e.message));
  const m = await w.line(/listening on 127\.0\.0\.1:(\d+)(?: go (\d+))?\n/);
  return { port: Number(m[1]), go: Number(m[2] ?? m[1]), line: (re) => w.line(re), done, stop: () => ac.abort() };
}

/** A guest on the virtual network (host web, port 80), published on a free real loopback port. */
async function publishedServer(name: string, args: string[]): Promise<Server> {
  const w = watcher();
  const ac = new AbortController();
  let hit: (p: number) => void = () => {};
  const real = new Promise<number>((r) => (hit = r));
  const done: Promise<RunOutcome> = run({
    timeoutMs: T,
    publish: [{ realPort: 0, host: 'web', port: 80 }],
    network: { hosts: [{ name: 'web', ipv4: ['10.0.0.80'] }] },
    processes: [{ module: guest(name), name, host: 'web', args: ['80', ...args] }],
    onPublished: (p) => hit(p),
    stop: ac.signal,
    onOutput: (_pid, fd, b) => {
      if (fd === 1) w.feed(Buffer.from(b).toString());
    },
  });
  void done.then((o) => w.end(o.stderr), (e: Error) => w.end(e.message));
  await w.line(/listening on 127\.0\.0\.1:80\n/);
  const port = await real;
  return { port, go: port, line: (re) => w.line(re), done, stop: () => ac.abort() };
}

/** Runs a real program to its end: its stdout and exit status. */
function tool(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  needs(cmd);
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: T, maxBuffer: 16 * MiB }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, out: stdout + stderr }));
  });
}

/**
 * Sends to a server that does not read until the sends stall (no write
 * completes for STALL_MS): how many bytes the host's kernel took by then.
 * Then signals the server (a second connection) and ends; the server says
 * how many it read.
 */
async function stallPoint(s: Server): Promise<{ stalled: number; sent: number; read: number }> {
  const c = net.connect(s.port, '127.0.0.1');
  await once(c, 'connect');
  await s.line(/accepted\n/);
  const chunk = Buffer.alloc(64 << 10, 'i');
  let sent = 0;
  let stalled = -1;
  while (stalled < 0) {
    sent += chunk.length;
    if (c.write(chunk)) continue;
    const moved = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), STALL_MS);
      c.once('drain', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    if (!moved) stalled = sent - c.writableLength;
  }
  const go = net.connect(s.port, '127.0.0.1');
  await once(go, 'connect');
  go.end();
  c.end();
  const read = Number((await s.line(/idle read (\d+) bytes end=EOF\n/))[1]);
  await once(c, 'close').catch(() => {});
  return { stalled, sent, read };
}

describe('a server that does not read (the receive window)', () => {
  it('--net=real: the real client stalls where it stalls against the native server, and every byte arrives', async () => {
    const n = await nativeServer('rc2_tcp', ['idle', '1']);
    const lin = await stallPoint(n);
    await n.done;
    const g = await guestServer('rc2_tcp', ['idle', '1']);
    const sock = await stallPoint(g);
    await g.done;
    expect(lin.read).toBe(lin.sent);
    expect(sock.read).toBe(sock.sent);
    // Linux holds tcp_rmem's default for a reader that never read (it autotunes only as the application reads);
    // socklab used to read 4 MiB ahead of the guest into its own buffer.
    expect(Math.abs(sock.stalled - lin.stalled)).toBeLessThan(1.5 * MiB);
  }, T);

  it('--publish: the real client stalls where it stalls against the native server, and every byte arrives', async () => {
    const n = await nativeServer('rc2_tcp', ['idle', '1']);
    const lin = await stallPoint(n);
    await n.done;
    const g = await publishedServer('rc2_tcp', ['idle', '1']);
    const pub = await stallPoint(g);
    g.stop();
    await g.done;
    expect(pub.read).toBe(pub.sent);
    expect(Math.abs(pub.stalled - lin.stalled)).toBeLessThan(1.5 * MiB);
  }, T);
});

/** A guest (or native) server floods a client that reads only once the server's sends would block: where they blocked. */
async function floodPoint(s: Server, total: number): Promise<{ blocked: number; read: number }> {
  const c = net.connect(s.port, '127.0.0.1');
  await once(c, 'connect');
  c.pause();
  const blocked = Number((await s.line(/flood blocked after (\d+)\n/))[1]);
  let read = 0;
  c.on('data', (b: Buffer) => (read += b.length));
  c.resume();
  await once(c, 'end');
  c.end();
  expect((await s.line(/flood sent (\d+) end=(\w+)\n/)).slice(1)).toEqual([String(total), 'ok']);
  return { blocked, read };
}

describe('a client that does not read (the send window)', () => {
  it('--net=real: the guest\'s send blocks where the native server\'s does, and every byte arrives', async () => {
    const total = 16 * MiB;
    const n = await nativeServer('rc2_tcp', ['flood', String(total), '1']);
    const lin = await floodPoint(n, total);
    await n.done;
    const g = await guestServer('rc2_tcp', ['flood', String(total), '1']);
    const sock = await floodPoint(g, total);
    await g.done;
    expect([lin.read, sock.read]).toEqual([total, total]);
    // Node's own queue comes on top of the host socket's send buffer: it used to hold 1 MiB more.
    expect(Math.abs(sock.blocked - lin.blocked)).toBeLessThan(MiB / 2);
  }, T);
});

describe('ab against the keep-alive HTTP server', () => {
  for (const [label, extra] of [['one request per connection', []], ['keep-alive (-k)', ['-k']]] as const) {
    it(`--net=real and --publish: ab -n 2000 -c 50, ${label}: every request served, as natively`, async () => {
      for (const mk of [() => nativeServer('rc2_keepalive', []), () => guestServer('rc2_keepalive', []), () => publishedServer('rc2_keepalive', [])]) {
        const s = await mk();
        const ab = await tool('ab', [...extra, '-q', '-n', '2000', '-c', '50', `http://127.0.0.1:${s.port}/x`]);
        s.stop();
        expect(ab.code).toBe(0);
        expect(ab.out).toMatch(/Complete requests:\s+2000\n/);
        expect(ab.out).toMatch(/Failed requests:\s+0\n/);
        if (extra.length) expect(ab.out).toMatch(/Keep-Alive requests:\s+2000\n/);
        await s.done.catch(() => {});
      }
    }, T);
  }
});

/** Floods a slow UDP reader with `count` datagrams of `size` bytes; the server's "queued N datagrams, B bytes". */
async function flood(s: Server, count: number, size: number): Promise<string> {
  const u = dgram.createSocket('udp4');
  await new Promise<void>((r) => u.bind(0, '127.0.0.1', () => r()));
  const send = (b: Buffer): Promise<void> => new Promise((r, j) => u.send(b, s.port, '127.0.0.1', (e) => (e ? j(e) : r())));
  await send(Buffer.from('F'));
  await s.line(/first 1\n/);
  const d = Buffer.alloc(size, 'u');
  for (let i = 0; i < count; i++) await send(d);
  const go = net.connect(s.go, '127.0.0.1');
  await once(go, 'connect');
  go.end();
  const m = await s.line(/queued \d+ datagrams, \d+ bytes\n/);
  u.close();
  return m[0];
}

describe('UDP: a flood at a reader that has fallen behind', () => {
  for (const [count, size] of [[10000, 1], [300, 65507]] as const) {
    it(`--net=real: ${count} datagrams of ${size} bytes: as many kept as Linux keeps`, async () => {
      const n = await nativeServer('rc2_udp', ['slow']);
      const lin = await flood(n, count, size);
      const g = await guestServer('rc2_udp', ['slow'], true);
      const sock = await flood(g, count, size);
      expect(sock).toBe(lin);
      await Promise.all([n.done, g.done]);
    }, T);
  }
});

describe('TCP edges', () => {
  it('--net=real and --publish: 1000 connections in sequence, a silent client, a reset mid-request, half-closes both ways: as natively', async () => {
    const script = [
      'import socket, struct, sys',
      'port = int(sys.argv[1]); ok = 0',
      'for i in range(1000):',
      '    s = socket.create_connection(("127.0.0.1", port)); s.sendall(b"ping %d" % i); s.shutdown(socket.SHUT_WR)',
      '    d = b""',
      '    while True:',
      '        k = s.recv(100)',
      '        if not k: break',
      '        d += k',
      '    ok += d == b"ping %d" % i; s.close()',
      'print("echoed", ok)',
      's = socket.create_connection(("127.0.0.1", port)); s.close()',
      's = socket.create_connection(("127.0.0.1", port)); s.sendall(b"GET / HTT")',
      's.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); s.close()',
    ].join('\n');
    const seen: string[] = [];
    for (const mk of [() => nativeServer('rc2_tcp', ['echo', '1002']), () => guestServer('rc2_tcp', ['echo', '1002']), () => publishedServer('rc2_tcp', ['echo', '1002'])]) {
      const s = await mk();
      const py = await tool('python3', ['-c', script, String(s.port)]);
      expect(py.out).toBe('echoed 1000\n');
      const last = await s.line(/echo {2}0 bytes end=EOF\n(?:.*\n)?echo {2}9 bytes end=(\w+)\n/);
      seen.push(last[1]!);
      await s.done;
    }
    expect(seen).toEqual(['ECONNRESET', 'ECONNRESET', 'ECONNRESET']);
  }, T);

  it('--net=real and --publish: nc -N half-closes, the server half-closes first: both ways as natively', async () => {
    const outs: string[] = [];
    for (const mk of [() => nativeServer('rc2_tcp', ['hup', '1']), () => guestServer('rc2_tcp', ['hup', '1']), () => publishedServer('rc2_tcp', ['hup', '1'])]) {
      const s = await mk();
      const nc = await new Promise<string>((resolve) => {
        needs('nc');
        const c = execFile('nc', ['-N', '127.0.0.1', String(s.port)], { timeout: T }, (_e, out) => resolve(out));
        c.stdin!.end('x'.repeat(100000));
      });
      const m = await s.line(/hup read (\d+) bytes end=(\w+)\n/);
      outs.push(`${nc}|${m[1]} ${m[2]}`);
      await s.done;
    }
    expect(outs).toEqual(['hello\n|100000 EOF', 'hello\n|100000 EOF', 'hello\n|100000 EOF']);
  }, T);
});
