// C programs built with `socklab build --target=component` (wasi-libc, the
// SDK over wasi:sockets, jco's preview1 command adapter) run on socklab's own
// component host: several Asyncified core modules on one call stack (the
// adapter's run under jco's glue, the program's _start under it, the
// adapter's fd_write under that), unwound and rewound together on every
// blocking call and every preemption. Each example runs both ways on the
// virtual network and must print the same.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { compileC } from '../dist/host/toolchain/clang.js';
import { loadScenario } from '../dist/host/scenario/load.js';
import { ROOT, run, runCli } from './helpers.js';
import type { RunOutcome } from '../dist/host/api.js';

const T = 240_000;
const SOURCES = [
  'examples/tcp-echo/echo_server.c',
  'examples/tcp-echo/echo_client.c',
  'examples/http/http_server.c',
  'examples/http/http_get.c',
  'examples/short-writes/fixed_client.c',
  'examples/short-writes/naive_client.c',
  'tests/component-run/lines.c',
  'tests/component-run/spin.c',
  'tests/component-run/cat.c',
  'tests/component-build/tcp_errors.c',
];
type Kind = 'wasm' | 'component.wasm';
let tmp: string;
const mod = (name: string, kind: Kind): string => join(tmp, `${name}.${kind}`);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'socklab-crun-'));
  for (const src of SOURCES) {
    const name = basename(src, '.c');
    await compileC({ sources: [join(ROOT, src)], out: mod(name, 'component.wasm'), target: 'component', stderr: () => {} });
    await compileC({ sources: [join(ROOT, src)], out: mod(name, 'wasm'), stderr: () => {} });
  }
}, T);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An example scenario with each `X.c` module replaced by the X built as KIND. */
async function scenario(file: string, kind: Kind, seed?: number): Promise<RunOutcome> {
  const yaml = readFileSync(join(ROOT, file), 'utf8').replace(/module: (?:\.\.\/tcp-echo\/)?(\w+)\.c/g, (_, n: string) => `module: ${mod(n, kind)}`);
  const path = join(tmp, `${basename(file, '.yaml')}-${kind}.yaml`);
  writeFileSync(path, yaml);
  const { spec } = await loadScenario(path, seed === undefined ? {} : { seed });
  return run({ ...spec, timeoutMs: T });
}

/**
 * What each process printed and how it ended. A component's first socket is
 * fd 4, the default build's fd 3 (the adapter keeps the preopen there:
 * docs/components.md), so fd numbers are masked; and a component makes more
 * calls per POSIX call (each charges the virtual clock), so a server's lines
 * about different clients may interleave otherwise: they are compared as a set.
 */
function printed(r: RunOutcome): { name: string; status: number; lines: string[] }[] {
  return r.processes.map((p) => ({
    name: p.name,
    status: p.exit.status,
    lines: p.stdout.replace(/\bfd \d+/g, 'fd N').split('\n').sort(),
  }));
}

describe('C examples built as components print what the default build prints (virtual network)', () => {
  it('tcp-echo demo: a poll() server and three clients over a lossy link (blocking in poll, accept, recv)', async () => {
    const a = await scenario('examples/tcp-echo/demo.yaml', 'wasm');
    const b = await scenario('examples/tcp-echo/demo.yaml', 'component.wasm');
    expect(b.status).toBe(0);
    expect(printed(b)).toEqual(printed(a));
    expect(b.processes.find((p) => p.name === 'client2')!.stdout).toBe('echoed: hello from client 2\n');
    expect(b.processes[0]!.stdout).toMatch(/served 3 clients, bye\n$/);
    expect(b.network!.retransmissions).toBeGreaterThan(0);
  }, T);

  it('tcp-echo crash: the server is killed while blocked, a later client is refused', async () => {
    const a = await scenario('examples/tcp-echo/crash.yaml', 'wasm');
    const b = await scenario('examples/tcp-echo/crash.yaml', 'component.wasm');
    expect(printed(b)).toEqual(printed(a));
    expect(b.processes.find((p) => p.name === 'echo_server')!.exit.signal).toBe('SIGKILL');
  }, T);

  it('short-writes: the fixed and the naive client against the echo server', async () => {
    for (const f of ['examples/short-writes/fixed.yaml', 'examples/short-writes/naive.yaml']) {
      const a = await scenario(f, 'wasm');
      const b = await scenario(f, 'component.wasm');
      expect(printed(b)).toEqual(printed(a));
      expect(b.processes[1]!.stdout).toBe('sent 33 bytes, got back 33: a message longer than seven bytes\n');
    }
  }, T);

  it('http: a server and a client with a path, on one host', async () => {
    const spec = (kind: Kind) => ({
      timeoutMs: T,
      processes: [
        { module: mod('http_server', kind), name: 'server', args: ['8080', '1'] },
        { module: mod('http_get', kind), name: 'get', args: ['localhost', '8080', '/hello'], startMs: 1 },
      ],
    });
    const a = await run(spec('wasm'));
    const b = await run(spec('component.wasm'));
    expect(b.status).toBe(0);
    expect(printed(b)).toEqual(printed(a));
    expect(b.processes[1]!.stdout).toMatch(/^HTTP\/1\.0 200/);
  }, T);

  it('mixed: a component client with a preview1 server, a preview1 client with a component server', async () => {
    for (const [server, client] of [['wasm', 'component.wasm'], ['component.wasm', 'wasm']] as const) {
      const r = await run({
        timeoutMs: T,
        processes: [
          { module: mod('echo_server', server), name: 'server', args: ['7000', '1'] },
          { module: mod('echo_client', client), name: 'client', args: ['localhost', '7000', `${client} to ${server}`], startMs: 1 },
        ],
      });
      expect(r.processes[1]!.stdout).toBe(`echoed: ${client} to ${server}\n`);
      expect(r.status).toBe(0);
    }
  }, T);

  it('tcp_errors: the error paths (address in use, refused, EISCONN, EPIPE, EBADF, ENOTSOCK) print exactly the same', async () => {
    const spec = (kind: Kind) => ({ timeoutMs: T, processes: [{ module: mod('tcp_errors', kind), name: 'errors', args: ['7000'] }] });
    const a = await run(spec('wasm'));
    const b = await run(spec('component.wasm'));
    expect(b.processes[0]!.stdout).toMatch(/connect refused: -1 Connection refused\n/);
    expect(b.processes[0]!.stdout).toBe(a.processes[0]!.stdout);
    expect(b.status).toBe(0);
  }, T);

  it('is deterministic per seed', async () => {
    const a = await scenario('examples/tcp-echo/demo.yaml', 'component.wasm', 9);
    const b = await scenario('examples/tcp-echo/demo.yaml', 'component.wasm', 9);
    expect(a.processes.map((p) => [p.stdout, p.exit])).toEqual(b.processes.map((p) => [p.stdout, p.exit]));
  }, T);
});

describe('the trace of a component', () => {
  it('is the same from the bundled CLI as from the library, and names resources as their interface does', async () => {
    const yaml = readFileSync(join(ROOT, 'examples/tcp-echo/demo.yaml'), 'utf8').replace(/module: (\w+)\.c/g, (_, n: string) => `module: ${mod(n, 'component.wasm')}`);
    const file = join(tmp, 'trace-demo.yaml');
    writeFileSync(file, yaml);
    const out = join(tmp, 'trace-demo.txt');
    const cli = await runCli(['run', file, `--trace=${out}`]);
    expect(cli.status).toBe(0);
    const { spec } = await loadScenario(file, {});
    const lib = await run({ ...spec, timeoutMs: T, trace: {} });
    const text = readFileSync(out, 'utf8');
    expect(text).toBe(lib.trace);
    // esbuild names a class that refers to itself _TcpSocket in the bundle: the trace must say tcp-socket all the same.
    expect(text).toMatch(/\] \S+ \[method\]tcp-socket\.start-connect\(tcp-socket<\d+>, network, 10\.0\.0\.1:7000\) += 0/);
    expect(text).toMatch(/\] \S+ \[method\]tcp-socket\.accept\(tcp-socket<\d+>\) += 0 \[-> \[tcp-socket<\d+>, input-stream, output-stream\]\]/);
    expect(text).toMatch(/\[method\]descriptor\.get-type\(descriptor<3>\)/);
    expect(text).not.toMatch(/\b_[a-z]+(-[a-z]+)*[<.]/);
  }, T);
});

describe('preemption inside the adapter', () => {
  it('3000 unbuffered printf lines: the slice budget runs out inside the adapter\'s fd_write ~50 times, every line arrives', async () => {
    const r = await run({ timeoutMs: T, processes: [{ module: mod('lines', 'component.wasm'), name: 'lines', args: ['3000'] }] });
    expect(r.processes[0]!.exit.status).toBe(0);
    expect(r.processes[0]!.stdout).toBe(Array.from({ length: 3000 }, (_, i) => `line ${i}\n`).join(''));
    expect(r.processes[0]!.stderr).toBe('wrote 3000 lines\n');
  }, T);

  it('stdin through the adapter\'s fd_read: 2000 lines in, each echoed, preempted in reads and writes', async () => {
    const input = Array.from({ length: 2000 }, (_, i) => `${i}\n`).join('');
    const spec = (kind: Kind) => ({ timeoutMs: T, processes: [{ module: mod('cat', kind), name: 'cat', stdin: input }] });
    const a = await run(spec('wasm'));
    const b = await run(spec('component.wasm'));
    expect(b.processes[0]!.stdout).toBe(a.processes[0]!.stdout);
    expect(b.processes[0]!.stdout).toMatch(/^got: 0\ngot: 1\n[^]*got: 1999\n2000 lines\n$/);
  }, T);

  it('two such components and a preview1 one share the CPU, each preempted mid-write', async () => {
    const r = await run({
      timeoutMs: T,
      processes: [
        { module: mod('lines', 'component.wasm'), name: 'a', args: ['500'] },
        { module: mod('lines', 'wasm'), name: 'b', args: ['500'] },
        { module: mod('lines', 'component.wasm'), name: 'c', args: ['500'] },
      ],
    });
    const want = Array.from({ length: 500 }, (_, i) => `line ${i}\n`).join('');
    for (const p of r.processes) expect([p.name, p.stdout, p.exit.status]).toEqual([p.name, want, 0]);
  }, T);
});

describe('fuel in a component built from C', () => {
  it('a CPU loop is preempted by fuel and completes, with the default build\'s result', async () => {
    const spec = (kind: Kind) => ({ timeoutMs: T, fuel: 1_000_000_000, processes: [{ module: mod('spin', kind), name: 'spin', args: ['3000000'] }] });
    const a = await run(spec('wasm'));
    const b = await run(spec('component.wasm'));
    expect(b.processes[0]!.stdout).toBe(a.processes[0]!.stdout);
    expect(b.processes[0]!.exit.status).toBe(0);
    // Three million iterations at one unit each: preempted at least twice (a million-unit slice).
    expect(b.processes[0]!.exit.fuel).toBeGreaterThan(3_000_000);
    expect((await run(spec('component.wasm'))).processes[0]!.exit.fuel).toBe(b.processes[0]!.exit.fuel);
  }, T);

  it('past the limit: SIGXCPU, as for the default build', async () => {
    const spec = (kind: Kind) => ({ timeoutMs: T, fuel: 2_500_000, processes: [{ module: mod('spin', kind), name: 'spin', args: ['3000000'] }] });
    const a = await run(spec('wasm'));
    const b = await run(spec('component.wasm'));
    expect(b.processes[0]!.exit).toMatchObject({ signal: 'SIGXCPU', status: 152, reason: a.processes[0]!.exit.reason });
  }, T);

  it('a deadlock report names the WASI call the component waits in', async () => {
    const r = await run({ timeoutMs: T, processes: [{ module: mod('echo_server', 'component.wasm'), name: 'server', args: ['7000'] }] });
    expect(r.processes[0]!.exit).toMatchObject({ status: 125, reason: 'deadlock: waits forever in poll' });
  }, T);
});
