// --inject on a WASI 0.2 component (host/component/inject.ts): one C program
// (tests/component-inject/inj.c) built with --target=component and for
// preview1 runs under the same rules, and must print the same: a connect
// refused, short reads, an EINTR on the 2nd read, a delay in virtual time,
// seeded probability. The component's trace marks the calls changed, as a
// preview1 guest's does; an errno with no WASI 0.2 counterpart is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileC } from '../dist/host/toolchain/clang.js';
import { InjectError, parseInject } from '../dist/host/trace/inject.js';
import { ModuleError } from '../dist/host/loader/cache.js';
import { ROOT, run, runCli } from './helpers.js';
import type { RunOutcome } from '../dist/host/api.js';

const T = 240_000;
let tmp: string;
const mod = (kind: 'wasm' | 'component.wasm'): string => join(tmp, `inj.${kind}`);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'socklab-cinject-'));
  const src = join(ROOT, 'tests', 'component-inject', 'inj.c');
  await compileC({ sources: [src], out: mod('component.wasm'), target: 'component', stderr: () => {} });
  await compileC({ sources: [src], out: mod('wasm'), stderr: () => {} });
  const udp = join(ROOT, 'tests', 'component-build', 'udp_client.c');
  await compileC({ sources: [udp], out: join(tmp, 'udp_client.component.wasm'), target: 'component', stderr: () => {} });
  await compileC({ sources: [udp], out: join(tmp, 'udp_client.wasm'), stderr: () => {} });
  await compileC({ sources: [join(ROOT, 'examples', 'udp', 'udp_echo.c')], out: join(tmp, 'udp_echo.wasm'), stderr: () => {} });
}, T);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function runInj(kind: 'wasm' | 'component.wasm', inject: string[], extra: { seed?: number; trace?: boolean } = {}): Promise<RunOutcome> {
  return run({
    processes: [{ module: mod(kind), name: 'inj', stdin: 'abcdefgh' }],
    inject,
    ...(extra.seed === undefined ? {} : { seed: extra.seed }),
    ...(extra.trace ? { trace: { time: 'none' as const } } : {}),
    timeoutMs: 60_000,
  });
}

/** Runs both builds under INJECT: the component prints what the preview1 build prints; that output. */
async function both(inject: string[], seed?: number): Promise<{ out: string; component: RunOutcome }> {
  const p1 = await runInj('wasm', inject, { seed });
  const c = await runInj('component.wasm', inject, { seed });
  expect(c.processes[0]!.stderr).toBe('');
  expect(c.processes[0]!.stdout).toBe(p1.processes[0]!.stdout);
  expect(c.status).toBe(p1.status);
  return { out: p1.processes[0]!.stdout, component: c };
}

describe('--inject on a component, next to the same program built for preview1', () => {
  it('without a rule both print the plain run', async () => {
    const { out } = await both([]);
    expect(out).toBe([
      'bind: 0', 'listen: 0', 'connect 1: 0', 'connect 2: 0', 'connect 2 took 100 ms or more: 0', 'accepted: 1', 'send: 5',
      'recv 1: 5', 'got hello', 'recv 2: -1 Resource temporarily unavailable',
      'send 2: 5', 'recv 3: 5', 'got world', 'read 1: 3', 'read 2: 3', 'read 3: 2', '',
    ].join('\n'));
  }, T);

  it('connect:error=ECONNREFUSED:when=1 refuses the first connect only (start-connect fails with error-code.connection-refused, marked in the trace)', async () => {
    const { out } = await both(['connect:error=ECONNREFUSED:when=1']);
    expect(out).toContain('connect 1: -1 Connection refused\nconnect 2: 0\n');
    const t = await runInj('component.wasm', ['connect:error=ECONNREFUSED:when=1'], { trace: true });
    const lines = t.trace!.split('\n').filter((l) => l.includes('start-connect'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/\[method\]tcp-socket\.start-connect\(tcp-socket<\d+>, network, 127\.0\.0\.1:7000\) = -1 ECONNREFUSED \(Connection refused\) \(INJECTED\) \[error-code\.connection-refused\] </);
    expect(lines[1]).toMatch(/start-connect\(.*\) = 0 </);
  }, T);

  it('names the WASI 0.2 call itself, with or without [method]', async () => {
    for (const name of ['tcp-socket.start-connect', '[method]tcp-socket.start-connect']) {
      const c = await runInj('component.wasm', [`${name}:error=ECONNREFUSED:when=1`]);
      expect(c.processes[0]!.stdout).toContain('connect 1: -1 Connection refused\nconnect 2: 0\n');
    }
    expect([...parseInject('tcp-socket.start-connect:error=EINVAL').calls]).toEqual(['[method]tcp-socket.start-connect']);
    expect(() => parseInject('tcp-socket.start-conect:error=EINVAL')).toThrow(/unknown call "tcp-socket.start-conect"/);
  }, T);

  it('recv:max=1 makes short reads (the length a stream read asks for)', async () => {
    const { out, component } = await both(['recv:max=1']);
    expect(out).toContain('recv 1: 1\ngot h\nrecv 2: 1\ngot e\n');
    // stdin is no socket: recv's rule leaves its reads alone.
    expect(out).toContain('read 1: 3\nread 2: 3\nread 3: 2\n');
    expect(component.status).toBe(0);
    // Only the socket's reads are marked. stdout's first write is one the guest makes while the host lowers
    // the first read's result (its realloc): a call of its own, not the read the rule fired for.
    const t = await runInj('component.wasm', ['recv:max=1'], { trace: true });
    const marked = t.trace!.split('\n').filter((l) => l.includes('(INJECTED)'));
    expect(marked.map((l) => /\] (\S+)\(/.exec(l)?.[1])).toEqual(['[method]input-stream.blocking-read', '[method]input-stream.read', '[method]input-stream.blocking-read']);
    expect(marked.map((l) => /\[-> "(.*)"\]/.exec(l)?.[1])).toEqual(['h', 'e', 'l']);
    expect(t.trace).toMatch(/\[method\]output-stream\.blocking-write-and-flush\(output-stream, "listen: 0\\n.*\) = 0 </);
    expect(t.trace).toMatch(/\[method\]input-stream\.blocking-read\(input-stream, 3\) = 0 \[-> "abc"\] </);
  }, T);

  it('a call the guest makes while the host lowers another call\'s result is counted as a call of its own, and its delay passes without a wait', async () => {
    // stdout's 3rd write ("bind: 0", "\n", then the buffer) is made inside the first recv's read, where the
    // process cannot suspend: the delay is the process's own time, and the run goes on to its end.
    for (const when of ['delay_enter', 'delay_exit']) {
      const t = await runInj('component.wasm', [`output-stream.blocking-write-and-flush:${when}=10ms:when=3`], { trace: true });
      const marked = t.trace!.split('\n').filter((l) => l.includes('(INJECTED)'));
      expect(marked).toHaveLength(1);
      expect(marked[0]).toMatch(/blocking-write-and-flush\(output-stream, "listen: 0\\n.*\) = 0 \(INJECTED\) <0\.010/);
      expect(t.elapsedNs).toBeGreaterThanOrEqual(10e6);
      expect(t.status).toBe(0);
      expect(t.processes[0]!.stdout).toContain('read 3: 2\n');
    }
  }, T);

  it('send:max=2:when=2 shortens the non-blocking send (check-write permits 2 bytes)', async () => {
    const { out } = await both(['send:max=2:when=2']);
    expect(out).toContain('send: 5\n');
    expect(out).toContain('send 2: 2\nrecv 3: 2\ngot wo\n');
  }, T);

  it('max= on datagrams: a datagram received keeps its first N bytes, one sent carries its first N (a component client against a preview1 echo server)', async () => {
    for (const [rule, server, echo] of [['recv:max=3:process=client', '11 bytes', 'echo: hel'], ['send:max=4:process=client', '4 bytes', 'echo: hell']] as const) {
      const outs: string[][] = [];
      for (const client of ['udp_client.wasm', 'udp_client.component.wasm']) {
        const o = await run({
          processes: [
            { module: join(tmp, 'udp_echo.wasm'), name: 'server', args: ['9000', '1'] },
            { module: join(tmp, client), name: 'client', args: ['localhost', '9000', 'hello world'], startMs: 1 },
          ],
          inject: [rule],
          timeoutMs: 60_000,
        });
        expect(o.status).toBe(0);
        outs.push(o.processes.map((p) => p.stdout));
      }
      expect(outs[1]).toEqual(outs[0]);
      expect(outs[0]![0]).toContain(`${server} from 127.0.0.1:`);
      expect(outs[0]![1]).toContain(`${echo} from 127.0.0.1:9000\n`);
    }
  }, T);

  it('read:error=EINTR:when=2 interrupts the 2nd read (a stream error whose filesystem-error-code is interrupted)', async () => {
    const { out } = await both(['read:error=EINTR:when=2']);
    expect(out).toContain('read 1: 3\nread 2: -1 Interrupted system call\nread 3: 3\n');
  }, T);

  it('delay_enter and delay_exit hold the 2nd connect in virtual time', async () => {
    for (const rule of ['connect:delay_enter=150ms:when=2', 'connect:delay_exit=150ms:when=2']) {
      const { out, component } = await both([rule]);
      expect(out).toContain('connect 2: 0\nconnect 2 took 100 ms or more: 1\n');
      expect(component.elapsedNs).toBeGreaterThanOrEqual(150e6);
    }
  }, T);

  it('probability= draws from the run seed as for preview1: the same calls fail in both builds', async () => {
    const rules = ['connect:error=ECONNREFUSED:when=1:probability=0.5', 'recv:error=ECONNRESET:probability=0.5'];
    const seen = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const { out } = await both(rules, seed);
      seen.add(out.split('\n').filter((l) => /^(connect 1|recv)/.test(l)).join('|'));
    }
    // Some seeds inject and some do not.
    expect(seen.size).toBeGreaterThan(1);
  }, T);

  it('refuses an errno WASI 0.2 has no error-code for, naming the calls, before anything runs', async () => {
    await expect(runInj('component.wasm', ['connect:error=EINTR'])).rejects.toThrow(
      /--inject connect:error=EINTR: connect \(there: \[method\]tcp-socket\.start-connect, \[method\]udp-socket\.stream\) of a WASI 0.2 component cannot fail with EINTR: WASI 0.2 has no error-code for it there/,
    );
    await expect(runInj('component.wasm', ['tcp-socket.accept:error=EBADF'])).rejects.toThrow(/\[method\]tcp-socket\.accept of a WASI 0.2 component cannot fail with EBADF/);
    // The same rule is fine for a preview1 guest.
    expect((await runInj('wasm', ['connect:error=EINTR:when=1'])).processes[0]!.stdout).toContain('connect 1: -1 Interrupted system call\n');
    // Found in the worker, a usage error all the same: the CLI's status 2 (docs/cli.md), the API's InjectError.
    const cli = await runCli(['run', '--inject', '%net:error=EINTR:when=2', mod('component.wasm')]);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toBe('socklab run: --inject %net:error=EINTR:when=2: the %net calls of a WASI 0.2 component cannot fail with EINTR: WASI 0.2 has no error-code for it there (docs/components.md, "--inject")\n');
    expect(cli.stdout).toBe('');
    const api = await runInj('component.wasm', ['recv:error=EINTR']).catch((e: unknown) => e);
    expect(api).toBeInstanceOf(InjectError);
    expect((api as Error).message).toMatch(/^--inject recv:error=EINTR: recvfrom, recvmsg \(there: .*\) of a WASI 0.2 component cannot fail with EINTR/);
    // A host failure in the worker stays one (the CLI's status 1): neither refusal's class.
    const bug = await run({ processes: [{ module: 42 as unknown as Uint8Array, name: 'x' }], timeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(bug).toBeInstanceOf(Error);
    expect(bug).not.toBeInstanceOf(InjectError);
    expect(bug).not.toBeInstanceOf(ModuleError);
    expect((bug as Error).message).not.toBe('');
  }, T);
});
