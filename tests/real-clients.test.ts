// Real, unmodified clients and servers (curl, python3, nc, node:net) against
// socklab guests: an HTTP/1.1 guest server behind --publish and on
// --net=real, a guest client against real servers that answer, reset, stay
// silent or refuse, and a UDP echo guest. Bytes are checked by checksum,
// every run ends by itself, and every wait is on an event (a line printed, a
// port reported), never a sleep.
import { describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guest, run, ROOT } from './helpers.js';
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
  expect(out).toMatch(/(eof inside a request head|recv: Connection reset by peer)\nconnection done after 0 requests\n$/);
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

  it('--net=real: the same clients on a real port', async () => {
    const { ready, done } = runUntil({ net: 'real', policy: { allowListen: ['127.0.0.1:*'] }, processes: [{ module: guest('rc_http_server'), name: 'rc_http_server', args: ['0', '10', '127.0.0.1'] }] }, /listening on (\d+)\n/);
    const port = Number((await ready)[1]);
    expect(await drive(port)).toBe(10);
    const o = await done;
    expect(o.status).toBe(0);
    expectServed(o.stdout);
  });
});
