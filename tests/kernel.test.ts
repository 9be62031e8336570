// The foundation, through whole C guests: argv/env, exit codes, stdio,
// virtual clocks, seeded randomness, containment of traps and runaway guests,
// EFAULT on bad pointers, modules built elsewhere.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { guest, run, runGuest, ROOT } from './helpers.js';

describe('process basics', () => {
  it('passes argv (argv[0] is the module name) and only the given environment', async () => {
    const o = await runGuest('kernel_args', ['one', 'two words'], { env: ['A=1', 'EXIT_CODE=0'] });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe('argc=3\nargv[0]=kernel_args.wasm\nargv[1]=one\nargv[2]=two words\nenv[0]=A=1\nenv[1]=EXIT_CODE=0\nnenv=2\n');
  });

  it("reports the guest's exit status", async () => {
    const o = await runGuest('kernel_args', [], { env: ['EXIT_CODE=42'] });
    expect(o.status).toBe(42);
    expect(o.processes[0]!.exit).toMatchObject({ code: 42, status: 42 });
  });

  it('copies stdin to stdout through short reads and sees EOF', async () => {
    const input = 'the quick brown fox\njumps over\nthe lazy dog\n'.repeat(50);
    const o = await runGuest('kernel_cat', [], { stdin: input });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(input);
    expect(o.stderr).toBe(`copied ${input.length} bytes\n`);
  });

  it("answers WASI's socket calls on non-socket fds with ENOTSOCK", async () => {
    const o = await runGuest('kernel_notsock', [], { stdin: 'data' });
    expect(o.stdout).toBe(
      'sock_recv on stdin: ENOTSOCK\n' +
        'sock_send on stdout: ENOTSOCK\n' +
        'sock_accept on the preopened dir: ENOTSOCK\n' +
        'sock_shutdown on stderr: ENOTSOCK\n' +
        'sock_recv on a closed fd: EBADF\n',
    );
    expect(o.status).toBe(0);
  });

  it('runs a module built elsewhere (hand-written .wat assembled to .wasm)', async () => {
    const o = await run({ processes: [{ module: join(ROOT, 'tests', 'fixtures', 'answer.wasm') }] });
    expect(o.stdout).toBe('42\n');
    expect(o.status).toBe(3);
  });
});

describe('virtual time and seeded randomness', () => {
  it('sleeps in virtual time, lets busy-waits see time pass, and starts at a fixed date', async () => {
    const o = await runGuest('kernel_clock');
    expect(o.status).toBe(0);
    expect(o.stdout).toMatch(/^after sleep\(5\): 500\d ms\nafter nanosleep\(250ms\): 525\d ms\nbusy-wait ended: yes\nyear=2026\n$/);
    // 5.3 virtual seconds passed; the clock moved by events, not by waiting.
    expect(o.elapsedNs).toBeGreaterThanOrEqual(5.3e9);
  });

  it('gives the same random bytes for the same seed and different ones for another', async () => {
    const a = await runGuest('kernel_random', [], { seed: 7 });
    const b = await runGuest('kernel_random', [], { seed: 7 });
    const c = await runGuest('kernel_random', [], { seed: 8 });
    expect(a.stdout).toMatch(/^[0-9a-f]{32}\n$/);
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it('interleaves two sleeping processes the same way on every run', async () => {
    const spec = {
      processes: [
        { module: guest('examples_sleeper'), name: 'a', args: ['a', '300', '4'] },
        { module: guest('examples_sleeper'), name: 'b', args: ['b', '200', '5'] },
      ],
      seed: 3,
    };
    const order = (o: Awaited<ReturnType<typeof run>>): string[] => {
      const lines: string[] = [];
      for (const p of o.processes) for (const l of p.stdout.trim().split('\n')) lines.push(l);
      return lines.sort((x, y) => Number(/at (\d+)/.exec(x)![1]) - Number(/at (\d+)/.exec(y)![1]) || x.localeCompare(y));
    };
    const r1 = await run(spec);
    const r2 = await run(spec);
    expect(r1.status).toBe(0);
    expect(r1.processes.map((p) => p.stdout)).toEqual(r2.processes.map((p) => p.stdout));
    expect(order(r1)).toEqual([
      'b: round 1 at 200 ms', 'a: round 1 at 300 ms', 'b: round 2 at 400 ms', 'a: round 2 at 600 ms', 'b: round 3 at 600 ms',
      'b: round 4 at 800 ms', 'a: round 3 at 900 ms', 'b: round 5 at 1000 ms', 'a: round 4 at 1200 ms',
    ]);
    expect(r1.elapsedNs).toBeGreaterThanOrEqual(1.2e9);
  });
});

describe('containment', () => {
  it.each([
    ['abort', 'SIGABRT', 134],
    ['segv', 'SIGSEGV', 139],
    ['div', 'SIGFPE', 136],
    ['stack', 'SIGSEGV', 139],
  ])('a guest that dies by %s is reported as %s and the other process goes on', async (how, sig, status) => {
    const o = await run({
      processes: [
        { module: guest('kernel_trap'), name: 'crash', args: [how] },
        { module: guest('kernel_cat'), name: 'healthy', stdin: 'still here\n' },
      ],
    });
    const [crash, healthy] = o.processes;
    expect(crash!.stdout).toBe(`about to ${how}\n`);
    expect(crash!.exit.signal).toBe(sig);
    expect(crash!.exit.status).toBe(status);
    expect(crash!.exit.reason).toMatch(new RegExp(`killed by ${sig}: wasm trap`));
    expect(healthy!.exit.status).toBe(0);
    expect(healthy!.stdout).toBe('still here\n');
    expect(o.status).toBe(status);
  });

  it('stops an infinite loop with the wall-clock timeout and names it', async () => {
    const o = await runGuest('kernel_loop', [], { timeoutMs: 1500 });
    expect(o.status).toBe(124);
    expect(o.limit).toMatch(/time limit exceeded: .*1\.5 s.*kernel_loop\.wasm \(pid 1\) was running/);
    expect(o.stdout).toBe('spinning\n');
  });

  it('stops a memory hog at --max-memory', async () => {
    const o = await runGuest('kernel_hog', [], { maxMemory: 16 << 20 });
    expect(o.status).toBe(137);
    expect(o.processes[0]!.exit.reason).toMatch(/memory limit exceeded: .*the limit is 16 MiB/);
  });

  it('stops an output flood at --max-output, keeping what fit', async () => {
    const o = await runGuest('kernel_flood', [], { maxOutput: 100_000 });
    expect(o.status).toBe(153);
    expect(o.processes[0]!.exit.reason).toMatch(/output limit exceeded/);
    expect(o.stdout.length).toBe(100_000);
    expect(o.stdout.startsWith('line 0: all work')).toBe(true);
  });

  it('answers bad pointers with EFAULT and keeps running', async () => {
    const o = await runGuest('kernel_efault', [], { stdin: 'abc' });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(
      [
        'fd_write bad iovec array: Bad address',
        'fd_write bad buffer: Bad address',
        'fd_write length past memory: Bad address',
        'fd_write bad nwritten: Bad address',
        'fd_write bad fd: Bad file descriptor',
        'clock_time_get bad out: Bad address',
        'clock_time_get bad clock: Invalid argument',
        'random_get bad buffer: Bad address',
        'args_sizes_get bad out: Bad address',
        'read into bad buffer: -1 Bad address',
        'still alive',
        '',
      ].join('\n'),
    );
  });
});
