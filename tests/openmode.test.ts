// open(2)'s mode and O_CLOEXEC (guest/c/src/open.c, host/wasi/open.ts): the programs' output compared with the
// native gcc build's (tests/strace-diff.test.ts compares diff_openmode's strace lines), the modes of files made
// in a mounted host directory, and the trace lines themselves.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { nativeTmp, ROOT, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

const work = tempDir('socklab-openmode-');

/** The native build's output of tests/c/NAME.c run with args in its own directory. */
function native(name: string, args: (cwd: string) => string[]): string {
  needs('gcc');
  const run = nativeTmp(work);
  const exe = join(run.cwd, name);
  execFileSync('gcc', ['-w', '-O0', '-o', exe, join(ROOT, 'tests', 'c', `${name}.c`)]);
  return execFileSync(exe, args(run.cwd), { cwd: run.cwd, env: run.env, encoding: 'utf8' });
}

describe('open and mkdir modes', () => {
  it('diff_openmode prints what the native build prints', async () => {
    const n = native('diff_openmode', () => []);
    const o = await runGuest('diff_openmode');
    expect(o.status).toBe(0);
    // A sample of what is compared: the program's mode less the umask, the sticky bit, O_CLOEXEC, fopen's 0666.
    expect(n).toContain('file: 0100600\n');
    expect(n).toContain('sticky dir: 0041755\n');
    expect(n).toContain('O_CLOEXEC: FD_CLOEXEC=1\n');
    expect(n).toContain('fopen: 0100600\n');
    expect(o.stdout).toBe(n);
  });

  it('files made in a mounted host directory get the mode less the umask on the host', async () => {
    const n = native('openmode_host', (cwd) => [mkdtempSync(join(cwd, 'd-'))]);
    const host = mkdtempSync(join(work, 'mount-'));
    const o = await runGuest('openmode_host', ['/data'], { mounts: [{ host, guest: '/data', readonly: false }] });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(n);
    expect(statSync(join(host, 'opened')).mode & 0o7777).toBe(0o640);
    expect(statSync(join(host, 'created')).mode & 0o7777).toBe(0o600);
    expect(statSync(join(host, 'dir')).mode & 0o7777).toBe(0o750);
    expect(statSync(join(host, 'fopened')).mode & 0o7777).toBe(0o640);
  });

  it('traces openat, creat and mkdir as strace does: the mode only with O_CREAT, O_CLOEXEC in the flags, no fcntl after', async () => {
    const o = await runGuest('diff_openmode', [], { trace: { classes: ['openat', 'creat', 'mkdir', 'mkdirat', 'fcntl'], strSize: 64, time: 'none', library: false } });
    const t = (o.trace ?? '').replace(/ <[\d.]+>$/gm, '').replace(/^\[pid 1\] /gm, '');
    expect(t).toMatch(/^openat\(AT_FDCWD, "\/tmp\/om_file", O_WRONLY\|O_CREAT\|O_TRUNC, 0600\) += 3<\/tmp\/om_file>$/m);
    expect(t).toMatch(/^openat\(AT_FDCWD, "\/tmp\/om_file", O_RDONLY\|O_CLOEXEC\) += 3<\/tmp\/om_file>$/m);
    expect(t).toMatch(/^creat\("\/tmp\/om_creat", 0640\) += 3<\/tmp\/om_creat>$/m);
    expect(t).toMatch(/^openat\(AT_FDCWD, "\/tmp\/om_excl", O_RDWR\|O_CREAT\|O_EXCL, 0600\) += -1 EEXIST \(File exists\)$/m);
    expect(t).toMatch(/^mkdir\("\/tmp\/om_sticky", 01777\) += 0$/m);
    expect(t).toMatch(/^openat\(AT_FDCWD, "\/tmp\/om_dir", O_RDONLY\|O_CLOEXEC\|O_DIRECTORY\) += 3<\/tmp\/om_dir>$/m);
    expect(t).toMatch(/^mkdirat\(3<\/tmp\/om_dir>, "sub", 0751\) += 0$/m);
    expect(t).toMatch(/^mkdirat\(AT_FDCWD, "sub2", 0777\) += 0$/m);
    expect(t).toMatch(/^openat\(AT_FDCWD, "rel", O_WRONLY\|O_CREAT\|O_TRUNC, 0666\) += 4<\/tmp\/om_dir\/rel>$/m);
    expect(t).not.toMatch(/F_SETFD/);
    expect(t).not.toMatch(/O_RDONLY, 0/);
  });
});
