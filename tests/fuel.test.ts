// The deterministic CPU budget (--fuel): guests count their own work, so a
// CPU limit is the same on every machine and every run; a loop that makes no
// syscall is preempted and cannot starve the others; without --fuel nothing
// changes.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { guest, run, ROOT } from './helpers.js';

const sleeper = join(ROOT, 'wasm', 'tests', 'examples_sleeper.wasm');

describe('fuel: a deterministic CPU limit', () => {
  it('kills a syscall-free infinite loop with SIGXCPU at the same count and virtual time on every run', async () => {
    const spec = { processes: [{ module: guest('fuel_work'), name: 'spin', args: ['0'] }], fuel: 20_000_000, timeoutMs: 60_000 };
    const a = await run(spec);
    const b = await run(spec);
    expect(a.status).toBe(152);
    expect(a.stdout).toBe('working\n');
    expect(a.processes[0]!.exit).toMatchObject({ signal: 'SIGXCPU', status: 152, reason: 'CPU limit exceeded: used more than 20000000 fuel units' });
    expect(a.processes[0]!.exit.fuel).toBeGreaterThan(20_000_000);
    expect(b.processes[0]!.exit).toEqual(a.processes[0]!.exit);
    expect(b.elapsedNs).toBe(a.elapsedNs);
    // Each unit costs 2 virtual ns: the run's virtual time is the work done.
    expect(a.elapsedNs).toBeGreaterThanOrEqual(40_000_000);
  });

  it('counts finite work exactly, the same on every run, and lets it finish under the limit', async () => {
    const spec = { processes: [{ module: guest('fuel_work'), name: 'work', args: ['2000'] }], fuel: 1_000_000_000, timeoutMs: 60_000 };
    const a = await run(spec);
    const b = await run(spec);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe('working\ntotal steps 134100\n');
    expect(a.processes[0]!.exit.fuel).toBe(b.processes[0]!.exit.fuel);
    expect(a.processes[0]!.exit.fuel).toBeGreaterThan(134100);
    const tight = await run({ ...spec, fuel: a.processes[0]!.exit.fuel! - 1 });
    expect(tight.status).toBe(152);
    const exact = await run({ ...spec, fuel: a.processes[0]!.exit.fuel! });
    expect(exact.status).toBe(0);
  });

  it('preempts a spinning guest, so a guest beside it still runs to the end', async () => {
    const o = await run({
      processes: [
        { module: guest('fuel_work'), name: 'spin', args: ['0'] },
        { module: sleeper, name: 'sleeper', args: ['s', '5', '3'] },
      ],
      fuel: 200_000_000,
      timeoutMs: 60_000,
    });
    const [spin, sleepy] = o.processes;
    expect(sleepy!.exit.status).toBe(0);
    expect(sleepy!.stdout.trim().split('\n')).toHaveLength(3);
    expect(spin!.exit.signal).toBe('SIGXCPU');
  });

  it('leaves a run without --fuel uncounted', async () => {
    const o = await run({ processes: [{ module: guest('fuel_work'), name: 'work', args: ['100'] }], timeoutMs: 60_000 });
    expect(o.status).toBe(0);
    expect(o.processes[0]!.exit.fuel).toBeUndefined();
  });

  it('stops a run at its virtual time limit', async () => {
    const o = await run({ processes: [{ module: sleeper, name: 'sleeper', args: ['s', '1000', '10'] }], maxVirtualMs: 2500, timeoutMs: 60_000 });
    expect(o.status).toBe(124);
    expect(o.limit).toBe('virtual time limit exceeded: the run passed 2.5 s of virtual time');
    expect(o.processes[0]!.stdout.trim().split('\n')).toHaveLength(2);
  });
});
