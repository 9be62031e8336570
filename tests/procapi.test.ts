// Resource limits, sessions and daemon(3) (docs/abi.md "Resource limits,
// sessions and process groups, sigaltstack"). diff_procapi and
// procapi_daemon print what they find; the gcc build's output on this
// machine is the reference (the traces are compared in strace-diff.test.ts).
// procapi_limits checks what differs by design: socklab's own defaults.
import { describe, expect, it } from 'vitest';
import { runGuest, tempDir, nativeStdout } from './helpers.js';
import { needs } from './tools.js';

const bin = tempDir('socklab-procapi-');

const native = (name: string): string => nativeStdout(name, bin);

describe('process API against Linux', () => {
  it.each(['diff_procapi', 'procapi_daemon'])('%s prints what the gcc build prints', async (name) => {
    needs('gcc');
    const want = native(name);
    const o = await runGuest(name);
    expect(o.status, o.stderr).toBe(0);
    expect(want.split('\n').length).toBeGreaterThan(10);
    expect(o.stdout).toBe(want);
  });

  it('daemon() traces as glibc: setsid, /dev/null dup2ed onto 0-2', async () => {
    const o = await runGuest('procapi_daemon', [], { trace: { classes: ['setsid', 'openat', 'dup2', 'close'], strSize: 64, time: 'none', library: false } });
    expect(o.status, o.stderr).toBe(0);
    const lines = (o.trace ?? '').split('\n').map((l) => l.replace(/^\[pid +\d+\] /, '').replace(/ <\d+\.\d+>$/, '').replace(/ +=/, ' ='));
    const at = lines.indexOf('openat(AT_FDCWD, "/dev/null", O_RDWR) = 4</dev/null<char 1:3>>');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at - 1, at + 5)).toEqual([
      'setsid() = 3',
      'openat(AT_FDCWD, "/dev/null", O_RDWR) = 4</dev/null<char 1:3>>',
      'dup2(4</dev/null<char 1:3>>, 0<pipe:[1]>) = 0</dev/null<char 1:3>>',
      'dup2(4</dev/null<char 1:3>>, 1<pipe:[2]>) = 1</dev/null<char 1:3>>',
      'dup2(4</dev/null<char 1:3>>, 2<pipe:[3]>) = 2</dev/null<char 1:3>>',
      'close(4</dev/null<char 1:3>>) = 0',
    ]);
  });
});

describe("socklab's limits", () => {
  it('RLIMIT_NOFILE: --max-fds soft, 65536 hard, root may raise the hard limit up to it', async () => {
    const o = await runGuest('procapi_limits');
    expect(o.status, o.stderr).toBe(0);
    expect(o.stdout.split('\n')).toEqual([
      'get 0 -',
      'nofile 1024 65536',
      'last 1023 Too many open files',
      'lower-hard 0 -',
      'raise-hard 0 -',
      'past-nr-open -1 Operation not permitted',
      'raise-soft 0 -',
      // fd 1024 is the SDK's preopened "/" (docs/abi.md "fd numbers").
      'more 1025',
      'dup2-1500 1500 -',
      // The 1021 UDP sockets (3..1023), 1025 and 1500.
      'closed 1023',
      'close-1024 -1 Bad file descriptor',
      'dup2-1024 -1 Bad file descriptor',
      'fopen 1',
      'nproc 0 -',
      'nproc 4096',
      '',
    ]);
  });

  it('the soft limit follows --max-fds', async () => {
    const o = await runGuest('procapi_limits', [], { maxFds: 100 });
    expect(o.stdout.split('\n').slice(1, 3)).toEqual(['nofile 100 65536', 'last 99 Too many open files']);
  });
});
