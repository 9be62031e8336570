// Calls the syscall fuzzer found crashing the host (tests/c/fuzz_regress.c):
// socklab gives the errno Linux gives, compared with the same program built
// natively with gcc and run on this machine.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

describe('fuzzer regressions', () => {
  it('fuzz_regress matches Linux, and no call is an internal error', async () => {
    const exe = join(tempDir('socklab-fuzz-'), 'fuzz_regress');
    needs('gcc');
    execFileSync('gcc', ['-O1', '-w', '-o', exe, join(ROOT, 'tests', 'c', 'fuzz_regress.c')]);
    const native = spawnSync(exe, [], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(native.status).toBe(0);
    const o = await runGuest('fuzz_regress');
    expect(o.processes.map((p) => p.exit.reason ?? '')).toEqual(['']);
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(native.stdout);
  });
});
