// The untraced fast path of calls that return at once (SyscallDef.fast,
// Process.fastCall) must behave exactly like the general dispatch that a
// trace or fault injection selects: same results, same virtual time.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { guest, run, runGuest, tempDir } from './helpers.js';
import { loadModule } from '../dist/host/loader/module.js';
import { KNOWN_IMPORTS, ASYNC_IMPORTS } from '../dist/host/syscalls.js';

describe('fast syscall path', () => {
  it('gives the same output and virtual time traced (general path) and untraced (fast path)', async () => {
    const fast = await runGuest('kernel_clock');
    const traced = await runGuest('kernel_clock', [], { trace: {} });
    expect(fast.status).toBe(0);
    expect(traced.stdout).toBe(fast.stdout);
    expect(traced.elapsedNs).toBe(fast.elapsedNs);
    expect(traced.trace).toMatch(/clock_gettime\(CLOCK_MONOTONIC, \{tv_sec=5, tv_nsec=\d+\}\) = 0/);
  });

  it('keeps a busy process beside sleeping ones on the same schedule, traced or not (a lone one skips its yields)', async () => {
    const spec = {
      processes: [
        { module: guest('kernel_clock'), name: 'busy' },
        { module: guest('examples_sleeper'), name: 'a', args: ['a', '300', '4'] },
        { module: guest('examples_sleeper'), name: 'b', args: ['b', '200', '5'] },
      ],
      seed: 5,
    };
    const fast = await run(spec);
    const traced = await run({ ...spec, trace: {} });
    expect(fast.status).toBe(0);
    expect(traced.processes.map((p) => p.stdout)).toEqual(fast.processes.map((p) => p.stdout));
    expect(traced.elapsedNs).toBe(fast.elapsedNs);
  });

  it('answers bad pointers and clocks the same on both paths', async () => {
    const fast = await runGuest('kernel_efault', [], { stdin: 'abc' });
    const traced = await runGuest('kernel_efault', [], { stdin: 'abc', trace: {} });
    expect(fast.stdout).toContain('clock_time_get bad out: Bad address\nclock_time_get bad clock: Invalid argument\n');
    expect(traced.stdout).toBe(fast.stdout);
    expect(traced.trace).toContain('clock_gettime(CLOCK_MONOTONIC, 0xfffffff0) = -1 EFAULT (Bad address)');
    expect(traced.trace).toMatch(/clock_gettime\(0x4d \/\* CLOCK_\?\?\? \*\/, 0x[0-9a-f]+\) = -1 EINVAL \(Invalid argument\)/);
  });

  it('records traced fast calls to a file as the tracer prints them directly: failures, bad pointers, forked children', async () => {
    // A trace to a file takes each fast call through an import compiled for it with its recorder (tracedImportFor).
    const dir = tempDir('socklab-fastrec-');
    const file = join(dir, 'out.trace');
    for (const format of ['text', 'jsonl'] as const) {
      for (const [name, args, stdin] of [['kernel_efault', [], 'abc'], ['diff_fork_wait', [], ''], ['trace_clock_edges', [], '']] as const) {
        const spec = { seed: 7, processes: [{ module: guest(name), args: [...args] }], ...(stdin ? { stdin } : {}) };
        const direct = await run({ ...spec, trace: { format } });
        const viaFile = await run({ ...spec, trace: { format, file } });
        expect(viaFile.status, name).toBe(direct.status);
        expect(viaFile.stdout, name).toBe(direct.stdout);
        expect(readFileSync(file, 'utf8'), `${name} ${format}`).toBe(direct.trace);
      }
    }
  });

  it('imports clock_time_get without its i64 precision, split in two i32s (no BigInt per call)', async () => {
    const m = await loadModule(readFileSync(guest('kernel_clock')), 'kernel_clock.wasm', ASYNC_IMPORTS, KNOWN_IMPORTS);
    const names = WebAssembly.Module.imports(m.module).map((i) => `${i.module}.${i.name}`);
    expect(names).toContain('wasi_snapshot_preview1.clock_time_get$i32');
    expect(names).not.toContain('wasi_snapshot_preview1.clock_time_get');
  });

  it('leaves a fast call to fault injection when one is asked for', async () => {
    const o = await runGuest('kernel_efault', [], { stdin: 'abc', inject: ['clock_gettime:error=EIO:when=1'] });
    expect(o.stdout).toContain('clock_time_get bad out: Input/output error\nclock_time_get bad clock: Invalid argument\n');
  });
});
