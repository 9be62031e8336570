// /dev in every virtual host's filesystem (host/fs/devices.ts, docs/abi.md "Device files"): diff_devnodes
// prints what the gcc build prints on this machine (reads, writes, lseek, stat with st_rdev, poll, select,
// epoll, /dev/fd/N, readlink, getdents); its trace shows the devices as strace -yy does; /dev/urandom is the
// run's seeded generator; what a program may not do in /dev (devnodes_perm, socklab only: natively the
// test would run as root on the machine's real /dev).
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

const bin = tempDir('socklab-devnodes-');

const plain = (trace: string): string[] => trace.split('\n').map((l) => l.replace(/^\[pid +\d+\] /, '').replace(/ <\d+\.\d+>$/, '').replace(/ +=/, ' ='));

describe('/dev against Linux', () => {
  it('diff_devnodes prints what the gcc build prints', async () => {
    needs('gcc');
    const exe = join(bin, 'diff_devnodes');
    execFileSync('gcc', ['-O1', '-w', '-o', exe, join(ROOT, 'tests', 'c', 'diff_devnodes.c')]);
    const r = spawnSync(exe, [], { cwd: bin, encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(r.status, r.stderr).toBe(0);
    const o = await runGuest('diff_devnodes');
    expect(o.status, o.stderr).toBe(0);
    expect(r.stdout).toContain('stat /dev/null: mode 0020666 rdev 1:3');
    expect(o.stdout).toBe(r.stdout);
  });

  it('traces the devices as strace -yy: openat from AT_FDCWD, <char M:m> decorations', async () => {
    const o = await runGuest('diff_devnodes', [], { trace: { classes: ['openat', 'lseek', 'epoll_ctl', 'close'], strSize: 64, time: 'none', library: false } });
    expect(o.status, o.stderr).toBe(0);
    const lines = plain(o.trace ?? '');
    expect(lines).toContain('openat(AT_FDCWD, "/dev/null", O_RDWR) = 3</dev/null<char 1:3>>');
    expect(lines).toContain('openat(AT_FDCWD, "/dev/zero", O_RDONLY) = 4</dev/zero<char 1:5>>');
    expect(lines).toContain('openat(AT_FDCWD, "/dev/full", O_RDWR) = 5</dev/full<char 1:7>>');
    expect(lines).toContain('openat(AT_FDCWD, "/dev/urandom", O_RDONLY) = 6</dev/urandom<char 1:9>>');
    expect(lines).toContain('openat(AT_FDCWD, "/dev/random", O_RDONLY|O_NONBLOCK) = 7</dev/random<char 1:8>>');
    expect(lines).toContain('openat(AT_FDCWD, "/dev/tty", O_RDWR) = -1 ENXIO (No such device or address)');
    expect(lines).toContain('openat(AT_FDCWD, "/dev/null", O_WRONLY|O_CREAT|O_EXCL, 0666) = -1 EEXIST (File exists)');
    expect(lines.some((l) => /^epoll_ctl\(\d+<anon_inode:\[eventpoll\]>, EPOLL_CTL_ADD, 3<\/dev\/null<char 1:3>>, .* = -1 EPERM /.test(l))).toBe(true);
    // /dev/fd/N of a pipe's write end: the same description, shown as the pipe.
    expect(lines.some((l) => /^openat\(AT_FDCWD, "\/dev\/fd\/\d+", O_WRONLY\) = \d+<pipe:\[\d+\]>$/.test(l))).toBe(true);
  });
});

describe('openat of /dev paths against real strace', () => {
  it('the same calls, flags, results and -yy decorations (fd numbers aside: the machine may leak some)', async () => {
    needs('gcc');
    needs('strace');
    const exe = join(bin, 'diff_devnodes_st');
    execFileSync('gcc', ['-O1', '-w', '-o', exe, join(ROOT, 'tests', 'c', 'diff_devnodes.c')]);
    const out = join(bin, 'devnodes.strace');
    const st = spawnSync('strace', ['-f', '-yy', '-s', '64', '-e', 'trace=openat', '-o', out, exe], { cwd: bin, stdio: 'ignore', timeout: 20_000 });
    expect(st.status).toBe(0);
    // Device paths only (not the loader's), directories aside (glibc's opendir adds O_NONBLOCK|O_CLOEXEC).
    const pick = (text: string): string[] => text.split('\n')
      .map((l) => l.replace(/^(?:\[pid +\d+\] |\d+ +)/, '').replace(/ <\d+\.\d+>$/, '').replace(/ +=/, ' ='))
      .filter((l) => l.startsWith('openat(AT_FDCWD') && l.includes('"/dev/') && !l.includes('O_DIRECTORY'))
      .map((l) => l.replace(/^openat\(AT_FDCWD<[^>]*>/, 'openat(AT_FDCWD').replace(/"\/dev\/fd\/\d+"/, '"/dev/fd/N"').replace(/ = \d+</, ' = N<').replace(/<pipe:\[\d+\]>/, '<pipe>'));
    const native = pick(readFileSync(out, 'utf8'));
    const o = await runGuest('diff_devnodes', [], { trace: { classes: ['openat'], strSize: 64, time: 'none', library: false } });
    expect(o.status, o.stderr).toBe(0);
    expect(native.length).toBeGreaterThan(10);
    expect(pick(o.trace ?? '')).toEqual(native);
  });
});

describe('/dev/urandom and /dev/random', () => {
  it('are the seed: the same bytes for the same seed, other bytes for another, a forked child its own', async () => {
    const a = await runGuest('devnodes_rand', [], { seed: 11 });
    const b = await runGuest('devnodes_rand', [], { seed: 11 });
    const c = await runGuest('devnodes_rand', [], { seed: 12 });
    for (const o of [a, b, c]) expect(o.status, o.stderr).toBe(0);
    const bytes = (s: string, what: string): string => {
      const m = new RegExp(`^${what}:((?: [0-9a-f]{2})+)$`, 'm').exec(s);
      expect(m, s).not.toBeNull();
      return m![1]!;
    };
    expect(bytes(a.stdout, 'urandom').split(' ').length).toBe(33);
    expect(b.stdout).toBe(a.stdout);
    for (const what of ['urandom', 'random', 'child']) expect(bytes(c.stdout, what)).not.toBe(bytes(a.stdout, what));
    expect(bytes(a.stdout, 'child')).not.toBe(bytes(a.stdout, 'urandom').slice(0, 48));
  });
});

describe('what a program may not do in /dev', () => {
  it('no names added, removed or renamed (EACCES), /dev itself is a mount point (EBUSY), the devices still work', async () => {
    const o = await runGuest('devnodes_perm');
    expect(o.status, o.stderr).toBe(0);
    expect(o.stdout.split('\n')).toEqual([
      'create /dev/new: -1 Permission denied',
      'unlink /dev/null: -1 Permission denied',
      'rename /dev/zero: -1 Permission denied',
      'rename into /dev: -1 Permission denied',
      'mkdir /dev/d: -1 Permission denied',
      'symlink /dev/l: -1 Permission denied',
      'link /dev/null: -1 Invalid cross-device link',
      'rmdir /dev: -1 Device or resource busy',
      'rename /dev: -1 Device or resource busy',
      'open /dev/null: 0 ',
      'write still: 1 ',
      'open /dev/stdout: 0 ',
      'through /dev/stdout',
      'open /dev/stdin O_NOFOLLOW: -1 Too many levels of symbolic links',
      'stat /dev/stdout: 0 ',
      "stat /dev/stdout is fd 1's file: 1",
      '',
    ]);
  });
});
