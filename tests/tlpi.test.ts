// Kerrisk's The Linux Programming Interface, chapters 56-61 and 63: its socket programs (tests/c/tl_*.c,
// each a server and its clients with the parts of the book's library they use, in one forking program),
// built natively with gcc and run on this machine, built with socklab and run on the virtual network:
// stdout, stderr and the exit status must be the same, and every call must be traced well nested.
import { wellNested } from './trace-nesting.js';
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nativeTmp, ROOT, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

const dir = join(ROOT, 'tests', 'c');
const programs = readdirSync(dir).filter((f) => /^tl_.*\.c$/.test(f)).sort().map((f) => f.replace(/\.c$/, ''));
const bin = tempDir('socklab-tlpi-');
const MACHINE_HOSTS = readFileSync('/etc/hosts', 'utf8');

/** Ephemeral ports (a client's, and the servers' port 0) are the kernel's choice: "(host, PORT)" on both sides. */
const ports = (text: string) => text.replace(/\(([^,()]+), [^()]+\)/g, '($1, PORT)');
/**
 * What differs between runs: ports, and the pids in the names of ud_ucase_cl's sockets and in credentials.
 * demo_sigio's count of its busy loops when SIGIO came. And the data model: scm_cred_recv prints SO_PEERCRED's uid_t (unsigned) as a long, and an unconnected
 * socket's "no one" is uid -1: 4294967295 with gcc's 64-bit long, -1 with wasm32's 32-bit long.
 */
const normal = (text: string) =>
  ports(text)
    .replace(/cnt=\d+;/g, 'cnt=N;')
    .replace(/(ud_ucase_cl\.|pid=)\d+/g, '$1PID')
    .replace(/\b(euid|egid)=4294967295\b/g, '$1=-1');

describe('TLPI socket programs behave as on Linux', () => {
  it('finds the programs', () => {
    expect(programs.length).toBeGreaterThanOrEqual(9);
  });

  it.each(programs)('%s', async (name) => {
    needs('gcc');
    const exe = join(bin, name);
    execFileSync('gcc', ['-w', '-O0', '-o', exe, join(dir, `${name}.c`)]);
    const run = nativeTmp(bin);
    const native = spawnSync(exe, [], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'], cwd: run.cwd, env: run.env });
    expect(native.error).toBeUndefined();
    const o = await runGuest(name, [], {
      network: { hosts: [{ name: 'host1', ipv4: ['10.0.0.1'], ipv6: ['fd00::1'], etcHosts: MACHINE_HOSTS }] },
      trace: { strSize: 64, time: 'none' },
    });
    expect(native.stdout.split('\n').length).toBeGreaterThan(3);
    expect(normal(o.stdout)).toBe(normal(run.asTmp(native.stdout)));
    expect(normal(o.stderr)).toBe(normal(run.asTmp(native.stderr)));
    expect(o.status).toBe(native.status);
    expect(wellNested(o.trace ?? '')).toEqual([]);
  });
});
