// File modes (umask, chmod, fchmod, fchmodat, st_mode): the programs' own output compared with the native
// gcc build's (tests/strace-diff.test.ts compares diff_fsmodes's strace lines), and chmod on a mounted host
// directory, which changes the real files (docs/abi.md).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nativeTmp, ROOT, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

const work = tempDir('socklab-fsmodes-');

/** The native build's output of tests/c/NAME.c run with args in its own directory. */
function native(name: string, args: (cwd: string) => string[]): { out: string; cwd: string } {
  needs('gcc');
  const run = nativeTmp(work);
  const exe = join(run.cwd, name);
  execFileSync('gcc', ['-w', '-O0', '-o', exe, join(ROOT, 'tests', 'c', `${name}.c`)]);
  return { out: execFileSync(exe, args(run.cwd), { cwd: run.cwd, env: run.env, encoding: 'utf8' }), cwd: run.cwd };
}

describe('file modes', () => {
  it('diff_fsmodes prints what the native build prints', async () => {
    const n = native('diff_fsmodes', () => []);
    const o = await runGuest('diff_fsmodes');
    expect(o.status).toBe(0);
    // A sample of what is compared: the umask applied at creation, chmod's bits, fchmod on a pipe's shared inode.
    expect(n.out).toContain('created file: 0100640\n');
    expect(n.out).toContain('socket file: 0140750\n');
    expect(n.out).toContain('other end: 0010640\n');
    expect(o.stdout).toBe(n.out);
  });

  it('chmod in a mounted host directory changes the host files', async () => {
    const n = native('fsmodes_host', (cwd) => [mkdtempSync(join(cwd, 'd-'))]);
    const host = mkdtempSync(join(work, 'mount-'));
    const o = await runGuest('fsmodes_host', ['/data'], { mounts: [{ host, guest: '/data', readonly: false }] });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(n.out);
    expect(statSync(join(host, 'file')).mode & 0o7777).toBe(0o640);
    expect(statSync(join(host, 'sub')).mode & 0o7777).toBe(0o2750);
  });

  it('a read-only mount refuses chmod and fchmod with EROFS', async () => {
    const host = mkdtempSync(join(work, 'ro-'));
    writeFileSync(join(host, 'f'), 'x', { mode: 0o644 });
    const o = await runGuest('fsmodes_host', ['/ro', 'f'], { mounts: [{ host, guest: '/ro', readonly: true }] });
    expect(o.stdout).toBe('chmod read-only: -1 Read-only file system\nfchmod read-only: -1 Read-only file system\nunchanged: 0100644\n');
    expect(statSync(join(host, 'f')).mode & 0o7777).toBe(0o644);
  });

  it('traces umask and the chmod calls as strace does', async () => {
    const o = await runGuest('diff_fsmodes', [], { trace: { classes: ['umask', 'chmod', 'fchmod', 'fchmodat'], strSize: 64, time: 'none', library: false } });
    const t = (o.trace ?? '').replace(/ <[\d.]+>$/gm, '');
    expect(t).toMatch(/^\[pid 1\] umask\(027\) += 022$/m);
    expect(t).toMatch(/^\[pid 2\] umask\(000\) += 077$/m);
    expect(t).toMatch(/^\[pid 1\] chmod\("\/tmp\/fsm_file", 0170644\) += 0$/m);
    expect(t).toMatch(/^\[pid 1\] fchmod\(3<\/tmp\/fsm_file>, 0640\) += 0$/m);
    expect(t).toMatch(/^\[pid 1\] fchmodat\(AT_FDCWD, "\/tmp\/fsm_file", 0604\) += 0$/m);
  });
});
