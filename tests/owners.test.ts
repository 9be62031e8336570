// File owners and statvfs (docs/abi.md "Owners and statvfs"): diff_owners (root's chowns, a child
// dropped to nobody creating files, in a set-gid directory too, its EPERMs and chgrp) prints what the
// gcc build prints run as root here (tests/strace-diff.test.ts compares its chown lines with strace's);
// owners_more checks socklab's own side: tmpfs numbers under --max-fs, sockfs/pipefs, bad pointers,
// fstat's owner, and a mounted host directory (0/0 owners, the host's statfs).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nativeTmp, ROOT, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

const work = tempDir('socklab-owners-');
const untimed = (t: string | undefined): string[] => (t ?? '').split('\n').map((l) => l.replace(/ <[\d.]+>$/, '').replace(/ +=/, ' ='));

describe('file owners', () => {
  it('diff_owners prints what the gcc build prints as root', async () => {
    needs('gcc');
    expect(process.getuid?.()).toBe(0);
    const run = nativeTmp(work);
    const exe = join(run.cwd, 'diff_owners');
    execFileSync('gcc', ['-w', '-O0', '-o', exe, join(ROOT, 'tests', 'c', 'diff_owners.c')]);
    const want = execFileSync(exe, [], { cwd: run.cwd, env: run.env, encoding: 'utf8' });
    const o = await runGuest('diff_owners');
    expect(o.status, o.stderr).toBe(0);
    // A sample of what is compared: nobody's files in the set-gid directory, chown's cleared bits, EPERM.
    expect(want).toContain('  od/c     mode 100755 uid 65534 gid 1000\n');
    expect(want).toContain('  od/cd    mode 042755 uid 65534 gid 1000\n');
    expect(want).toContain('  od/r     mode 102745 uid 0 gid 0\n');
    expect(want).toMatch(/^chown\("od\/r", 65534, -1\) += -1 Operation not permitted$/m);
    expect(o.stdout).toBe(want);
  });

  it('traces the chown family and statfs as strace does, the same twice', async () => {
    const t = { classes: ['chown', 'fchown', 'lchown', 'fchownat', 'statfs', 'fstatfs'], strSize: 64, time: 'none' as const, library: false };
    const a = await runGuest('diff_owners', [], { trace: t });
    const b = await runGuest('diff_owners', [], { trace: t });
    expect(a.trace).toBe(b.trace);
    const ls = untimed(a.trace);
    expect(ls).toContain('[pid 1] chown("od/r", 65534, 65534) = 0');
    expect(ls).toContain('[pid 1] fchownat(AT_FDCWD, "od/l", 3, 4, AT_SYMLINK_NOFOLLOW) = 0');
    expect(ls).toContain('[pid 1] fchownat(3</od/r>, "", -1, 7, AT_EMPTY_PATH) = 0');
    expect(ls).toContain('[pid 1] fchownat(AT_FDCWD, "od/r", -1, 7, 0x8 /* AT_??? */) = -1 EINVAL (Invalid argument)');
    expect(ls).toContain('[pid 2] chown("od/r", 65534, -1) = -1 EPERM (Operation not permitted)');
    expect(ls.some((l) => /^\[pid 1\] statfs\("\.", \{f_type=TMPFS_MAGIC, f_bsize=4096, f_blocks=\d+, .*f_fsid=\{val=\[0, 0\]\}, f_namelen=255, f_frsize=4096, f_flags=ST_VALID\|ST_RELATIME\}\) = 0$/.test(l))).toBe(true);
    expect(ls.some((l) => /^\[pid 1\] fstatfs\(99, 0x[0-9a-f]+\) = -1 EBADF \(Bad file descriptor\)$/.test(l))).toBe(true);
  });

  it('statvfs: tmpfs sized by --max-fs, sockfs, pipefs, errors; fstat shows the creator; a mount shows 0/0 and the host statfs', async () => {
    const host = mkdtempSync(join(work, 'mount-'));
    writeFileSync(join(host, 'f'), 'x');
    const o = await runGuest('owners_more', ['/m/f'], { maxFs: 1 << 20, mounts: [{ host, guest: '/m', readonly: false }] });
    expect(o.status, o.stderr).toBe(0);
    const out = o.stdout;
    expect(out).toContain('tmp: type 0x1021994 bsize 4096 frsize 4096 blocks 256 bfree 256 bavail 256 files 256 ffree 250 namemax 255 flag 0x1000\n');
    expect(out).toContain('used blocks 2, inodes 1\n');
    expect(out).toContain('socket: type 0x534f434b bsize 4096 frsize 4096 blocks 0 bfree 0 bavail 0 files 0 ffree 0 namemax 255 flag 0\n');
    expect(out).toContain('pipe: type 0x50495045 ');
    expect(out).toContain('statvfs(NULL, &v) = -1 Bad address\n');
    expect(out).toContain('statvfs("/tmp", NULL) = -1 Bad address\n');
    expect(out).toContain('statvfs("/nonexistent/x", &v) = -1 No such file or directory\n');
    expect(out).toContain('fstatvfs(-1, &v) = -1 Bad file descriptor\n');
    expect(out).toContain('fstat: uid 65534 gid 65534\n');
    // Mounted host files: 0/0, which only a chown that keeps it passes.
    expect(out).toContain('mount file: uid 0 gid 0\n');
    expect(out).toContain('chown(argv[1], -1, 0) = -1 Operation not permitted\n');
    expect(out).toContain('chown(argv[1], 0, 0) = 0 \n');
    expect(out).toContain('chown(argv[1], 65534, -1) = -1 Operation not permitted\n');
    const m = /mount: type (0x[0-9a-f]+) bsize (\d+) frsize \d+ blocks (\d+) .* files (\d+) .*namemax 255/.exec(out);
    expect(m).not.toBeNull();
    const s = statfsSync(host);
    expect(Number(m![1])).toBe(s.type);
    expect(Number(m![2])).toBe(s.bsize);
    expect(Number(m![3])).toBe(s.blocks);
    expect(Number(m![4])).toBe(s.files);
  });

  it('a read-only mount refuses chown with EROFS', async () => {
    const host = mkdtempSync(join(work, 'ro-'));
    writeFileSync(join(host, 'f'), 'x');
    const o = await runGuest('owners_more', ['/ro/f'], { mounts: [{ host, guest: '/ro', readonly: true }] });
    expect(o.status, o.stderr).toBe(0);
    expect(o.stdout).toContain('chown(argv[1], 0, 0) = -1 Read-only file system\n');
    expect(o.stdout).toMatch(/mount: type .* flag 0x1001\n/);
  });
});
