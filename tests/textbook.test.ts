// Textbook socket programs (UNP, Beej's guide, TLPI, Donahoo & Calvert, course assignments: tests/c/tb*_*.c),
// each a whole client/server exchange in one forking program: built natively with
// gcc and run on this machine, built with socklab and run on the virtual network;
// stdout, stderr and the exit status must be the same. Their socket calls are
// compared with real strace's in tests/strace-diff.test.ts.
import { wellNested } from './trace-nesting.js';
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nativeTmp, ROOT, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

const dir = join(ROOT, 'tests', 'c');
const programs = readdirSync(dir).filter((f) => /^tb\d*_.*\.c$/.test(f)).sort().map((f) => f.replace(/\.c$/, ''));
const bin = tempDir('socklab-textbook-');
const MACHINE_HOSTS = readFileSync('/etc/hosts', 'utf8');

describe('textbook programs behave as on Linux', () => {
  it('wellNested finds a signal or a call inside an unfinished call', () => {
    const ok = ['[pid 1] accept(3, <unfinished ...>', '[pid 2] connect(4, ...) = 0', '[pid 1] <... accept resumed>..., [16]) = 4', '[pid 1] --- SIGCHLD {si_signo=SIGCHLD} ---'];
    expect(wellNested(ok.join('\n'))).toEqual([]);
    const bad = ['[pid 1] accept(3, <unfinished ...>', '[pid 1] --- SIGCHLD {si_signo=SIGCHLD} ---', '[pid 1] <... wait4 resumed>[...]) = 4'];
    expect(wellNested(bad.join('\n'))).toEqual([bad[1], bad[2]]);
  });

  it('finds the programs', () => {
    expect(programs.length).toBeGreaterThanOrEqual(8);
  });

  it.each(programs)('%s', async (name) => {
    needs('gcc');
    const exe = join(bin, name);
    execFileSync('gcc', ['-w', '-O0', '-o', exe, join(dir, `${name}.c`)]);
    const run = nativeTmp(bin);
    const native = spawnSync(exe, [], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'], cwd: run.cwd, env: run.env });
    expect(native.error).toBeUndefined();
    native.stdout = run.asTmp(native.stdout);
    native.stderr = run.asTmp(native.stderr);
    // Names resolve from this machine's /etc/hosts on both sides (tb_names).
    const o = await runGuest(name, [], {
      network: { hosts: [{ name: 'host1', ipv4: ['10.0.0.1'], ipv6: ['fd00::1'], etcHosts: MACHINE_HOSTS }] },
      trace: { strSize: 64, time: 'none' },
    });
    expect(native.stdout.split('\n').length).toBeGreaterThan(3);
    expect(o.stdout).toBe(native.stdout);
    expect(o.stderr).toBe(native.stderr);
    expect(o.status).toBe(native.status);
    expect(wellNested(o.trace ?? '')).toEqual([]);
  });
});
