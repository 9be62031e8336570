// posix_spawn and posix_spawnp (guest/c/src/spawn.c): the same C program built by gcc and run by Linux
// prints the same; the child's file actions and exec, a failure's errno as the result and the child reaped,
// in the trace. (tests/strace-diff.test.ts compares the failures' calls with strace's.)
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { guest, ROOT, run, tempDir } from './helpers.js';
import { needs } from './tools.js';

const T = 60_000;

async function runSpawnMain(trace?: string) {
  const wasm = tempDir('socklab-spawn-wasm-');
  copyFileSync(guest('spawn_child'), join(wasm, 'spawn_child'));
  return run({
    processes: [{ module: guest('spawn_main'), name: 'spawn_main', args: ['/progs', '/tmp'] }],
    mounts: [{ host: wasm, guest: '/progs', readonly: true }],
    timeoutMs: T,
    ...(trace ? { trace: { file: trace } } : {}),
  });
}

describe('posix_spawn', () => {
  it('POSIX_SPAWN_RESETIDS: the child runs with the real ids as its effective ones, as gcc\'s build as root', async () => {
    needs('gcc');
    const native = tempDir('socklab-spawn-resetids-');
    // The child execs as uid 65534: the directory must let it in (mkdtemp makes it 0700).
    chmodSync(native, 0o755);
    const exe = join(native, 'spawn_resetids');
    execFileSync('gcc', ['-O1', '-w', '-o', exe, join(ROOT, 'tests', 'c', 'spawn_resetids.c')]);
    const linux = execFileSync(exe, [exe], { encoding: 'utf8' });
    expect(linux).toBe('child: euid 65534 egid 65534\nparent: euid 0, child status 0\n');
    const wasm = tempDir('socklab-spawn-resetids-wasm-');
    copyFileSync(guest('spawn_resetids'), join(wasm, 'spawn_resetids'));
    const o = await run({ processes: [{ module: guest('spawn_resetids'), args: ['/progs/spawn_resetids'] }], mounts: [{ host: wasm, guest: '/progs', readonly: true }], timeoutMs: T });
    expect(o.status, o.stderr).toBe(0);
    expect(o.stdout).toBe(linux);
  });

  it('redirects, sets attributes and fails as glibc does on Linux', async () => {
    needs('gcc');
    const native = tempDir('socklab-spawn-native-');
    const out = join(native, 'out');
    mkdirSync(out);
    for (const prog of ['spawn_main', 'spawn_child']) execFileSync('gcc', ['-O1', '-w', '-o', join(native, prog), join(ROOT, 'tests', 'c', `${prog}.c`)]);
    const linux = execFileSync(join(native, 'spawn_main'), [native, out], { encoding: 'utf8' });
    const o = await runSpawnMain();
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(linux);
    // What the program checks, spelt out (so a Linux change cannot make both sides wrong together).
    expect(o.stdout).toContain('spawn to a file: waited the child, exit 3\nthe file holds 82 bytes: child: to-a-file |');
    expect(o.stdout).toContain('spawn to a pipe: Success; read child: to-a-pipe |');
    expect(o.stdout).toContain('child: by-spawnp | own pgrp: yes, own session: yes, USR1 blocked: yes, USR2: default\n');
    expect(o.stdout).toContain('child: by-spawnp | own pgrp: yes, own session: no, USR1 blocked: no, USR2: ignored\n');
    expect(o.stdout).toContain('child: after-chdir |');
    expect(o.stdout).toContain('spawn missing: No such file or directory, pid untouched\nspawn missing: no child left: yes\n');
    expect(o.stdout).toContain('spawnp missing: No such file or directory\nspawnp missing: no child left: yes\n');
    expect(o.stdout).toContain('spawn with a failing open: No such file or directory\nspawn with a failing open: no child left: yes\n');
    expect(o.stdout).toContain('spawn with a dup2 of a closed fd: Bad file descriptor\n');
    expect(o.stdout).toContain('setflags 0x100: Invalid argument\n');
    expect(o.stdout).toContain('spawn with fchdir to a file: Not a directory\n');
    expect(o.stdout).toContain('spawn with fchdir to a closed fd: Bad file descriptor\n');
    expect(o.stdout).toContain('addclose -1: Bad file descriptor\nadddup2 1 -> -1: Bad file descriptor\naddopen -2: Bad file descriptor\n');
  });

  it('traces the fork, the file actions and exec in the child, and the reaping of a child that could not exec; the same every run', async () => {
    const t = tempDir('socklab-spawn-trace-');
    await runSpawnMain(join(t, 'a'));
    const text = readFileSync(join(t, 'a'), 'utf8');
    const plain = text.split('\n').map((l) => l.replace(/ \d+\.\d+ /, ' ').replace(/ <[\d.]+>$/, '').replace(/\s+= /, ' = '));
    // The first spawn: stdout onto the file (open lands on fd 1, closed first), then the exec.
    const first = /^\[pid (\d+)\] clone\(.*\) = (\d+)$/.exec(plain.find((l) => l.includes('clone(')) ?? '');
    expect(first).not.toBeNull();
    const child = first![2]!;
    // Its system calls (socklab_preopen is the SDK's own lookup of the preopened directories).
    const mine = plain.filter((l) => l.startsWith(`[pid ${child}] `)).map((l) => l.slice(`[pid ${child}] `.length)).filter((l) => /^(?:close|openat|dup2|execve)\(/.test(l));
    expect(mine.slice(0, 4)).toEqual([
      'close(3<pipe:[1048576]>) = 0',
      'close(1<pipe:[2]>) = 0',
      'openat(AT_FDCWD, "/tmp/spawn_out.txt", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 1</tmp/spawn_out.txt>',
      expect.stringMatching(/^execve\("\/progs\/spawn_child", \["spawn_child", "to-a-file"\], 0x[0-9a-f]+ \/\* 1 var \*\/\) = 0$/),
    ]);
    // A missing program: ENOENT in the child, its errno through the pipe, exit 127, reaped by posix_spawn.
    const i = plain.findIndex((l) => l.includes('execve("/progs/no_such_program"') && l.includes('ENOENT'));
    expect(i).toBeGreaterThan(0);
    const pid = /^\[pid (\d+)\]/.exec(plain[i]!)![1]!;
    const after = plain.slice(i);
    expect(after).toContain(`[pid ${pid}] +++ exited with 127 +++`);
    expect(after.find((l) => l.includes('wait4('))).toBe(`[pid 1] wait4(${pid}, NULL, 0, NULL) = ${pid}`);
    const t2 = join(t, 'b');
    await runSpawnMain(t2);
    expect(readFileSync(t2, 'utf8')).toBe(text);
  });
});
