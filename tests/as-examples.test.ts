// The AssemblyScript examples (examples/as) run through socklab: their
// output, their imports, error paths with errno names, a mixed C/AS
// scenario, and traces that read like those of the C examples doing the
// same calls.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { connect, createServer, type AddressInfo } from 'node:net';
import { createSocket } from 'node:dgram';
import { run, ROOT } from './helpers.js';
import { freePort, runUntil, T } from './real-helpers.js';
import { buildAs } from '../dist/host/toolchain/asc.js';
import { ensureBuilt } from '../dist/host/toolchain/guests.js';
import { loadScenario } from '../dist/host/scenario/load.js';

const AS_EXAMPLES = {
  hello: 'hello/hello.ts',
  errors: 'errors/errors.ts',
  echo_server: 'tcp-echo/echo_server.ts',
  echo_client: 'tcp-echo/echo_client.ts',
  talker: 'udp/talker.ts',
  listener: 'udp/listener.ts',
  unix_server: 'unix/unix_server.ts',
  unix_client: 'unix/unix_client.ts',
} as const;
type AsName = keyof typeof AS_EXAMPLES;
const C_EXAMPLES = {
  echo_server: 'tcp-echo/echo_server.c',
  echo_client: 'tcp-echo/echo_client.c',
  talker: 'udp/talker.c',
  listener: 'udp/listener.c',
  unix_server: 'unix/unix_server.c',
  unix_client: 'unix/unix_client.c',
} as const;
type CName = keyof typeof C_EXAMPLES;

// The scenarios in examples/as name the modules in wasm/as/, as guest/as/build-examples.mjs writes them.
const as = (n: AsName): string => join(ROOT, 'wasm', 'as', `${n}.wasm`);
const c = (n: CName): string => join(ROOT, 'wasm', 'as', 'c', `${n}.wasm`);

beforeAll(async () => {
  for (const [name, src] of Object.entries(AS_EXAMPLES)) await buildAs({ source: join(ROOT, 'examples', 'as', src), out: as(name as AsName) });
  for (const [name, src] of Object.entries(C_EXAMPLES)) await ensureBuilt([join(ROOT, 'examples', src)], c(name as CName));
});

/**
 * A trace as a sequence of calls and results, without what differs between
 * two builds of the same program: pids and times, pointers, and the
 * out-buffers of getnameinfo.
 */
function calls(trace: string): string[] {
  return trace
    .split('\n')
    .filter(Boolean)
    .map((l) =>
      l
        .replace(/^\[pid \d+\] [\d.]+ /, '')
        .replace(/ <[\d.]+>$/, '')
        .replace(/0x[0-9a-f]+/g, 'PTR')
        .replace(/^(getnameinfo\(PTR, \d+), \[\d+\], (\d+), \[\d+\]/, '$1, [..], $2, [..]')
        // C's accept() is the accept call; AssemblyScript's Socket.accept(flags) is accept4 with flags 0.
        .replace(/^accept4\((.*), 0\)( = .*)$/, 'accept($1)$2'),
    );
}

describe('AssemblyScript guests: modules', () => {
  it('are WASI commands importing only wasi_snapshot_preview1 and socklab', () => {
    for (const n of Object.keys(AS_EXAMPLES) as AsName[]) {
      const m = new WebAssembly.Module(readFileSync(as(n)));
      const mods = new Set(WebAssembly.Module.imports(m).map((i) => i.module));
      for (const mod of mods) expect(['wasi_snapshot_preview1', 'socklab'], `${n} imports ${mod}`).toContain(mod);
      const exports = WebAssembly.Module.exports(m).map((e) => `${e.kind}:${e.name}`);
      expect(exports).toContain('function:_start');
      expect(exports).toContain('memory:memory');
    }
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(as('echo_server')))).map((i) => `${i.module}.${i.name}`);
    expect(imports).toEqual(expect.arrayContaining(['socklab.socket', 'socklab.bind', 'socklab.listen', 'socklab.accept', 'socklab.poll', 'socklab.getaddrinfo']));
  });

  it('print and read arguments through WASI', async () => {
    const o = await run({ processes: [{ module: as('hello'), name: 'hello', args: ['one', 'two words'] }], timeoutMs: 30_000 });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe('hello from AssemblyScript: 2 argument(s)\nargv[1] = one\nargv[2] = two words\n');
    expect(o.stderr).toBe('(this line goes to stderr)\n');
  });
});

describe('AssemblyScript guests: error paths', () => {
  it('report the call, the errno name and its text', async () => {
    const o = await run({ processes: [{ module: as('errors'), name: 'errors' }], trace: { classes: ['%net'] }, timeoutMs: 30_000 });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(
      [
        'SocketError: connect: ECONNREFUSED (Connection refused)',
        'SocketError: bind: EADDRNOTAVAIL (Cannot assign requested address)',
        'parse 300.1.2.3: not an address',
        'raw connect: EFAULT (Bad address)',
        'SocketError: getaddrinfo: EAI_NONAME (Name or service not known) [EAI_NONAME]',
        'SocketError: connect: ENOENT (No such file or directory)',
        'SocketError: write: ENOTCONN (Transport endpoint is not connected)',
        'SocketError: close: EBADF (Bad file descriptor)',
        '',
      ].join('\n'),
    );
    // The trace shows the same errors as the host returned them.
    expect(o.trace).toMatch(/connect\(3<TCP:[^>]*>, \{sa_family=AF_INET, sin_port=htons\(1\), sin_addr=inet_addr\("127\.0\.0\.1"\)\}, 16\) = -1 ECONNREFUSED \(Connection refused\)/);
    expect(o.trace).toMatch(/bind\(3<TCP:[^>]*>, \{sa_family=AF_INET, sin_port=htons\(7000\), sin_addr=inet_addr\("203\.0\.113\.9"\)\}, 16\) = -1 EADDRNOTAVAIL/);
    expect(o.trace).toMatch(/connect\(4<UNIX-STREAM:[^>]*>, \{sa_family=AF_UNIX, sun_path="\/tmp\/nobody-here\.sock"\}, 110\) = -1 ENOENT/);
  });

  it('unwrap() prints the SocketError and exits with status 1', async () => {
    const o = await run({ processes: [{ module: as('unix_client'), name: 'unix_client', args: ['/tmp/missing.sock', 'hi'] }], timeoutMs: 30_000 });
    expect(o.processes[0]!.exit.status).toBe(1);
    expect(o.stderr).toBe('SocketError: connect: ENOENT (No such file or directory)\n');
    const refused = await run({ processes: [{ module: as('echo_client'), name: 'echo_client', args: ['localhost', '7000', 'x'] }], timeoutMs: 30_000 });
    expect(refused.status).toBe(1);
    // localhost is ::1, then 127.0.0.1 (Debian's /etc/hosts, glibc's order): the client tries both.
    expect(refused.stderr).toBe('SocketError: connect: ECONNREFUSED (Connection refused)\n'.repeat(2) + 'could not connect to localhost port 7000\n');
  });
});

describe('AssemblyScript guests: examples on the virtual network', () => {
  it('TCP echo: server and clients on two hosts', async () => {
    const { spec } = await loadScenario(join(ROOT, 'examples', 'as', 'tcp-echo', 'echo.yaml'));
    const o = await run({ ...spec, timeoutMs: 60_000 });
    expect(o.status).toBe(0);
    const server = o.processes.find((p) => p.name === 'echo_server')!;
    expect(server.stdout).toMatch(/^listening on port 7000\n/);
    expect(server.stdout.match(/accepted \[::ffff:10\.0\.0\.2\]:\d+/g)).toHaveLength(2);
    expect(server.stdout).toMatch(/served 2 clients, bye\n$/);
    for (const i of [1, 2]) expect(o.processes.find((p) => p.name === `client${i}`)!.stdout).toBe(`echoed: hello from client ${i}\n`);
  });

  it('UDP talker and listener over a lossy link', async () => {
    const { spec } = await loadScenario(join(ROOT, 'examples', 'as', 'udp', 'udp.yaml'));
    const o = await run({ ...spec, timeoutMs: 60_000 });
    expect(o.status).toBe(0);
    const heard = o.processes.find((p) => p.name === 'listener')!.stdout.split('\n').filter((l) => l.startsWith('datagram '));
    expect(heard.length).toBeGreaterThan(0);
    expect(heard.length).toBeLessThan(20); // 20% loss
    expect(o.processes.find((p) => p.name === 'talker')!.stdout).toBe('talker: sent 20 datagrams\n');
  });

  it('AF_UNIX server and clients through a socket file; ENOENT once it is gone', async () => {
    const { spec } = await loadScenario(join(ROOT, 'examples', 'as', 'unix', 'unix.yaml'));
    const o = await run({ ...spec, timeoutMs: 60_000 });
    const by = (n: string) => o.processes.find((p) => p.name === n)!;
    expect(by('server').stdout).toBe('/tmp/upper.sock is a socket\ndone, /tmp/upper.sock removed\n');
    expect(by('client1').stdout).toBe('reply: HELLO FROM CLIENT 1\n');
    expect(by('client2').stdout).toBe('reply: HELLO FROM CLIENT 2\n');
    expect(by('late-client').exit.status).toBe(1);
    expect(by('late-client').stderr).toBe('SocketError: connect: ENOENT (No such file or directory)\n');
  });

  it('mixed: AssemblyScript clients talk to the C server', async () => {
    const { spec } = await loadScenario(join(ROOT, 'examples', 'as', 'mixed', 'mixed.yaml'));
    const o = await run({ ...spec, timeoutMs: 60_000 });
    expect(o.status).toBe(0);
    expect(o.processes.find((p) => p.name === 'c_server')!.stdout).toMatch(/served 2 clients, bye\n$/);
    for (const i of [1, 2]) expect(o.processes.find((p) => p.name === `as_client${i}`)!.stdout).toBe(`echoed: hello from AssemblyScript client ${i}\n`);
  });

  it('a C client talks to the AssemblyScript server', async () => {
    const o = await run({
      network: { hosts: [{ name: 's', ipv4: ['10.0.0.1'] }, { name: 'c', ipv4: ['10.0.0.2'] }], links: [{ a: 's', b: 'c', latencyMs: 1 }] },
      processes: [
        { module: as('echo_server'), name: 'as_server', host: 's', args: ['7000', '1'] },
        { module: c('echo_client'), name: 'c_client', host: 'c', args: ['s', '7000', 'from C'], startMs: 1 },
      ],
      timeoutMs: 60_000,
    });
    expect(o.status).toBe(0);
    expect(o.processes[1]!.stdout).toBe('echoed: from C\n');
  });
});

describe('AssemblyScript guests: traces read like the C guests doing the same calls', () => {
  const pairs: Array<[string, (m: (n: AsName & CName) => string) => Parameters<typeof run>[0]]> = [
    ['TCP echo', (m) => ({ processes: [{ module: m('echo_server'), name: 'echo_server', args: ['7000', '1'] }, { module: m('echo_client'), name: 'echo_client', args: ['localhost', '7000', 'hi there'], startMs: 1 }] })],
    ['UDP', (m) => ({ processes: [{ module: m('listener'), name: 'listener', args: ['9000'] }, { module: m('talker'), name: 'talker', args: ['localhost', '9000', '3'], startMs: 1 }] })],
    ['AF_UNIX', (m) => ({ processes: [{ module: m('unix_server'), name: 'server', args: ['/tmp/u.sock', '1'] }, { module: m('unix_client'), name: 'client', args: ['/tmp/u.sock', 'hey'], startMs: 1 }, { module: m('unix_client'), name: 'late', args: ['/tmp/u.sock', 'x'], startMs: 1000 }] })],
  ];
  for (const [what, spec] of pairs) {
    it(what, async () => {
      const a = await run({ ...spec(as), output: 'capture', trace: { classes: ['%net'] }, timeoutMs: 60_000 });
      const b = await run({ ...spec(c), output: 'capture', trace: { classes: ['%net'] }, timeoutMs: 60_000 });
      expect(a.trace).toMatch(/socket\(AF_/);
      expect(calls(a.trace!)).toEqual(calls(b.trace!));
      expect(a.processes.map((p) => p.stdout)).toEqual(b.processes.map((p) => p.stdout));
    });
  }
});

describe('AssemblyScript guests on --net=real', () => {
  const proc = (n: AsName, args: string[]) => ({ module: as(n), name: n, args });

  it('the AssemblyScript echo server echoes a Node client, and the AssemblyScript client a Node echo server', async () => {
    const port = await freePort();
    const { ready, done } = runUntil({ net: 'real', policy: { allowListen: [`*:${port}`] }, processes: [proc('echo_server', [String(port), '1'])] }, /listening on port/);
    await ready;
    const echoed = await new Promise<string>((resolve, reject) => {
      const c = connect(port, '127.0.0.1', () => c.end('hello from node\n'));
      let got = '';
      c.on('data', (d) => (got += String(d)));
      c.on('close', () => resolve(got));
      c.on('error', reject);
    });
    expect(echoed).toBe('hello from node\n');
    expect((await done).stdout).toMatch(/accepted \[::ffff:127\.0\.0\.1\]:\d+\n[\s\S]*served 1 clients, bye\n$/);

    const srv = createServer((c) => c.pipe(c));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const sport = (srv.address() as AddressInfo).port;
    try {
      const o = await run({ net: 'real', policy: { allowConnect: [`127.0.0.1:${sport}`] }, timeoutMs: T, processes: [proc('echo_client', ['127.0.0.1', String(sport), 'from AssemblyScript'])] });
      expect(o.stdout).toBe('echoed: from AssemblyScript\n');
      // The policy holds for AssemblyScript guests too, with the errno name.
      const refused = await run({ net: 'real', timeoutMs: T, processes: [proc('echo_client', ['127.0.0.1', String(sport), 'x'])] });
      expect(refused.stderr).toMatch(/^SocketError: connect: EACCES \(Permission denied\)\n/);
    } finally {
      srv.close();
    }
  });

  it('the AssemblyScript talker reaches a node:dgram peer', async () => {
    const peer = createSocket('udp4');
    const got: string[] = [];
    let all: () => void = () => {};
    const four = new Promise<void>((r) => (all = r));
    peer.on('message', (m) => { got.push(String(m).trim()); if (got.length === 4) all(); });
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', r));
    try {
      const port = peer.address().port;
      const o = await run({ net: 'real', policy: { allowConnect: [`127.0.0.1:${port}`] }, timeoutMs: T, processes: [proc('talker', ['127.0.0.1', String(port), '3'])] });
      await four;
      expect(o.stdout).toBe('talker: sent 3 datagrams\n');
      expect(got).toEqual(['datagram 1', 'datagram 2', 'datagram 3', 'end']);
    } finally {
      peer.close();
    }
  });

  it('the AssemblyScript AF_UNIX server serves a Node client on a granted directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-as-unix-'));
    try {
      const { ready, done } = runUntil({ net: 'real', mounts: [{ host: dir, guest: '/run', readonly: false }], processes: [proc('unix_server', ['/run/up.sock', '1'])] }, /is a socket/);
      await ready;
      const reply = await new Promise<string>((resolve, reject) => {
        const c = connect(join(dir, 'up.sock'), () => c.write('quiet'));
        c.on('data', (d) => { resolve(String(d)); c.end(); });
        c.on('error', reject);
      });
      expect(reply).toBe('QUIET');
      expect((await done).stdout).toBe('/run/up.sock is a socket\ndone, /run/up.sock removed\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
