// WASI 0.2 components (host/component): hand-written WAT components in
// tests/components/, assembled at test time with jco-transpile's wasm-tools,
// transpiled by jco and run on socklab's kernel and virtual network.
import { describe, expect, it, beforeAll } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { ROOT, guest, run } from './helpers.js';
import type { RunOutcome } from '../dist/host/api.js';
import { parseMount } from '../dist/host/scenario/mount.js';

const OUT = join(ROOT, 'wasm', 'tests', 'components');

/** Assembles tests/components/NAME.wat into wasm/tests/components/NAME.wasm; returns its path. */
async function component(name: string): Promise<string> {
  const wat = readFileSync(join(ROOT, 'tests', 'components', `${name}.wat`), 'utf8');
  const bytes = await parse(wat);
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `${name}.wasm`);
  writeFileSync(file, bytes);
  return file;
}

let hello: string;
let tcp: string;
let fsc: string;
let spin: string;
let bench: string;
let res: string;
beforeAll(async () => {
  bench = await component('bench');
  res = await component('res');
  hello = await component('hello');
  tcp = await component('tcp');
  fsc = await component('fs');
  spin = await component('spin');
}, 60_000);

const T = 120_000;

function outputs(r: RunOutcome): { name: string; status: number; stdout: string }[] {
  return r.processes.map((p) => ({ name: p.name, status: p.exit.status, stdout: p.stdout }));
}

/** The tcp component as a server (a service) and a client, on the virtual network. */
function serverAndClient(seed: number): Promise<RunOutcome> {
  return run({
    seed,
    timeoutMs: T,
    processes: [
      { module: tcp, name: 'server', args: ['server'], service: true },
      { module: tcp, name: 'client', args: ['client'], startMs: 1 },
    ],
  });
}

describe('components: wasi:cli', () => {
  it('runs a component that prints through wasi:cli/stdout', async () => {
    const r = await run({ processes: [{ module: hello, name: 'hello.wasm' }], timeoutMs: T });
    expect(r.processes[0]!.exit.status).toBe(0);
    expect(r.processes[0]!.stdout).toBe('hello from a component\n');
  }, T);
});

describe('components: wasi:sockets/tcp on the virtual network', () => {
  it('a server component and a client component exchange data', async () => {
    const r = await serverAndClient(1);
    const [server, client] = r.processes;
    expect(server!.stdout).toBe('listening\nserver got: hello over wasi:sockets\n');
    expect(client!.stdout).toBe('client got: hello over wasi:sockets\n');
    expect(client!.exit.status).toBe(0);
    expect(server!.exit.status).toBe(0);
  }, T);

  it('a preview1 C client talks to the server component', async () => {
    const r = await run({
      timeoutMs: T,
      processes: [
        { module: tcp, name: 'server', args: ['server'], service: true },
        { module: guest('svc_client'), name: 'client', args: ['127.0.0.1', '7000', 'from C'], startMs: 1 },
      ],
    });
    const [server, client] = r.processes;
    expect(server!.stdout).toBe('listening\nserver got: from C');
    expect(client!.stdout).toBe('echoed: from C\n');
    expect(client!.exit.status).toBe(0);
  }, T);

  it('the client component talks to a preview1 C server', async () => {
    const r = await run({
      timeoutMs: T,
      processes: [
        { module: guest('svc_server'), name: 'server', args: ['7000'], service: true },
        { module: tcp, name: 'client', args: ['client'], startMs: 1 },
      ],
    });
    const client = r.processes[1]!;
    expect(client.stdout).toBe('client got: hello over wasi:sockets\n');
    expect(client.exit.status).toBe(0);
  }, T);

  it('connect to a port nobody listens on: finish-connect says error-code.connection-refused', async () => {
    const r = await run({ timeoutMs: T, processes: [{ module: tcp, name: 'tcp', args: ['refused'] }] });
    expect(r.processes[0]!.stdout).toBe('connect: error-code 14\n');
    expect(r.processes[0]!.exit.status).toBe(1);
  }, T);

  it('start-connect twice: the second says error-code.invalid-state', async () => {
    const r = await run({ timeoutMs: T, processes: [{ module: tcp, name: 'tcp', args: ['twice'] }] });
    expect(r.processes[0]!.stdout).toBe('second start-connect: error-code 09\n');
  }, T);

  it('a second server on the same port: start-bind says error-code.address-in-use', async () => {
    const r = await run({
      timeoutMs: T,
      processes: [
        { module: tcp, name: 'a', args: ['server'], service: true },
        { module: tcp, name: 'b', args: ['server'], startMs: 1 },
      ],
    });
    expect(r.processes[1]!.stdout).toBe('error-code 12\n');
  }, T);

  it('is deterministic per seed', async () => {
    const a = await serverAndClient(7);
    const b = await serverAndClient(7);
    expect(outputs(a)).toEqual(outputs(b));
    expect(a.processes.map((p) => p.exit)).toEqual(b.processes.map((p) => p.exit));
  }, T);
});

describe('components: wasi:filesystem on the virtual host\'s files', () => {
  let ro: string;
  beforeAll(() => {
    ro = mkdtempSync(join(tmpdir(), 'socklab-comp-fs-'));
    writeFileSync(join(ro, 'in.txt'), 'read-only data\n');
    return () => rmSync(ro, { recursive: true, force: true });
  });
  const mount = (): { host: string; guest: string; readonly: boolean }[] => [{ host: ro, guest: '/data', readonly: true }];

  it('creates, writes (at an offset and through a stream), stats, reads, lists and unlinks files in the preopened /', async () => {
    const r = await run({ processes: [{ module: fsc, name: 'fs', args: ['write'] }], timeoutMs: T });
    expect(r.processes[0]!.stdout).toBe(
      'preopen /\nsize 24\nhello file\nvia a stream\nnotes.txt 06\nsub 03\nreopen: error-code 20\nafter unlink: hello\n',
    );
    expect(r.processes[0]!.exit.status).toBe(0);
  }, T);

  it('reads a read-only mount; creating a file there is error-code.read-only', async () => {
    const r = await run({ processes: [{ module: fsc, name: 'fs', args: ['ro'] }], mounts: mount(), timeoutMs: T });
    expect(r.processes[0]!.stdout).toBe('preopen /\nin.txt: read-only data\ncreate: error-code 33\n');
    expect(readdirSync(ro)).toEqual(['in.txt']);
  }, T);

  it('--max-fs holds for components: writes end in error-code.insufficient-space', async () => {
    const r = await run({ processes: [{ module: fsc, name: 'fs', args: ['full'] }], maxFs: 100_000, timeoutMs: T });
    expect(r.processes[0]!.stdout).toBe('preopen /\nwrite: error-code 23\n');
  }, T);

  it('a dropped descriptor frees its fd: 3000 opens and drops stay under the fd limit', async () => {
    const r = await run({ processes: [{ module: fsc, name: 'fs', args: ['many'] }], timeoutMs: T });
    expect(r.processes[0]!.stdout).toBe('preopen /\nopened and dropped 3000\n');
  }, T);

  it('descriptors left open are closed at exit (the host files of a mount too)', async () => {
    const before = readdirSync('/proc/self/fd').length;
    const r = await run({ processes: [{ module: fsc, name: 'fs', args: ['keep'] }], mounts: mount(), timeoutMs: T });
    expect(r.processes[0]!.stdout).toBe('preopen /\nkept 50 open\n');
    expect(readdirSync('/proc/self/fd').length).toBeLessThan(before + 10);
  }, T);

  // wasmtime (cap-std) refuses escapes from a directory descriptor with not-permitted: ".." above it, an absolute
  // path, a symlink that climbs out or points at an absolute path, and symlink-at to an absolute target. A host
  // directory given as / (--dir HOST:/, wasmtime's --dir HOST::/) is such a capability, as for preview1 guests
  // (tests/wasi-suite.test.ts, rootcap); socklab's own virtual / stays chroot-like.
  it('a host directory given as / (--dir HOST:/) is a capability: escapes are error-code.not-permitted', async () => {
    const refused = ['dot-dot above the descriptor: error-code 31', 'dot-dot above /: error-code 31', 'open-at ..: error-code 31',
      'absolute path: error-code 31', 'symlink to /etc: error-code 31', 'through a climbing symlink: error-code 31',
      'readlink above the descriptor: error-code 31', 'through an absolute symlink: error-code 31', 'inside: ok', 'remove: ok', ''];
    const host = mkdtempSync(join(tmpdir(), 'socklab-comp-root-'));
    try {
      symlinkSync('/d', join(host, 'hostlink'));
      const r = await run({ processes: [{ module: fsc, name: 'fs', args: ['cap'] }], mounts: [parseMount(`${host}:/`)], output: 'capture', trace: {}, timeoutMs: T });
      expect(r.processes[0]!.stdout).toBe(['preopen /', 'using /', ...refused].join('\n'));
      expect(r.processes[0]!.exit.status).toBe(0);
      expect(r.trace).toContain('[method]descriptor.symlink-at(descriptor<4>, "/etc", "abs") = -1 EPERM (Operation not permitted) [error-code.not-permitted]');
      expect(r.trace).toContain('[method]descriptor.open-at(descriptor<3>, 0, "..", directory, read) = -1 EPERM (Operation not permitted) [error-code.not-permitted]');
      // What the component made went to the host directory, and it removed it all again.
      expect(readdirSync(host)).toEqual(['hostlink']);
      // A named preopen (--dir HOST:work, wasmtime's --dir HOST::work) is the same capability.
      const n = await run({ processes: [{ module: fsc, name: 'fs', args: ['cap'] }], mounts: [parseMount(`${host}:work`)], timeoutMs: T });
      expect(n.processes[0]!.stdout).toBe(['preopen /', 'using work', ...refused].join('\n'));
      expect(readdirSync(host)).toEqual(['hostlink']);
    } finally {
      rmSync(host, { recursive: true, force: true });
    }
    const v = await run({ processes: [{ module: fsc, name: 'fs', args: ['cap'] }], timeoutMs: T });
    expect(v.processes[0]!.stdout).toBe(['preopen /', 'using /', 'dot-dot above the descriptor: ok', 'dot-dot above /: ok', 'open-at ..: ok',
      'absolute path: ok', 'symlink to /etc: ok', 'readlink: /etc', 'through a climbing symlink: ok', 'readlink above the descriptor: ../..',
      'through an absolute symlink: error-code 20', 'inside: ok', 'remove: ok', ''].join('\n'));
    expect(v.processes[0]!.exit.status).toBe(0);
  }, T);

  it('traces filesystem calls by WIT name, with flags and error codes', async () => {
    const r = await run({ processes: [{ module: fsc, name: 'fs', args: ['write'] }], output: 'capture', trace: {}, timeoutMs: T });
    const t = r.trace ?? '';
    expect(t).toContain('get-directories()      = 0 [-> [[descriptor<3>, "/"]]]');
    expect(t).toContain('[method]descriptor.open-at(descriptor<3>, 0, "tmp/notes.txt", create|truncate, read|write) = 0 [-> descriptor<4>]');
    expect(t).toContain('[method]descriptor.open-at(descriptor<3>, 0, "tmp/notes.txt", 0, read) = -1 ENOENT (No such file or directory) [error-code.no-entry]');
    // A call another call makes (blocking-read reading, a write draining) is not traced on its own.
    expect(t).not.toContain('input-stream.read(');
    expect(t).not.toContain('drain');
    const f = await run({ processes: [{ module: fsc, name: 'fs', args: ['write'] }], output: 'capture', trace: { classes: ['%file'] }, timeoutMs: T });
    expect(f.trace).toContain('[method]descriptor.unlink-file-at(descriptor<3>, "tmp/notes.txt") = 0');
    expect(f.trace).not.toContain('[method]descriptor.write(');
  }, T);
});

describe('components: the CPU budget (--fuel, grading\'s cpu) and --timeout', () => {
  it('--fuel stops a component looping without calls with SIGXCPU', async () => {
    const r = await run({ processes: [{ module: spin, name: 'spin', args: ['spin'] }], fuel: 20_000_000, timeoutMs: T });
    const p = r.processes[0]!;
    expect(p.stdout).toBe('spinning\n');
    expect(p.exit).toMatchObject({ signal: 'SIGXCPU', status: 152, reason: 'CPU limit exceeded: used more than 20000000 fuel units' });
    expect(p.exit.fuel).toBeGreaterThan(20_000_000);
  }, T);

  it('counts the same fuel on every run, and the limit is exact', async () => {
    const spec = { processes: [{ module: spin, name: 'work', args: ['work'] }], fuel: 1_000_000_000, timeoutMs: T };
    const a = await run(spec);
    const b = await run(spec);
    expect(a.processes[0]!.stdout).toBe('done\n');
    expect(a.processes[0]!.exit.fuel).toBeGreaterThan(3_000_000);
    expect(a.processes[0]!.exit.fuel).toBe(b.processes[0]!.exit.fuel);
    const used = a.processes[0]!.exit.fuel!;
    expect((await run({ ...spec, fuel: used })).processes[0]!.exit.status).toBe(0);
    expect((await run({ ...spec, fuel: used - 1 })).processes[0]!.exit.signal).toBe('SIGXCPU');
  }, T);

  it('a spinning component is preempted: another process runs to its end beside it', async () => {
    const r = await run({
      processes: [
        { module: spin, name: 'spin', args: ['spin'] },
        { module: hello, name: 'hello' },
      ],
      fuel: 200_000_000,
      timeoutMs: T,
    });
    expect(r.processes[1]!.stdout).toBe('hello from a component\n');
    expect(r.processes[1]!.exit.status).toBe(0);
    expect(r.processes[0]!.exit.signal).toBe('SIGXCPU');
  }, T);

  it('--timeout stops a spinning component (no fuel counted)', async () => {
    const r = await run({ processes: [{ module: spin, name: 'spin', args: ['spin'] }], timeoutMs: 3000 });
    expect(r.processes[0]!.stdout).toBe('spinning\n');
    expect(r.processes[0]!.exit).toMatchObject({ status: 124, signal: 'SIGKILL' });
    expect(r.processes[0]!.exit.reason).toMatch(/time limit exceeded/);
    expect(r.processes[0]!.exit.fuel).toBeUndefined();
  }, T);

  it('fuel and blocking calls mix: the tcp components still talk under --fuel', async () => {
    const r = await run({
      processes: [
        { module: tcp, name: 'server', args: ['server'], service: true },
        { module: tcp, name: 'client', args: ['client'], startMs: 1 },
      ],
      fuel: 100_000_000,
      timeoutMs: T,
    });
    expect(r.processes[1]!.stdout).toBe('client got: hello over wasi:sockets\n');
    expect(r.processes[1]!.exit.status).toBe(0);
    expect(r.processes[1]!.exit.fuel).toBeGreaterThan(0);
  }, T);
});

describe('components: direct bindings (jco hybrid mode)', () => {
  it('clock calls go straight to socklab\'s core functions, and trace the same', async () => {
    const r = await run({ processes: [{ module: bench, name: 'bench', args: ['mono', '3'] }], output: 'capture', trace: {}, timeoutMs: T });
    expect(r.processes[0]!.exit.status).toBe(0);
    expect((r.trace ?? '').match(/ now\(\) += 0 \[-> \d+\]/g)?.length).toBe(3);
    const w = await run({ processes: [{ module: bench, name: 'bench', args: ['wall', '2'] }], output: 'capture', trace: {}, timeoutMs: T });
    expect((w.trace ?? '').match(/ now\(\) += 0 \[-> \{seconds: \d+, nanoseconds: \d+\}\]/g)?.length).toBe(2);
  }, T);

  it('the glue is jco 0.15\'s, patched: _debugLog reads JCO_DEBUG once, not per call', async () => {
    const { loadComponent, GLUE_DEBUG_LOG } = await import('../dist/host/component/load.js');
    const { component: c } = await loadComponent(readFileSync(bench), bench);
    const glue = readFileSync(c.glue, 'utf8');
    expect(glue).not.toContain(GLUE_DEBUG_LOG);
    expect(glue).toContain('const _debugLog = globalThis?.process?.env?.JCO_DEBUG ? (...args) => console.debug(...args) : () => {};');
    expect(glue).toContain("Symbol.for('cabiLower')");
  }, T);

  it('a TCP ping-pong between two bench components completes', async () => {
    const r = await run({
      processes: [
        { module: bench, name: 'server', args: ['server', '7100', '50'] },
        { module: bench, name: 'client', args: ['client', '7100', '50'], startMs: 1 },
      ],
      timeoutMs: T,
    });
    expect(r.processes.map((p) => p.exit.status)).toEqual([0, 0]);
  }, T);
});

describe('components: resources through the direct bindings', () => {
  it('blocking-read lowers list<u8> through realloc, and stream-error.closed at the end of stdin', async () => {
    const r = await run({ processes: [{ module: res, name: 'res', args: ['stdin'], stdin: 'abc\nsecond line\n' }], timeoutMs: T });
    expect(r.processes[0]!.stdout).toBe('abc\nsecond line\nclosed\n');
    expect(r.processes[0]!.exit.status).toBe(0);
  }, T);

  it('blocking-splice moves stdin to stdout, at most len bytes a call, until stream-error.closed', async () => {
    const r = await run({ processes: [{ module: res, name: 'res', args: ['copy'], stdin: 'abc\nsecond line\n' }], output: 'capture', trace: {}, timeoutMs: T });
    expect(r.processes[0]!.stdout).toBe('abc\nsecond line\nclosed\n');
    expect(r.processes[0]!.exit.status).toBe(0);
    // One traced call each (the read and write inside are the host's), 3 bytes a time, then the end.
    expect(r.trace).toMatch(/\[method\]output-stream\.blocking-splice\(output-stream[^)]*, input-stream[^)]*, 3\) = 0 \[-> 3\]/);
    expect(r.trace).toMatch(/\[method\]output-stream\.blocking-splice\([^)]*\) = -1 [A-Z]+ .*stream-error\.closed/);
    expect(r.trace).not.toMatch(/\[method\]input-stream\.read\(/);
  }, T);

  it('poll takes a list of borrowed pollables and returns list<u32>; a timer pollable waits in virtual time', async () => {
    const r = await run({ processes: [{ module: res, name: 'res', args: ['poll'] }], output: 'capture', trace: {}, timeoutMs: T });
    expect(r.processes[0]!.stdout).toBe('ready 1: 0\ntimer 0\n');
    expect(r.trace).toMatch(/ poll\(\[pollable, pollable\]\) += 0 \[-> \[0\]\]/);
  }, T);

  it('two own handles to one network: dropping one leaves the other usable; a dropped handle traps', async () => {
    const r = await run({ processes: [{ module: res, name: 'res', args: ['handles'] }], timeoutMs: T });
    const p = r.processes[0]!;
    expect(p.stdout).toBe('two handles\nbound\n');
    expect(p.exit.signal).toBeDefined();
    expect(p.exit.reason).toMatch(/unknown handle index/);
  }, T);

  it('resources never dropped are freed when the process ends (the sockets\' fds too)', async () => {
    const { Session } = await import('../dist/host/runner/session.js');
    const { liveResources } = await import('../dist/host/component/canon.js');
    const out: string[] = [];
    const s = new Session({ processes: [{ module: res, name: 'a', args: ['leak'] }, { module: res, name: 'b', args: ['leak'] }] }, { output: (_pid: number, _fd: number, d: Uint8Array) => out.push(Buffer.from(d).toString()) } as never);
    await s.load();
    const before = liveResources();
    const result = await s.run();
    expect(out.join('')).toBe('leaked 100\nleaked 100\n');
    expect(result.processes.map((p: { exit: { status: number } }) => p.exit.status)).toEqual([0, 0]);
    expect(liveResources()).toBe(before);
    for (const p of s.kernel.processes) expect(p.fds.size).toBe(0);
  }, T);
});

describe('components: the trace', () => {
  it('shows component calls by their WIT names, with WASI error codes', async () => {
    const r = await run({ processes: [{ module: tcp, name: 'tcp', args: ['refused'] }], output: 'capture', trace: {}, timeoutMs: T });
    const t = r.trace ?? '';
    expect(t).toContain('create-tcp-socket("ipv4") = 0 [-> tcp-socket<');
    expect(t).toMatch(/\[method\]tcp-socket\.start-connect\(tcp-socket<\d+>, network, 127\.0\.0\.1:7001\) = 0/);
    expect(t).toMatch(/\[method\]tcp-socket\.finish-connect\(tcp-socket<\d+>\) = -1 ECONNREFUSED \(Connection refused\) \[error-code\.connection-refused\]/);
    // %net keeps the socket calls and drops the stream writes.
    const n = await run({ processes: [{ module: tcp, name: 'tcp', args: ['refused'] }], output: 'capture', trace: { classes: ['%net'] }, timeoutMs: T });
    expect(n.trace).toContain('[method]tcp-socket.finish-connect');
    expect(n.trace).not.toContain('blocking-write-and-flush');
  }, T);
});

describe('components: the bindings are socklab\'s own', () => {
  it('every WASI 0.2 import jco binds comes from socklab, none from preview2-shim or a jco fallback', async () => {
    const { loadComponent } = await import('../dist/host/component/load.js');
    const { buildImports } = await import('../dist/host/component/imports.js');
    const { SOCKLAB_INTERFACES } = await import('../dist/host/component/interfaces.js');
    for (const file of [hello, tcp, fsc, bench]) {
      const { component: c } = await loadComponent(readFileSync(file), file);
      // The glue jco generated imports nothing (no @bytecodealliance/preview2-shim): every binding is passed in.
      const glue = readFileSync(c.glue, 'utf8');
      expect(glue).not.toMatch(/^\s*import\s/m);
      expect(glue).not.toContain('preview2-shim');
      for (const i of c.imports) expect(SOCKLAB_INTERFACES).toContain(i.replace(/@[^/]*$/, ''));
      // Instantiate with socklab's import object (a stand-in process: nothing runs) and look at what jco read.
      const fake = { kernel: { clock: { now: () => 0 } } } as never;
      const { imports, bindings } = buildImports(fake);
      const coreFns: unknown[] = [];
      c.instantiate((n: string) => c.modules.get(n)!, imports, (m: WebAssembly.Module, imps?: WebAssembly.Imports) => {
        for (const o of Object.values(imps ?? {})) for (const v of Object.values(o)) if (typeof v === 'function') coreFns.push(v);
        return new WebAssembly.Instance(m, imps);
      });
      expect(bindings.length).toBeGreaterThan(0);
      expect(bindings.filter((b) => !b.provided)).toEqual([]);
      // Each interface the component imports was read from socklab's object.
      for (const i of c.imports) expect(bindings.some((b) => b.iface.replace(/@[^/]*$/, '') === i.replace(/@[^/]*$/, ''))).toBe(true);
      // Every core import is one of socklab's direct bindings (direct.ts), except jco's resource.drop
      // trampolines (one per `canon resource.drop` in the component): none is jco's lifting/lowering trampoline.
      expect(coreFns.length).toBeGreaterThan(0);
      const notDirect = coreFns.filter((f) => !(f as Record<symbol, unknown>)[Symbol.for('socklab.direct')]).length;
      const wat = readFileSync(join(ROOT, 'tests', 'components', `${file.split('/').pop()!.replace(/\.wasm$/, '')}.wat`), 'utf8');
      expect(notDirect).toBe(wat.match(/canon resource\.drop/g)?.length ?? 0);
    }
  }, T);
});
