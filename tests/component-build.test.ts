// `socklab build --target=component`: unmodified C to a WASI 0.2 command
// component (guest/c/component: the socket calls over wasi:sockets; the
// preview1 command adapter for the rest). The components are checked as
// components (their WIT world), and run on another WASI 0.2 runtime, jco's
// preview2-shim, against a TCP echo server in this process on loopback.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { createSocket } from 'node:dgram';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { componentWit } from '@bytecodealliance/jco-transpile/wasm-tools';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { compileC } from '../dist/host/toolchain/clang.js';
import { ROOT, run, runCli } from './helpers.js';
import { needs } from './tools.js';

const T = 240_000;
let tmp: string;
const built: Record<string, string> = {};

async function build(name: string, src: string): Promise<string> {
  const out = join(tmp, `${name}.component.wasm`);
  await compileC({ sources: [src], out, target: 'component', stderr: () => {} });
  built[name] = out;
  return out;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'socklab-cbuild-'));
  await build('talk', join(ROOT, 'tests', 'component-build', 'tcp_talk.c'));
  await build('echo_client', join(ROOT, 'examples', 'tcp-echo', 'echo_client.c'));
  await build('echo_server', join(ROOT, 'examples', 'tcp-echo', 'echo_server.c'));
  await build('errors', join(ROOT, 'tests', 'component-build', 'tcp_errors.c'));
  await compileC({ sources: [join(ROOT, 'tests', 'component-build', 'tcp_errors.c')], out: join(tmp, 'errors.wasm'), stderr: () => {} });
  await build('udp_errors', join(ROOT, 'tests', 'component-build', 'udp_errors.c'));
  await compileC({ sources: [join(ROOT, 'tests', 'component-build', 'udp_errors.c')], out: join(tmp, 'udp_errors.wasm'), stderr: () => {} });
  for (const [name, src] of [['mmsg', join(ROOT, 'tests', 'component-build', 'mmsg.c')], ['udp_echo', join(ROOT, 'examples', 'udp', 'udp_echo.c')], ['udp_client', join(ROOT, 'tests', 'component-build', 'udp_client.c')]] as const) {
    await build(name, src);
    await compileC({ sources: [src], out: join(tmp, `${name}.wasm`), stderr: () => {} });
  }
}, T);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The interfaces socklab's component host implements (docs/components.md, "The mapping"). */
const HOSTED = /^wasi:(cli\/(environment|exit|stdin|stdout|stderr|terminal-(input|output|stdin|stdout|stderr)|run)|io\/(poll|streams|error)|clocks\/(monotonic-clock|wall-clock)|random\/(random|insecure|insecure-seed)|filesystem\/(types|preopens)|sockets\/(network|instance-network|tcp|tcp-create-socket|udp|udp-create-socket|ip-name-lookup))@0\.2\.12$/;

describe('socklab build --target=component', () => {
  it('makes a WASI 0.2 command component whose socket calls are wasi:sockets imports', async () => {
    const bytes = readFileSync(built.echo_server!);
    // The component layer in the header (a core module has version 1, layer 0).
    expect([...bytes.subarray(4, 8)]).toEqual([0x0d, 0x00, 0x01, 0x00]);
    const wit = await componentWit(bytes);
    const imports = [...wit.matchAll(/^\s*import (\S+);/gm)].map((m) => m[1]!);
    const exports = [...wit.matchAll(/^\s*export (\S+);/gm)].map((m) => m[1]!);
    expect(exports).toEqual(['wasi:cli/run@0.2.12']);
    for (const i of ['wasi:sockets/tcp@0.2.12', 'wasi:sockets/tcp-create-socket@0.2.12', 'wasi:sockets/instance-network@0.2.12', 'wasi:sockets/ip-name-lookup@0.2.12', 'wasi:io/poll@0.2.12']) expect(imports).toContain(i);
    // Nothing socklab's host lacks (and nothing of socklab's own preview1 ABI).
    expect(imports.filter((i) => !HOSTED.test(i))).toEqual([]);
    // UDP: the SDK's datagram calls are wasi:sockets/udp imports too.
    const udp = [...(await componentWit(readFileSync(built.udp_echo!))).matchAll(/^\s*import (\S+);/gm)].map((m) => m[1]!);
    for (const i of ['wasi:sockets/udp@0.2.12', 'wasi:sockets/udp-create-socket@0.2.12']) expect(udp).toContain(i);
    expect(udp.filter((i) => !HOSTED.test(i))).toEqual([]);
  }, T);

  it('the CLI builds one, names the output .component.wasm by default, and refuses --no-sdk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-cbuild-cli-'));
    try {
      const src = join(dir, 'hello.c');
      writeFileSync(src, '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n');
      const ok = await runCli(['build', '--target=component', src]);
      expect(ok.stderr).toBe('');
      expect(ok.status).toBe(0);
      const out = readFileSync(join(dir, 'hello.component.wasm'));
      expect([...out.subarray(4, 8)]).toEqual([0x0d, 0x00, 0x01, 0x00]);
      const bad = await runCli(['build', '--target=component', '--no-sdk', src, '-o', join(dir, 'x.wasm')]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/--target=component needs the SDK/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, T);
});

type Outcome = { status: number | null; stdout: string; stderr: string };

/** Transpiles a component for preview2-shim and runs it in a child node with ARGS. */
async function runOnShim(file: string, args: string[]): Promise<Outcome> {
  return (await startOnShim(file, args)).done;
}

/** Runs a process and resolves `ready` with the first match of RE in its stdout. */
function watch(p: ReturnType<typeof spawn>, re: RegExp, cleanup = (): void => {}): { ready: Promise<RegExpMatchArray>; done: Promise<Outcome> } {
  let stdout = '';
  let stderr = '';
  let found: (m: RegExpMatchArray) => void = () => {};
  const ready = new Promise<RegExpMatchArray>((r) => (found = r));
  p.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    const m = stdout.match(re);
    if (m) found(m);
  });
  p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Outcome>((resolve, reject) => {
    p.on('error', reject);
    p.on('close', (status) => {
      cleanup();
      resolve({ status, stdout, stderr });
    });
  });
  return { ready, done };
}

/** Transpiles a component for preview2-shim and starts it in a child node with ARGS. */
async function startOnShim(file: string, args: string[], re = /$^/): Promise<{ ready: Promise<RegExpMatchArray>; done: Promise<Outcome> }> {
  // Inside the package (.cache/ is git-ignored), so the glue finds @bytecodealliance/preview2-shim.
  const dir = join(ROOT, '.cache', 'test-component-build', `${process.pid}-${args[0]}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const out = await transpileBytes(readFileSync(file), { name: 'c', wasiShim: true, base64Cutoff: 0x7fffffff, emitTypescriptDeclarations: false });
  for (const [f, d] of Object.entries(out.files)) writeFileSync(join(dir, f), d);
  const p = spawn(process.execPath, [join(ROOT, 'tests', 'component-build', 'p2run.mjs'), join(dir, 'c.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return watch(p, re, () => rmSync(dir, { recursive: true, force: true }));
}

describe('a built component on another WASI 0.2 runtime (jco preview2-shim, real loopback)', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((c) => c.pipe(c));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('socket, connect, send/write, poll, recv/read, O_NONBLOCK, close, and the errnos of wrong steps', async () => {
    // The port after the server's is closed unless another process took it in between: then only that line differs.
    const r = await runOnShim(built.talk!, ['talk', String(port)]);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 15)).toEqual([
      'socket is 3 or more: 1',
      'connect: 0',
      'connect again: -1 Transport endpoint is already connected',
      'send: 4',
      'write: 4',
      'echo: abc',
      'def',
      'getpeername: 0',
      'peer port matches: 1',
      'nonblocking recv: -1 Resource temporarily unavailable',
      'close: 0',
      'send after close: -1 Bad file descriptor',
      // A component has no AF_UNIX or raw sockets (docs/components.md).
      'unix socket: -1 Address family not supported by protocol',
      'raw socket: -1 Protocol not supported',
      expect.stringMatching(/^connect refused: (-1 Connection refused|0)$/),
    ]);
    expect(r.status).toBe(0);
  }, T);
});

/** A loopback port P with P and P + 1 both free now (tcp_errors expects nobody on P + 1). */
async function freePair(): Promise<number> {
  for (;;) {
    const a = createServer();
    await new Promise<void>((r) => a.listen(0, '127.0.0.1', r));
    const p = (a.address() as { port: number }).port;
    const b = createServer();
    const ok = await new Promise<boolean>((r) => {
      b.once('error', () => r(false));
      b.listen(p + 1, '127.0.0.1', () => r(true));
    });
    await new Promise<void>((r) => a.close(() => r()));
    if (ok) await new Promise<void>((r) => b.close(() => r()));
    if (ok && p < 65535) return p;
  }
}

/** A loopback UDP port P with P and P + 1 free now (udp_errors binds both). */
async function freeUdpPair(): Promise<number> {
  for (;;) {
    const a = createSocket('udp4');
    await new Promise<void>((r) => a.bind(0, '127.0.0.1', r));
    const p = a.address().port;
    const b = createSocket('udp4');
    const ok = p < 65534 && (await new Promise<boolean>((r) => {
      b.once('error', () => r(false));
      b.bind(p + 1, '127.0.0.1', () => r(true));
    }));
    await new Promise<void>((r) => a.close(() => r()));
    if (ok) await new Promise<void>((r) => b.close(() => r()));
    if (ok) return p;
  }
}

describe('the error paths built both ways', () => {
  it('tcp_errors prints the same as the default build on socklab (which matches Linux): address in use, refused, EISCONN, EPIPE, EBADF, ENOTSOCK, MSG_PEEK, MSG_WAITALL', async () => {
    const p1 = await run({ processes: [{ module: join(tmp, 'errors.wasm'), name: 'errors', args: ['7000'] }], timeoutMs: 60_000 });
    expect(p1.status).toBe(0);
    const expected = p1.processes[0]!.stdout;
    expect(expected).toMatch(/bind address in use: -1 Address already in use\n/);
    expect(expected).toMatch(/connect refused: -1 Connection refused\n/);
    expect(expected).toMatch(/\nrecv MSG_PEEK: 4\npeeked ping\nrecv 3: 3\nrecv MSG_PEEK\|MSG_DONTWAIT: 1\n/);
    expect(expected).toMatch(/\nrecv 5 MSG_WAITALL: 5\ngot gabcd\nrecv MSG_OOB: -1 Invalid argument\n/);
    const port = await freePair();
    const c = await runOnShim(built.errors!, ['errors', String(port)]);
    expect(c.stderr).toBe('');
    expect(c.stdout).toBe(expected);
    expect(c.status).toBe(0);
  }, T);

  it('udp_errors prints the same as the default build on socklab (which matches Linux): datagrams with their source, connect and AF_UNSPEC, MSG_PEEK and truncation, EDESTADDRREQ, EMSGSIZE, autobind, options, shutdown', async () => {
    const p1 = await run({ processes: [{ module: join(tmp, 'udp_errors.wasm'), name: 'udp_errors', args: ['7000'] }], timeoutMs: 60_000 });
    expect(p1.status).toBe(0);
    const expected = p1.processes[0]!.stdout;
    expect(expected).toMatch(/\nsend unconnected: -1 Destination address required\n/);
    expect(expected).toMatch(/\nsendto 65508 bytes: -1 Message too long\n/);
    expect(expected).toMatch(/\nrecv refused: -1 Connection refused\n/);
    // preview2-shim never reports a datagram stream's error while no datagram is queued (its receive checks the queue first), so the ICMP lines are left out there.
    const icmp = /^connect to nobody: 0\nsend to nobody: 1\npoll: 1\nrecv refused: -1 Connection refused\n/m;
    expect(expected).toMatch(icmp);
    // On socklab's component host all of it, ICMP included: the datagram stream's pollable wakes for the
    // pending error, receive reports it, and IPv6 addresses compare as the kernel's own (::1, not 0:0:...:1).
    const mine = await run({ processes: [{ module: built.udp_errors!, name: 'udp_errors', args: ['7000'] }], timeoutMs: 60_000 });
    expect(mine.processes[0]!.stderr).toBe('');
    expect(mine.processes[0]!.stdout).toBe(expected);
    expect(mine.status).toBe(0);
    const port = await freeUdpPair();
    const c = await runOnShim(built.udp_errors!, ['udp_errors', String(port), 'noicmp']);
    expect(c.stderr).toBe('');
    expect(c.stdout).toBe(expected.replace(icmp, ''));
    expect(c.status).toBe(0);
  }, T);

  it('udp_errors built by gcc prints the same on Linux', async () => {
    needs('gcc');
    const exe = join(tmp, 'udp_errors.native');
    execFileSync('gcc', ['-O1', '-w', '-o', exe, join(ROOT, 'tests', 'component-build', 'udp_errors.c')]);
    const p1 = await run({ processes: [{ module: join(tmp, 'udp_errors.wasm'), name: 'udp_errors', args: ['7000'] }], timeoutMs: 60_000 });
    const port = await freeUdpPair();
    expect(execFileSync(exe, [String(port)], { encoding: 'utf8' })).toBe(p1.processes[0]!.stdout);
  }, T);
});

describe('sendmmsg and recvmmsg in a component (the SDK\'s, over its sendmsg and recvmsg)', () => {
  it('mmsg prints the same built as a component, built by default (socklab\'s own calls) and built by gcc on Linux', async () => {
    const p1 = await run({ processes: [{ module: join(tmp, 'mmsg.wasm'), name: 'mmsg' }], timeoutMs: 60_000 });
    expect(p1.status).toBe(0);
    const expected = p1.processes[0]!.stdout;
    expect(expected).toContain('sendmmsg, the second to AF_INET6: 1 Success, msg_len 6 77 77\nsendmmsg, the first to AF_INET6: -1 Address family not supported by protocol, msg_len 77 77 77\n');
    expect(expected).toContain('recvmmsg 8, MSG_WAITFORONE: 1 Success\n  17 a longer datagram\nrecvmmsg 8, MSG_DONTWAIT, nothing there: -1 Resource temporarily unavailable\n');
    expect(expected).toContain('recvmmsg 8, timeout 0: 1 Success\n  6 onetwo\n  time left 0.000000000\n');
    expect(expected).toContain('after ICMP, MSG_DONTWAIT: -1 Connection refused\nagain: -1 Resource temporarily unavailable\n');
    const mine = await run({ processes: [{ module: built.mmsg!, name: 'mmsg' }], timeoutMs: 60_000 });
    expect(mine.processes[0]!.stderr).toBe('');
    expect(mine.processes[0]!.stdout).toBe(expected);
    expect(mine.status).toBe(0);
    needs('gcc');
    const exe = join(tmp, 'mmsg.native');
    execFileSync('gcc', ['-O1', '-w', '-o', exe, join(ROOT, 'tests', 'component-build', 'mmsg.c')]);
    expect(execFileSync(exe, [], { encoding: 'utf8' })).toBe(expected);
  }, T);
});

describe('the UDP echo pair (examples/udp/udp_echo.c and a client) built three ways', () => {
  const clients = (host: string, port: number): string[][] => [
    ['udp_client', host, String(port), 'hello', 'a longer datagram'],
    ['udp_client', host, String(port), 'connect', 'one', 'two', 'three'],
  ];
  // Only ports differ: the server's, and each client's ephemeral one.
  const norm = (out: string, server: number): string => out.replaceAll(`:${server}\n`, ':SERVER\n').replace(/on port \d+/, 'on port SERVER').replace(/(\d+ bytes from 127\.0\.0\.1):\d+/g, '$1:CLIENT');

  it('the components on preview2-shim (real loopback) and gcc on Linux print what the default build prints on socklab', async () => {
    const cs = clients('localhost', 9000);
    const v = await run({
      processes: [
        { module: join(tmp, 'udp_echo.wasm'), name: 'server', args: ['9000', '5'] },
        ...cs.map((a, i) => ({ module: join(tmp, 'udp_client.wasm'), name: `client${i}`, args: a.slice(1), startMs: 1 + 100 * i })),
      ],
      timeoutMs: 60_000,
    });
    expect(v.status).toBe(0);
    const expected = v.processes.map((p) => norm(p.stdout, 9000));
    expect(expected).toEqual([
      'udp echo on port SERVER\n5 bytes from 127.0.0.1:CLIENT\n17 bytes from 127.0.0.1:CLIENT\n3 bytes from 127.0.0.1:CLIENT\n3 bytes from 127.0.0.1:CLIENT\n5 bytes from 127.0.0.1:CLIENT\n',
      'echo: hello from 127.0.0.1:SERVER\necho: a longer datagram from 127.0.0.1:SERVER\nclient bound to an ephemeral port: 1\n',
      'echo: one\necho: two\necho: three\nclient bound to an ephemeral port: 1\n',
    ]);

    const server = await startOnShim(built.udp_echo!, ['udp_echo', '0', '5'], /udp echo on port (\d+)/);
    const port = Number((await server.ready)[1]);
    const got: string[] = [];
    for (const a of clients('localhost', port)) {
      const c = await runOnShim(built.udp_client!, a);
      expect(c.stderr).toBe('');
      expect(c.status).toBe(0);
      got.push(norm(c.stdout, port));
    }
    const sr = await server.done;
    expect(sr.stderr).toBe('');
    expect(sr.status).toBe(0);
    expect([norm(sr.stdout, port), ...got]).toEqual(expected);

    needs('gcc');
    const exe = (n: string, src: string): string => {
      const out = join(tmp, `${n}.native`);
      execFileSync('gcc', ['-O1', '-w', '-o', out, src]);
      return out;
    };
    const nserver = exe('udp_echo', join(ROOT, 'examples', 'udp', 'udp_echo.c'));
    const nclient = exe('udp_client', join(ROOT, 'tests', 'component-build', 'udp_client.c'));
    const ns = watch(spawn(nserver, ['0', '5'], { stdio: ['ignore', 'pipe', 'pipe'] }), /udp echo on port (\d+)/);
    const nport = Number((await ns.ready)[1]);
    const ngot = clients('localhost', nport).map((a) => norm(execFileSync(nclient, a.slice(1), { encoding: 'utf8' }), nport));
    expect([norm((await ns.done).stdout, nport), ...ngot]).toEqual(expected);
  }, T);
});
