// POSIX semaphores and shared memory on the kernel's futex (host/kernel/futex.ts, guest/c/src/semaphore.c,
// guest/c/src/shm.c): diff_sem (a parent and 3 forked children counting under a semaphore in shared anonymous
// memory, a named semaphore, shm_open'd memory, their errnos) and posixsem_futex (futex(2)'s own errnos, timeouts,
// EINTR, wake counts, private against shared keys) print what their native gcc builds print; the traces show
// glibc's futex calls, only where a semaphore is contended, and are the same for the same seed.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { guest, nativeTmp, ROOT, run, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

const work = tempDir('socklab-posixsem-');

function native(name: string): string {
  needs('gcc');
  const run = nativeTmp(work);
  const exe = join(run.cwd, name);
  execFileSync('gcc', ['-w', '-O0', '-o', exe, join(ROOT, 'tests', 'c', `${name}.c`)]);
  return execFileSync(exe, [], { cwd: run.cwd, env: run.env, encoding: 'utf8' });
}

const traceOpts = (seed: number) => ({ seed, trace: { classes: ['futex', '%signal', 'clone', 'wait4', 'openat', 'linkat', 'unlinkat', 'mmap', 'munmap', 'ftruncate'], strSize: 64, time: 'none' as const, library: false } });
/** The trace's lines without their durations, and strace's padding before a short call's result. */
const lines = (t: string | undefined): string[] => (t ?? '').split('\n').map((l) => l.replace(/ <[\d.]+>$/, '').replace(/\) {2,}= /, ') = '));

describe('POSIX semaphores and shared memory', () => {
  it('diff_sem prints what the native build prints', async () => {
    const o = await runGuest('diff_sem');
    expect(o.status).toBe(0);
    expect(o.stdout).toContain('children ok: 3, counter: 200 (want 200), value: 1\n');
    expect(o.stdout).toContain('board: hello through /dev/shm\n');
    expect(o.stdout).toBe(native('diff_sem'));
  });

  it('futex(2): errnos, timeouts, EINTR and wake counts as the native build', async () => {
    const o = await runGuest('posixsem_futex');
    expect(o.status).toBe(0);
    const want = [
      'wait, value differs: -1 Resource temporarily unavailable',
      'wait, unaligned: -1 Invalid argument',
      'wait, bad timeout: -1 Invalid argument',
      'wait, CLOCK_REALTIME: -1 Function not implemented',
      'wait_bitset, empty bitset: -1 Invalid argument',
      'unknown op: -1 Function not implemented',
      'wake, nobody: 0',
      'wait, 10 ms: -1 Connection timed out',
      'wait_bitset, past: -1 Connection timed out',
      'wait, interrupted: -1 Interrupted system call',
      'wait 5 s, interrupted: -1 Interrupted system call',
      'private wake of a shared waiter: 0',
      'woken or saw the change: 2, other: 0',
      'killed: 9',
      'wake after the waiter died: 0',
      '',
    ].join('\n');
    expect(o.stdout).toBe(want);
    expect(native('posixsem_futex')).toBe(want);
  });

  it('traces futex as strace does: both children woken by one FUTEX_WAKE, interrupted waits, a dead waiter not woken', async () => {
    const o = await runGuest('posixsem_futex', [], traceOpts(3));
    const t = lines(o.trace);
    expect(t.some((l) => /^\[pid 1\] futex\(0x[0-9a-f]+, FUTEX_WAIT_PRIVATE, 1, NULL\) = -1 EAGAIN \(Resource temporarily unavailable\)$/.test(l))).toBe(true);
    expect(t.some((l) => /^\[pid 1\] futex\(0x[0-9a-f]+, FUTEX_WAIT_PRIVATE, 0, \{tv_sec=0, tv_nsec=10000000\}\) = -1 ETIMEDOUT \(Connection timed out\)$/.test(l))).toBe(true);
    expect(t.some((l) => /^\[pid 1\] futex\(0x[0-9a-f]+, FUTEX_WAIT_BITSET_PRIVATE\|FUTEX_CLOCK_REALTIME, 0, \{tv_sec=1, tv_nsec=0\}, FUTEX_BITSET_MATCH_ANY\) = -1 ETIMEDOUT/.test(l))).toBe(true);
    expect(t.some((l) => /^\[pid 1\] futex\(0x[0-9a-f]+, FUTEX_WAIT_PRIVATE, 0, NULL\) = \? ERESTARTSYS/.test(l))).toBe(true);
    // A timed wait goes through a restart block, as Linux's futex_wait: a handler makes it EINTR (strace shows the same).
    const i = t.findIndex((l) => /^\[pid 1\] futex\(0x[0-9a-f]+, FUTEX_WAIT_PRIVATE, 0, \{tv_sec=5, tv_nsec=0\}\) = \? ERESTART_RESTARTBLOCK \(Interrupted by signal\)$/.test(l));
    expect(i).toBeGreaterThan(0);
    expect(t.slice(i + 1, i + 3)).toEqual(['[pid 1] --- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---', '[pid 1] rt_sigreturn({mask=[]}) = -1 EINTR (Interrupted system call)']);
    expect(t.filter((l) => /FUTEX_WAKE, 1\) = 0$/.test(l))).toHaveLength(1);
    expect(t.some((l) => /^\[pid 1\] futex\(0x[0-9a-f]+, FUTEX_WAKE_PRIVATE, 2147483647\) = 0$/.test(l))).toBe(true);
    expect(t.some((l) => /^\[pid 1\] futex\(0x[0-9a-f]+, FUTEX_WAKE, 2147483647\) = 2$/.test(l))).toBe(true);
    expect(t.filter((l) => /^\[pid [23]\] futex\(0x[0-9a-f]+, FUTEX_WAIT, 0, NULL <unfinished \.\.\.>$/.test(l))).toHaveLength(2);
  });

  it("diff_sem's contended waits are glibc's futex calls, keyed across processes and addresses, and the same for the same seed", async () => {
    const a = await runGuest('diff_sem', [], traceOpts(11));
    const b = await runGuest('diff_sem', [], traceOpts(11));
    expect(a.trace).toBe(b.trace);
    const t = lines(a.trace);
    // The three children block on the semaphore the parent holds; a post wakes one (FIFO) only while someone waits.
    const waits = t.filter((l) => /^\[pid [234]\] futex\((0x[0-9a-f]+), FUTEX_WAIT_BITSET\|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY <unfinished \.\.\.>$/.test(l));
    expect(waits.length).toBeGreaterThanOrEqual(3);
    expect(t.filter((l) => /^\[pid 1\] futex\(0x[0-9a-f]+, FUTEX_WAKE, 1\) = 1$/.test(l)).length).toBeGreaterThanOrEqual(3);
    // A named semaphore: glibc's temporary file, linked to /dev/shm/sem.NAME; the child waits on the file's futex.
    expect(t.some((l) => /^\[pid 1\] openat\(AT_FDCWD, "\/dev\/shm\/sem\.\w{6}", O_RDWR\|O_CREAT\|O_EXCL, 0600\) = 3/.test(l))).toBe(true);
    expect(t.some((l) => /^\[pid 1\] linkat\(.*"dev\/shm\/sem\.diffsem\.[0-9a-f]+"\) = -1 EEXIST/.test(l))).toBe(true);
    expect(t.some((l) => /^\[pid 1\] unlinkat\(AT_FDCWD, "\/dev\/shm\/sem\.diffsem\.[0-9a-f]+", 0\) = -1 ENOENT \(No such file or directory\)$/.test(l))).toBe(true);
    // shm_open as glibc: O_NOFOLLOW|O_CLOEXEC; the child maps the file at another address and wakes the parent there.
    expect(t.some((l) => /^\[pid 1\] openat\(AT_FDCWD, "\/dev\/shm\/diffshm\.[0-9a-f]+", O_RDWR\|O_CREAT\|O_EXCL\|O_NOFOLLOW\|O_CLOEXEC, 0600\) = 3/.test(l))).toBe(true);
    expect(t.some((l) => /^\[pid 1\] ftruncate\(3<\/dev\/shm\/diffshm\.[0-9a-f]+>, 4096\) = 0$/.test(l))).toBe(true);
    const parentWait = t.findLast((l) => /^\[pid 1\] futex\(0x[0-9a-f]+, FUTEX_WAIT_BITSET\|FUTEX_CLOCK_REALTIME, 0, NULL/.test(l));
    const childWake = t.findLast((l) => /^\[pid \d+\] futex\(0x[0-9a-f]+, FUTEX_WAKE, 1\) = 1$/.test(l));
    expect(parentWait).toBeDefined();
    expect(childWake).toBeDefined();
    expect(/futex\((0x[0-9a-f]+)/.exec(childWake!)![1]).not.toBe(/futex\((0x[0-9a-f]+)/.exec(parentWait!)![1]);
  });
});

describe('a named semaphore between programs socklab starts separately', () => {
  it('natively, the two programs print the same', async () => {
    needs('gcc');
    const r = nativeTmp(work);
    const exe = join(r.cwd, 'sem_named_pair');
    execFileSync('gcc', ['-w', '-O0', '-o', exe, join(ROOT, 'tests', 'c', 'sem_named_pair.c')]);
    const name = `/pairsem-${process.pid}`;
    const waiter = spawn(exe, ['wait', name], { cwd: r.cwd, env: r.env });
    let out = '';
    waiter.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const done = new Promise<number | null>((res) => waiter.on('close', res));
    expect(execFileSync(exe, ['post', name], { cwd: r.cwd, env: r.env, encoding: 'utf8' })).toBe('poster: sem_post 0\n');
    expect(await done).toBe(0);
    expect(out).toBe('waiter: sem_wait 0, value 0\n');
  });

  it.each([[0], [50]])('the waiter sleeps on the file until the poster posts (poster starts at %d ms)', async (startMs) => {
    const o = await run({
      trace: { classes: ['futex'], time: 'none', library: false },
      processes: [
        { module: guest('sem_named_pair'), name: 'waiter', args: ['wait', '/pairsem'] },
        { module: guest('sem_named_pair'), name: 'poster', args: ['post', '/pairsem'], startMs },
      ],
      timeoutMs: 30_000,
    } as Parameters<typeof run>[0]);
    expect(o.status).toBe(0);
    expect(o.processes.find((p) => p.name === 'waiter')?.stdout).toBe('waiter: sem_wait 0, value 0\n');
    expect(o.processes.find((p) => p.name === 'poster')?.stdout).toBe('poster: sem_post 0\n');
    if (startMs > 0) {
      // The waiter came first and slept: the poster's wake reaches it through the file's futex.
      expect(lines(o.trace)).toContain('[pid 1] futex(0x103000, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY <unfinished ...>');
      expect(lines(o.trace).some((l) => /^\[pid 2\] futex\(0x[0-9a-f]+, FUTEX_WAKE, 1\) = 1$/.test(l))).toBe(true);
    }
  });
});
