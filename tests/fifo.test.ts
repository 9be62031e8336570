// Named pipes (host/fs/fifo.ts, guest/c/src/fifo.c): fifo_open's waits in their order, a signal ending one
// (EINTR, or a restart with SA_RESTART), a waiting reader counting for a non-blocking writer, compared with
// the native gcc build's output; the nodes socklab refuses (a device, a FIFO in a mounted host directory).
// tests/strace-diff.test.ts compares diff_fifo's strace lines (TLPI 44.8's seqnum server and the errno cases).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { nativeTmp, ROOT, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

const work = tempDir('socklab-fifo-');

function native(args: string[]): string {
  needs('gcc');
  const run = nativeTmp(work);
  const exe = join(run.cwd, 'fifo_open');
  execFileSync('gcc', ['-w', '-O0', '-o', exe, join(ROOT, 'tests', 'c', 'fifo_open.c')]);
  return run.asTmp(execFileSync(exe, args, { cwd: run.cwd, env: run.env, encoding: 'utf8' }));
}

const traced = async (args: string[]): Promise<{ stdout: string; trace: string }> => {
  const o = await runGuest('fifo_open', args, { trace: { classes: ['openat', 'mknodat', 'read', 'write'], strSize: 64, time: 'none', library: false } });
  expect(o.status).toBe(0);
  return { stdout: o.stdout, trace: (o.trace ?? '').replace(/ <[\d.]+>$/gm, '') };
};

describe('FIFOs', () => {
  it('a blocking open waits for its partner: the writer until the reader opens', async () => {
    const n = native(['order']);
    expect(n).toBe('reader opening\nwriter open: ok\nreader open: ok\nread: ok\nhi\n');
    const { stdout, trace } = await traced(['order']);
    expect(stdout).toBe(n);
    // The child's O_WRONLY open is left unfinished until the parent's O_RDONLY one, which finds the writer and returns.
    const w = trace.search(/\[pid 2\] openat\(AT_FDCWD, "\/tmp\/fifo_open_order", O_WRONLY <unfinished \.\.\.>/);
    const r = trace.search(/\[pid 1\] openat\(AT_FDCWD, "\/tmp\/fifo_open_order", O_RDONLY\) += 3<\/tmp\/fifo_open_order>/);
    const resumed = trace.search(/\[pid 2\] <\.\.\. openat resumed>\) += 3<\/tmp\/fifo_open_order>/);
    expect(w).toBeGreaterThanOrEqual(0);
    expect(r).toBeGreaterThan(w);
    expect(resumed).toBeGreaterThan(r);
  });

  it('a signal ends the wait with EINTR, and the reader it would have been is gone (ENXIO for a writer)', async () => {
    const n = native(['eintr']);
    expect(n).toBe('alarm\nopen rdonly: -1 Interrupted system call\nopen wronly nonblock: -1 No such device or address\n');
    const { stdout, trace } = await traced(['eintr']);
    expect(stdout).toBe(n);
    expect(trace).toMatch(/openat\(AT_FDCWD, "\/tmp\/fifo_open_eintr", O_RDONLY\) += \? ERESTARTSYS/);
    // As strace shows it: the call ends with the handler (rt_sigreturn's -1 EINTR), not run again.
    expect(trace.match(/fifo_open_eintr", O_RDONLY/g)).toHaveLength(1);
  });

  it('with SA_RESTART the open waits on after the handler, until the writer comes', async () => {
    const n = native(['restart']);
    expect(n).toBe('alarm\nopen rdonly: ok\nread: ok\nlate\n');
    const { stdout, trace } = await traced(['restart']);
    expect(stdout).toBe(n);
    expect(trace).toMatch(/openat\(AT_FDCWD, "\/tmp\/fifo_open_restart", O_RDONLY\) += \? ERESTARTSYS/);
    // Restarted after the handler, it waits again and returns once the child's writer opened.
    expect(trace).toMatch(/ERESTARTSYS[^]*--- SIGALRM [^]*openat\(AT_FDCWD, "\/tmp\/fifo_open_restart", O_RDONLY <unfinished \.\.\.>[^]*<\.\.\. openat resumed>\) += 3<\/tmp\/fifo_open_restart>/);
  });

  it('a reader waiting in open counts: a non-blocking writer opens, and its data reaches the reader', async () => {
    const n = native(['waiting']);
    expect(n).toBe('writer open nonblock: ok\nreader open: ok\nread: ok\nnow\n');
    const { stdout, trace } = await traced(['waiting']);
    expect(stdout).toBe(n);
    expect(trace).toMatch(/O_WRONLY\|O_NONBLOCK\) += 3<\/tmp\/fifo_open_waiting>/);
  });

  it('refuses device nodes and FIFOs in a mounted host directory with EPERM, traced as strace', async () => {
    const host = mkdtempSync(join(work, 'mount-'));
    const o = await runGuest('fifo_open', ['nodes', '/data'], {
      mounts: [{ host, guest: '/data', readonly: false }],
      trace: { classes: ['mknodat'], strSize: 64, time: 'none', library: false },
    });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe('mknod chr: -1 Operation not permitted\nmkfifo in dir: -1 Operation not permitted\n');
    expect(o.trace).toMatch(/mknodat\(AT_FDCWD, "\/tmp\/chr", S_IFCHR\|0600, makedev\(0x1, 0x3\)\) += -1 EPERM/);
    expect(o.trace).toMatch(/mknodat\(AT_FDCWD, "\/data\/fifo", S_IFIFO\|0600\) += -1 EPERM/);
    expect(existsSync(join(host, 'fifo'))).toBe(false);
  });
});
