// A host exception inside a syscall handler (a host bug, not an Errno) ends
// only the calling process, with one clean line naming the call and its
// arguments, SIGSYS and status 159; the other processes and the run go on.
import { describe, expect, it } from 'vitest';
import { Session } from '../dist/host/runner/session.js';
import type { SyscallDef } from '../dist/host/kernel/syscall.js';
import type { Process } from '../dist/host/kernel/process.js';
import { guest } from './helpers.js';

function session(trace: string[], out: Map<number, string>): Session {
  const s = new Session(
    {
      seed: 3,
      processes: [
        { module: guest('kernel_args'), name: 'a.wasm', args: ['x'] },
        { module: guest('kernel_args'), name: 'b.wasm', args: ['y'] },
      ],
      trace: { format: 'text' },
    },
    {
      output: (pid, _fd, b) => out.set(pid, (out.get(pid) ?? '') + new TextDecoder().decode(b)),
      trace: (t) => trace.push(t),
    },
  );
  return s;
}

describe('a host exception in a syscall handler', () => {
  it('ends the caller with SIGSYS (159) and one line; the others run to the end', async () => {
    const trace: string[] = [];
    const out = new Map<number, string>();
    const s = session(trace, out);
    s.kernel.interceptor = {
      wants: (d: SyscallDef) => d.name === 'fd_write',
      intercept: (p: Process, _d: SyscallDef, _a: readonly number[], invoke: (a?: readonly number[]) => number) => {
        if (p.pid === 1) {
          const e = new TypeError("Cannot read properties of undefined (reading 'port') at file:///work/x/dist/host/net/ops.js:12:3");
          throw e;
        }
        return invoke();
      },
    };
    const r = await s.run();
    const [a, b] = r.processes;
    expect(a!.exit.status).toBe(159);
    expect(a!.exit.signal).toBe('SIGSYS');
    expect(a!.exit.reason).toMatch(/^internal error in fd_write\(1, 0x[0-9a-f]+, \d+, 0x[0-9a-f]+\): TypeError: Cannot read properties of undefined \(reading 'port'\) at <host path>$/);
    expect(a!.exit.reason).not.toMatch(/\/work|\n|\.js/);
    expect(b!.exit.status).toBe(0);
    expect(out.get(2)).toContain('argv[1]=y');
    expect(r.status).toBe(159);
    const text = trace.join('');
    expect(text).toMatch(/\[pid 1\].*\+\+\+ killed by SIGSYS \+\+\+/);
    expect(text).toMatch(/\[pid 2\].*\+\+\+ exited with 0 \+\+\+/);
  });

  it('a thrown non-Error is reported the same way', async () => {
    const s = session([], new Map());
    s.kernel.interceptor = {
      wants: (d: SyscallDef) => d.name === 'args_sizes_get',
      intercept: () => {
        throw 'a string';
      },
    };
    const r = await s.run();
    for (const p of r.processes) {
      expect(p.exit.status).toBe(159);
      expect(p.exit.reason).toMatch(/^internal error in args_sizes_get\(0x[0-9a-f]+, 0x[0-9a-f]+\): thrown string: a string$/);
    }
  });
});
