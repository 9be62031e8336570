// The filesystem through whole C guests: the in-memory tree, a mounted host
// directory (read-write and read-only), and escape attempts.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGuest } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'socklab-fs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const EXPECTED_OPS = `create a.txt: ok
write 11 bytes: ok
seek to 6: ok
read 5 after seek: ok
seek end: ok
pwrite at 0: ok
pread 5 at 0: ok
fstat size 11 regular: ok
ftruncate 4: ok
close: ok
close again: Bad file descriptor
append: ok
stat after append: ok
create exclusive existing: File exists
open missing: No such file or directory
path through a file: Not a directory
mkdir sub: ok
mkdir sub again: File exists
rename into sub: ok
stat old name: No such file or directory
stat new name: ok
rmdir non-empty: Directory not empty
unlink a directory: Is a directory
write to a directory: Is a directory
opendir: ok
entry: b.txt
entries: 1
symlink: ok
readlink: ok
stat through link: ok
lstat link: ok
unlink link: ok
unlink file: ok
rmdir sub: ok
rmdir missing: No such file or directory
`;

describe('filesystem', () => {
  it('creates, reads, seeks, renames, lists and removes in the in-memory /tmp', async () => {
    const o = await runGuest('fs_ops', ['/tmp']);
    expect(o.stdout).toBe(EXPECTED_OPS);
    expect(o.status).toBe(0);
  });

  it('does the same in a mounted host directory, and the host sees it', async () => {
    const host = join(tmp, 'rw');
    mkdirSync(host);
    const o = await runGuest('fs_ops', ['/data'], { mounts: [{ host, guest: '/data', readonly: false }] });
    expect(o.stdout).toBe(EXPECTED_OPS);
    expect(existsSync(join(host, 'sub'))).toBe(false);
  });

  it('keeps the in-memory filesystem private to each run', async () => {
    await runGuest('fs_ops', ['/tmp']);
    const o = await runGuest('fs_ops', ['/tmp']);
    expect(o.stdout).toBe(EXPECTED_OPS);
  });

  it('refuses every way out of a mount', async () => {
    const root = join(tmp, 'esc');
    const jail = join(root, 'jail');
    mkdirSync(jail, { recursive: true });
    writeFileSync(join(root, 'secret.txt'), 'secret\n');
    writeFileSync(join(jail, 'inside.txt'), 'inside\n');
    // A host file the guest's filesystem has no copy of (socklab gives each host its own /etc/passwd and /etc/hosts).
    symlinkSync('/etc/os-release', join(jail, 'outside-link'));
    symlinkSync('..', join(jail, 'up-link'));
    const o = await runGuest('fs_escape', ['/jail'], { mounts: [{ host: jail, guest: '/jail', readonly: true }] });
    expect(o.stdout).toBe(
      [
        'dotdot to /etc/os-release: No such file or directory',
        'absolute /etc/os-release: No such file or directory',
        'host symlink to /etc/os-release: No such file or directory',
        'host symlink to the parent dir: No such file or directory',
        'file inside: opened, read 7 bytes: inside\n',
        'dotdot to a sibling of the mount: No such file or directory',
        'create in mount: Read-only file system',
        '',
      ].join('\n'),
    );
    expect(readFileSync(join(root, 'secret.txt'), 'utf8')).toBe('secret\n');
  });
});
