// System V shared memory (host/kernel/sysvshm.ts, docs/abi.md "System V IPC"): tests/c/sysv_shm.c's counter shared
// by a parent and 3 forked children under a semaphore, its errno cases and IPC_RMID while attached, against the gcc
// build's output on this machine (its trace is compared in strace-diff.test.ts). Forked children's lines come in
// the machine's order natively: compared as a multiset.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

const bin = tempDir('socklab-sysvshm-');

function native(name: string): string {
  const exe = join(bin, name);
  execFileSync('gcc', ['-O1', '-w', '-o', exe, join(ROOT, 'tests', 'c', `${name}.c`)]);
  const r = spawnSync(exe, [], { cwd: bin, encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
  expect(r.error).toBeUndefined();
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const sorted = (s: string): string[] => s.split('\n').filter(Boolean).sort();

describe('System V shared memory against Linux', () => {
  it('sysv_shm prints what the gcc build prints', async () => {
    needs('gcc');
    const want = native('sysv_shm');
    const o = await runGuest('sysv_shm');
    expect(o.status, o.stderr).toBe(0);
    expect(want).toContain('counter 205\n');
    expect(sorted(o.stdout)).toEqual(sorted(want));
  });

  it('sysv_shm_attach (nattch through fork, exit, a split attachment, SHM_REMAP, a removed segment) prints what the gcc build prints', async () => {
    needs('gcc');
    const want = native('sysv_shm_attach');
    const o = await runGuest('sysv_shm_attach');
    expect(o.status, o.stderr).toBe(0);
    expect(want).toContain('mprotect 0 nattch 3\nshmdt 0 nattch 0\n');
    expect(o.stdout).toBe(want);
  });

  it('traces as strace: ids from 0, the attachment at a page, nattch through fork and exit, the same trace for the same seed', async () => {
    const a = await runGuest('sysv_shm', [], { trace: { classes: ['ipc'], time: 'none' } });
    const b = await runGuest('sysv_shm', [], { trace: { classes: ['ipc'], time: 'none' } });
    expect(a.status, a.stderr).toBe(0);
    expect(a.trace).toBe(b.trace);
    const t = a.trace ?? '';
    expect(t).toMatch(/shmget\(IPC_PRIVATE, 0, IPC_CREAT\|0600\) += -1 EINVAL \(Invalid argument\)/);
    expect(t).toMatch(/shmget\(0x[0-9a-f]+, 4096, IPC_CREAT\|0600\) += 0\b/);
    expect(t).toMatch(/shmat\(0, NULL, 0\) += 0x[0-9a-f]*000\b/);
    expect(t).toMatch(/shmctl\(0, IPC_SET, \{shm_perm=\{uid=0, gid=0, mode=0640\}\}\) += 0\b/);
    expect(t).toMatch(/shmctl\(0, IPC_STAT, \{shm_perm=\{uid=0, gid=0, mode=01640, key=0, cuid=0, cgid=0\}, shm_segsz=4096, shm_cpid=1, shm_lpid=\d+, shm_nattch=1, /);
    expect(t).toMatch(/shmdt\(0x[0-9a-f]+\) += 0\b.*\n.*shmctl\(0, IPC_STAT, 0x[0-9a-f]+\) += -1 EINVAL \(Invalid argument\)/);
  });
});
