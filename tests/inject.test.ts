// Fault injection (--inject, strace's syntax plus max= and probability=):
// the naive client that ignores write()'s count fails under short writes,
// the fixed one passes; injected errors, delays and when= counting.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { run, ROOT } from './helpers.js';
import { loadScenario } from '../dist/host/scenario/load.js';
import { parseInject } from '../dist/host/trace/inject.js';

const scenario = async (name: string) => (await loadScenario(join(ROOT, 'examples', 'short-writes', name))).spec;
const client = (o: Awaited<ReturnType<typeof run>>) => o.processes.find((p) => p.name === 'client')!;

describe('fault injection', () => {
  it('shows the naive client failing under --inject=write:max=7, and the fixed loop passing', async () => {
    const naive = await scenario('naive.yaml');
    const fixed = await scenario('fixed.yaml');
    expect(client(await run(naive)).stdout).toBe('sent 33 bytes, got back 33: a message longer than seven bytes\n');
    const broken = await run({ ...naive, inject: ['write:max=7'] });
    expect(client(broken).stdout).toBe('sent 33 bytes, got back 7: a messa\n');
    expect(client(broken).exit.code).toBe(1);
    const ok = await run({ ...fixed, inject: ['write:max=7'], trace: { classes: ['desc'] } });
    expect(client(ok).stdout).toBe('sent 33 bytes, got back 33: a message longer than seven bytes\n');
    expect(ok.trace).toMatch(/\[pid 2\] [\d.]+ write\(3<TCP:\[[^\]]*\]>, "a message longer than seven byte"\.\.\., 33\) = 7 \(INJECTED\)/);
  });

  it('injects an errno on the chosen call only, marked in the trace', async () => {
    const fixed = await scenario('fixed.yaml');
    const o = await run({ ...fixed, inject: ['connect:error=ECONNREFUSED:when=1'], trace: { classes: ['net'] } });
    expect(client(o).stderr).toBe('connect: Connection refused\n');
    expect(o.trace).toMatch(/connect\(3<TCP:\[\d+\]>, .* = -1 ECONNREFUSED \(Connection refused\) \(INJECTED\)/);
  });

  it('injects only into the processes a rule names (process=NAME)', async () => {
    const naive = await scenario('naive.yaml');
    const names = naive.processes.map((p) => p.name);
    expect(names).toContain('client');
    const other = names.find((n) => n !== 'client')!;
    // Aimed at the other process, the client's writes are left whole.
    const elsewhere = await run({ ...naive, inject: [`write:max=7:process=${other}`], trace: { classes: ['desc'] } });
    expect(client(elsewhere).stdout).toBe('sent 33 bytes, got back 33: a message longer than seven bytes\n');
    // Aimed at the client (by a pattern), they are cut.
    const aimed = await run({ ...naive, inject: ['write:max=7:process=cli*'], trace: { classes: ['desc'] } });
    expect(client(aimed).stdout).toBe('sent 33 bytes, got back 7: a messa\n');
    expect(aimed.trace).not.toMatch(/^\[pid 1\].*\(INJECTED\)/m);
    expect(() => parseInject('write:max=7:process=')).toThrow(/process=NAME needs a name/);
  });

  it('delays a call in virtual time', async () => {
    const fixed = await scenario('fixed.yaml');
    const plain = await run(fixed);
    const slow = await run({ ...fixed, inject: ['connect:delay_enter=2s'] });
    expect(client(slow).stdout).toBe(client(plain).stdout);
    expect(slow.elapsedNs - plain.elapsedNs).toBeGreaterThanOrEqual(2e9);
  });

  it('parses strace when= expressions and refuses bad rules', () => {
    expect(parseInject('read:error=EINTR:when=3')).toMatchObject({ first: 3, last: 3, step: 1, error: 27 });
    expect(parseInject('read:error=EINTR:when=2+')).toMatchObject({ first: 2, last: Infinity, step: 1 });
    expect(parseInject('read:error=EAGAIN:when=2..10+4')).toMatchObject({ first: 2, last: 10, step: 4 });
    expect(parseInject('%net:max=1:probability=0.5').classes.has('net')).toBe(true);
    expect(() => parseInject('read:error=ENOTANERRNO')).toThrow(/unknown errno ENOTANERRNO/);
    expect(() => parseInject('read:when=1')).toThrow(/say what to inject/);
    // A mistyped part names the part meant, or lists them all.
    expect(() => parseInject('write:eror=EIO')).toThrow('--inject: unknown part "eror=EIO" (did you mean error=?)');
    expect(() => parseInject('write:bogus=1')).toThrow(/unknown part "bogus=1"; the parts are error=, retval=, max=, delay_enter=, delay_exit=, when=, probability=, process=$/);
  });

  it('draws injections with a probability from the seed: same seed, same faults', async () => {
    const fixed = await scenario('fixed.yaml');
    const a = await run({ ...fixed, seed: 4, inject: ['write:max=3:probability=0.5'], trace: { classes: ['desc'] } });
    const b = await run({ ...fixed, seed: 4, inject: ['write:max=3:probability=0.5'], trace: { classes: ['desc'] } });
    expect(b.trace).toBe(a.trace);
    expect(client(a).stdout).toBe('sent 33 bytes, got back 33: a message longer than seven bytes\n');
  });
});

describe('more injection forms', () => {
  it('retval= makes a call succeed with that count without running it; delay_exit= holds the result back', async () => {
    const fixed = (await loadScenario(join(ROOT, 'examples', 'short-writes', 'fixed.yaml'))).spec;
    // The client's first write "succeeds" with 5 bytes but sends nothing: the echo lacks the first 5 bytes.
    const o = await run({ ...fixed, inject: ['write:retval=5:when=1'], trace: { pids: [2], classes: ['write'] } });
    expect(o.trace).toMatch(/\] [\d.]+ write\(3<TCP:[^\n]*\) = 5 \(INJECTED\)/);
    expect(client(o).stdout).toBe('sent 33 bytes, got back 28: sage longer than seven bytes\n');
    const plain = await run(fixed);
    const slow = await run({ ...fixed, inject: ['connect:delay_exit=1s'] });
    expect(client(slow).stdout).toBe(client(plain).stdout);
    // The peer goes on while the result is held back, so the run is longer by almost the whole delay.
    expect(slow.elapsedNs - plain.elapsedNs).toBeGreaterThan(0.99e9);
  });
});
