// prctl(2) and fchdir(2) (docs/abi.md "prctl and fchdir"): diff_prctl and
// prctl_reap print what they find, compared with their gcc builds' output on
// this machine (the traces are compared in strace-diff.test.ts); then what
// the trace shows of a parent-death signal, and a program's own name.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { guest, nativeStdout, ROOT, run, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

const bin = tempDir('socklab-prctl-');
const T = 60_000;

describe('prctl and fchdir against Linux', () => {
  it('diff_prctl prints what the gcc build prints', async () => {
    needs('gcc');
    const want = nativeStdout('diff_prctl', bin);
    const o = await runGuest('diff_prctl');
    expect(o.status, o.stderr).toBe(0);
    expect(want).toContain('worker: signal 15 code SI_USER from the dead parent yes, now a child of another');
    expect(want).toContain('nobody: fchdir(0700 dir) = -1 Permission denied');
    expect(o.stdout).toBe(want);
  });

  it('prctl_reap: a subreaper adopts, hears and reaps orphans; a parent-death SIGKILL; a new effective id clears pdeathsig and dumpable; execve resets the name', async () => {
    needs('gcc');
    const native = tempDir('socklab-prctl-native-');
    const wasm = tempDir('socklab-prctl-wasm-');
    execFileSync('gcc', ['-O1', '-w', '-o', join(native, 'prctl_reap'), join(ROOT, 'tests', 'c', 'prctl_reap.c')]);
    copyFileSync(guest('prctl_reap'), join(wasm, 'prctl_reap'));
    const r = spawnSync(join(native, 'prctl_reap'), [native], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    const o = await run({ processes: [{ module: guest('prctl_reap'), name: 'prctl_reap.wasm', args: ['/progs'] }], mounts: [{ host: wasm, guest: '/progs', readonly: true }], timeoutMs: T });
    expect(o.status, o.stderr).toBe(0);
    expect(o.stdout.split('\n')).toEqual([
      'middle reaped: yes, status 4',
      'grandchild adopted: yes',
      'subreaper waited for the grandchild: yes, status 9',
      'SIGCHLDs 2, one from the grandchild: yes',
      'then: -1 No child processes',
      'reaped 2, killed by SIGKILL 1',
      'without a subreaper the orphan\'s parent is init',
      'same ids: dumpable 1 pdeathsig 15',
      'saved uid only: dumpable 1 pdeathsig 15',
      'egid: dumpable 0 pdeathsig 0',
      'setuid: dumpable 0 pdeathsig 0',
      'after execve: name prctl_reap, pdeathsig 10, dumpable 1, keepcaps 0, no_new_privs 1',
      'exec\'d child status 0',
      '',
    ]);
    expect(o.stdout).toBe(r.stdout);
  });

  it('a started program is named after its module, less .wasm', async () => {
    const o = await runGuest('prctl_reap', ['show']);
    expect(o.status, o.stderr).toBe(0);
    expect(o.stdout).toBe('after execve: name prctl_reap, pdeathsig 0, dumpable 1, keepcaps 0, no_new_privs 0\n');
  });

  it('the parent-death signal comes from the dead parent (SI_USER, its pid), after its exit; fchdir shows the directory', async () => {
    const o = await runGuest('diff_prctl', [], { trace: { classes: ['prctl', 'fchdir'], strSize: 64, time: 'none', library: false } });
    expect(o.status, o.stderr).toBe(0);
    const lines = (o.trace ?? '').split('\n').map((l) => l.replace(/ <\d+\.\d+>$/, '').replace(/ +=/, ' ='));
    const set = lines.findIndex((l) => l.endsWith('prctl(PR_SET_PDEATHSIG, SIGTERM) = 0'));
    expect(set).toBeGreaterThan(0);
    const worker = /^\[pid +(\d+)\]/.exec(lines[set]!)![1]!;
    const exit = lines.findIndex((l, i) => i > set && /\+\+\+ exited with 0 \+\+\+$/.test(l) && !l.startsWith(`[pid ${worker}]`));
    const dead = /^\[pid +(\d+)\]/.exec(lines[exit]!)![1]!;
    expect(Number(dead)).toBe(Number(worker) - 1);
    // Delivered as the worker next runs (the parent's SIGCHLD line may come first, as the scheduler picks).
    expect(lines.slice(exit + 1).find((l) => l.startsWith(`[pid ${worker}] `))).toBe(`[pid ${worker}] --- SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=${dead}, si_uid=0} ---`);
    expect(lines).toContain('[pid 1] fchdir(4</fchd>) = 0');
    expect(lines).toContain('[pid 1] fchdir(5</fchd/f>) = -1 ENOTDIR (Not a directory)');
    expect(lines).toContain('[pid 1] prctl(PR_GET_DUMPABLE) = 1 (SUID_DUMP_USER)');
    expect(lines.filter((l) => /EACCES/.test(l))).toEqual(['[pid 10] fchdir(6</locked>) = -1 EACCES (Permission denied)']);
  });
});
