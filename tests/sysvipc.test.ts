// System V message queues and semaphores (host/kernel/sysvipc.ts, docs/abi.md
// "System V IPC"): each program prints what it finds and the gcc build's
// output on this machine is the reference (the traces are compared in
// strace-diff.test.ts). Lines from processes the scheduler runs in either
// order (forked children) are compared as a multiset.
import { describe, expect, it } from 'vitest';
import { runGuest, tempDir, nativeStdout } from './helpers.js';
import { needs } from './tools.js';

const bin = tempDir('socklab-sysvipc-');

const native = (name: string): string => nativeStdout(name, bin);

const sorted = (s: string): string[] => s.split('\n').filter(Boolean).sort();

describe('System V IPC against Linux', () => {
  it.each(['sysv_msg', 'sysv_sem', 'sysvipc_wait'])('%s prints what the gcc build prints', async (name) => {
    needs('gcc');
    const want = native(name);
    const o = await runGuest(name);
    expect(o.status, o.stderr).toBe(0);
    expect(want.split('\n').length).toBeGreaterThan(10);
    expect(sorted(o.stdout)).toEqual(sorted(want));
  });

  it('serves sleepers in arrival order, undoes SEM_UNDO at exit, ends waits with EINTR, EAGAIN and EIDRM', async () => {
    const o = await runGuest('sysvipc_wait');
    expect(o.status, o.stderr).toBe(0);
    const out = o.stdout.split('\n');
    expect(out.slice(0, 15)).toEqual([
      'ftok matches 1', 'ftok missing -1 No such file or directory',
      'woken 0', 'woken 1', 'woken 2',
      'sem 0 after undo 5', 'sem 2 after undo 0', "sem 0 pid is child's 1",
      'msgrcv EINTR -1 Interrupted system call', 'semop EINTR -1 Interrupted system call',
      'semtimedop EAGAIN -1 Resource temporarily unavailable', 'fill 0',
      'msgsnd EINTR -1 Interrupted system call', 'still one 1', 'msgrcv through SIGCHLD 2',
    ]);
    expect(out.slice(15).filter(Boolean).sort()).toEqual(['child msgrcv -1 Identifier removed', 'child msgsnd -1 Identifier removed']);
  });

  it('is deterministic: ids from 0 in a fresh namespace, the same trace for the same seed', async () => {
    const a = await runGuest('sysv_sem', [], { trace: { classes: ['ipc'], time: 'none' } });
    const b = await runGuest('sysv_sem', [], { trace: { classes: ['ipc'], time: 'none' } });
    expect(a.trace).toBe(b.trace);
    expect(a.trace).toContain('semget(IPC_PRIVATE, 3, IPC_CREAT|0600) = 0');
    // ftok(".", 'S') of the guest's / (its inode and device: the same every run).
    expect(a.trace).toContain('semget(0x53010064, 1, IPC_CREAT|0600) = 1');
    expect(a.trace).toMatch(/semop\(0, \[\{sem_num=1, sem_op=-1, sem_flg=0\}\], 1 <unfinished \.\.\.>\n[^]*<\.\.\. semop resumed>\) += -1 EIDRM/);
  });
});
