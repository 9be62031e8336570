// WASI preview1 as the official WASI test suite (wasi-testsuite) checks it,
// through whole guests making the calls directly (tests/c/wasi_p1.c): named
// preopens (`--dir HOST:NAME`), rights, and the errno of each departure the
// suite found.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { ROOT, run, runGuest } from './helpers.js';
import { parseMount } from '../dist/host/scenario/mount.js';
import { compileC } from '../dist/host/toolchain/clang.js';

const tmp = mkdtempSync(join(tmpdir(), 'socklab-wasits-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function scratch(name: string): string {
  const d = join(tmp, `${name}-${n++}`);
  mkdirSync(d);
  return d;
}

async function p1(group: string, extra: string[] = []): Promise<string> {
  const o = await runGuest('wasi_p1', [group, ...extra], { mounts: [parseMount(`${scratch(group)}:scratch`)] });
  expect(o.status, o.stderr).toBe(0);
  return o.stdout;
}

describe('WASI preview1 conformance', () => {
  it('a relative --dir GUEST is a named preopen after "/", also mounted at /GUEST', async () => {
    expect(parseMount(`${tmp}:data`)).toEqual({ host: tmp, guest: '/data', readonly: false, preopen: 'data' });
    expect(() => parseMount(`${tmp}:../x`)).toThrow(/cannot hold \.\./);
    const out = await p1('rights');
    expect(out).toMatch(/^preopen 3 \/\npreopen 4 scratch\n/);
  });

  it('fd_fdstat_get reports rights by type and access mode; a directory reopens with the rights it reports', async () => {
    const out = await p1('rights');
    expect(out).toContain('dir type 3 write 0 readdir 1 path_open 1 set_size 0 inheriting read 1 write 1\n');
    expect(out).toContain('reopen with its rights: ok\ncreate: ok\nfile read 1 write 1 seek 1\nread-only file read 1 write 0\n');
  });

  it('fd_fdstat_set_rights drops rights for good: fd_read/fd_write/fd_pwrite and path_open O_TRUNC are then ENOTCAPABLE', async () => {
    const out = await p1('dropped');
    expect(out).toContain(['drop read/write: ok', 'write: ENOTCAPABLE', 'read: ENOTCAPABLE', 'pwrite: ENOTCAPABLE', 'regrant: ENOTCAPABLE',
      'drop path_filestat_set_size: ok', 'open O_TRUNC: ENOTCAPABLE', 'open: ok', ''].join('\n'));
  });

  it('a directory fd reached from a named preopen cannot be escaped; under "/" an absolute symlink is a guest path', async () => {
    const out = await p1('sandbox');
    expect(out).toContain(['absolute path: EPERM', 'dot-dot inside: ENOTDIR', 'dot-dot above the fd: EPERM', 'dot-dot above the preopen: EPERM',
      'symlink to an absolute path: EPERM', 'symlink climbing out: ok', 'open through it: EPERM', 'same from the parent: ok',
      'under /: symlink to an absolute path: ok', 'under /: open through it: ok', ''].join('\n'));
  });

  // wasi-testsuite preopens each test's directory as "/" (wasmtime --dir HOST::/) and expects wasmtime's capability:
  // interesting_paths (too many ".."s from a directory fd: EPERM) and symlink_create (a symlink to "/": an error).
  it('a host directory given as "/" (--dir HOST:/) is a capability like a named preopen; socklab\'s own "/" stays a chroot', async () => {
    const o = await runGuest('wasi_p1', ['rootcap'], { mounts: [parseMount(`${scratch('root')}:/`)] });
    expect(o.status, o.stderr).toBe(0);
    expect(o.stdout).toBe(['preopen 3 /', 'dot-dot above the fd: EPERM', 'dot-dot above /: EPERM', 'absolute path: EPERM',
      'symlink to an absolute path: EPERM', 'inside: ok', 'remove: ok', ''].join('\n'));
    const v = await runGuest('wasi_p1', ['rootcap']);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toBe(['preopen 3 /', 'dot-dot above the fd: ok', 'dot-dot above /: ok', 'absolute path: EPERM',
      'symlink to an absolute path: ok', 'open through it: ok', 'inside: ok', 'remove: ok', ''].join('\n'));
  });

  // wasi-testsuite's path_link run against socklab's own "/": linking a symlink itself in memory was EXDEV.
  it('links a symlink itself (dangling or a loop) in the in-memory filesystem, as Linux: nlink counts its names', async () => {
    const o = await runGuest('wasi_p1', ['memlink']);
    expect(o.status, o.stderr).toBe(0);
    expect(o.stdout).toBe(['preopen 3 /', 'link a dangling symlink: ok', 'nlink 2 symlink 1', 'after unlink nlink 1', 'link a symlink loop: ok',
      'follow a dangling one: ENOENT', 'renamed over its other name: nlink 2', ''].join('\n'));
  });

  // The same for a bound AF_UNIX socket's file; this program prints the same natively (gcc, ext4).
  it('links a bound socket file in memory; connecting through the new name reaches the socket', async () => {
    const dir = scratch('socklink');
    const src = join(dir, 'socklink.c');
    writeFileSync(src, `#include <stdio.h>
#include <unistd.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
static const char *r(int x) { return x ? strerror(errno) : "ok"; }
int main(void) {
  struct sockaddr_un a = {.sun_family = AF_UNIX}, b = {.sun_family = AF_UNIX};
  strcpy(a.sun_path, "/tmp/s"); strcpy(b.sun_path, "/tmp/s2");
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  printf("bind: %s\\n", r(bind(l, (void *)&a, sizeof a)));
  listen(l, 1);
  printf("link: %s\\n", r(link(a.sun_path, b.sun_path)));
  struct stat st;
  stat(b.sun_path, &st);
  printf("nlink %lu socket %d\\n", (unsigned long)st.st_nlink, S_ISSOCK(st.st_mode));
  unlink(a.sun_path);
  stat(b.sun_path, &st);
  printf("after unlink nlink %lu\\n", (unsigned long)st.st_nlink);
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  printf("connect through the link: %s\\n", r(connect(c, (void *)&b, sizeof b)));
  return 0;
}
`);
    const module = join(dir, 'socklink.wasm');
    await compileC({ sources: [src], out: module, stderr: () => {} });
    const o = await run({ processes: [{ module, name: 'socklink' }], timeoutMs: 60_000 });
    expect(o.processes[0]!.stderr).toBe('');
    expect(o.stdout).toBe(['bind: ok', 'link: ok', 'nlink 2 socket 1', 'after unlink nlink 1', 'connect through the link: ok', ''].join('\n'));
  }, 240_000);

  it('errnos as Linux gives them (link/symlink onto "name/", AT_SYMLINK_FOLLOW), WASI\'s where it departs (seek on a directory), O_SYNC kept', async () => {
    // Linux (gcc, ext4): link("file", "link/") ENOENT, link("file", "file/") EEXIST, symlink("s", "t/") ENOENT, symlink("s", "file/") EEXIST.
    const out = await p1('errnos');
    expect(out).toContain(['seek on a directory: EBADF', 'tell on a directory: EBADF',
      'link to a new name with a slash: ENOENT', 'link onto an existing file with a slash: EEXIST',
      'symlink to a new name with a slash: ENOENT', 'symlink onto an existing file with a slash: EEXIST',
      'link following a dangling symlink: ENOENT', 'link a symlink itself: ok', 'link following a symlink: ok', 'l4 is file: 1 nlink 2',
      'fdflags append 1 sync 1', ''].join('\n'));
  });

  it('times set to the nanosecond on a mounted host directory read back exactly; AT_SYMLINK_NOFOLLOW sets the link\'s own', async () => {
    const out = await p1('times');
    expect(out).toContain(['set mtim: ok', 'mtim exact 1 atim kept 1', 'set the symlink\'s mtim: ok', 'symlink mtim exact 1 file kept 1',
      'through it: ok', 'file mtim 1000000000123', ''].join('\n'));
  });

  // The component host's own path lookups (stat-at, set-times-at, metadata-hash-at) go through the same sandbox.
  it('a named preopen cannot be escaped by a component either (stat-at), as by a preview1 module', async () => {
    const outside = scratch('box');
    const box = join(outside, 'box');
    mkdirSync(box);
    writeFileSync(join(box, 'inside.txt'), 'x');
    writeFileSync(join(outside, 'secret.txt'), 'y');
    const src = join(ROOT, 'tests', 'component-build', 'fsbox.c');
    const module = join(outside, 'fsbox.component.wasm');
    await compileC({ sources: [src], out: module, target: 'component', stderr: () => {} });
    const o = await run({ processes: [{ module, name: 'fsbox' }], mounts: [parseMount(`${box}:scratch`)], timeoutMs: 60_000 });
    expect(o.processes[0]!.stderr).toBe('');
    expect(o.stdout).toBe(['found the preopen: yes', 'stat above the preopen: EPERM', 'stat above, no follow: EPERM', ''].join('\n'));
  }, 240_000);

  // The trace of the same calls: the preopen's name within the length the call was given, F_GETFL's access mode
  // as wasi-libc makes it from the rights fd_fdstat_get reported, a named preopen's path under "/".
  it('traces fd_prestat_dir_name within its buffer, F_GETFL with the access mode the rights give, a named preopen as /NAME', async () => {
    const o = await runGuest('wasi_p1', ['rights'], { mounts: [parseMount(`${scratch('trace')}:scratch`)], trace: { classes: ['fd_prestat_dir_name', 'fcntl'], time: 'none' } });
    expect(o.status, o.stderr).toBe(0);
    const lines = o.trace!.split('\n');
    expect(lines).toContain('[pid 1] fd_prestat_dir_name(3</>, "/", 1) = 0 <0.000000>');
    expect(lines).toContain('[pid 1] fd_prestat_dir_name(4</scratch>, "scratch", 7) = 0 <0.000000>');
    expect(lines.filter((l) => /^\[pid 1\] fcntl\(4<\/scratch>, F_GETFL\) += 0 \(flags O_RDONLY\) <0\.000000>$/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /fcntl\(\d+<\/scratch\/f>, F_GETFL\) += (0x2 \(flags O_RDWR\)|0 \(flags O_RDONLY\))/.test(l))).toHaveLength(2);
  });
});
