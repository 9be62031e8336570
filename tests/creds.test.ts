// Users and credentials (docs/abi.md "Users and credentials"): diff_creds
// (getpwnam, a privileged port, a child's SO_PEERCRED and SCM_CREDENTIALS,
// the drop to nobody) and creds_rules (the set*id rules) print what they
// find; the gcc build run as root on this machine is the reference (the
// trace of diff_creds is compared in strace-diff.test.ts).
import { describe, expect, it } from 'vitest';
import { runGuest, tempDir, nativeStdout } from './helpers.js';
import { needs } from './tools.js';

const bin = tempDir('socklab-creds-');

const native = (name: string): string => nativeStdout(name, bin);

const clean = (trace: string): string[] => trace.split('\n').map((l) => l.replace(/^\[pid +\d+\] /, '').replace(/ <\d+\.\d+>$/, '').replace(/ +=/, ' ='));

describe('credentials against Linux', () => {
  it.each(['diff_creds', 'creds_rules'])('%s prints what the gcc build prints as root', async (name) => {
    needs('gcc');
    // The reference is a root process, as socklab's guests start.
    expect(process.getuid?.()).toBe(0);
    const want = native(name);
    const o = await runGuest(name);
    expect(o.status, o.stderr).toBe(0);
    expect(want.split('\n').length).toBeGreaterThan(15);
    expect(o.stdout).toBe(want);
  });

  it('reads the built-in /etc/passwd as glibc opens it, and traces the id calls as strace', async () => {
    const o = await runGuest('diff_creds', [], { trace: { classes: ['openat', 'setuid', 'setgid', 'getgroups', 'setgroups', 'bind'], strSize: 64, time: 'none', library: false } });
    expect(o.status, o.stderr).toBe(0);
    const lines = clean(o.trace ?? '');
    expect(lines.filter((l) => l.startsWith('openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = ')).length).toBeGreaterThan(3);
    expect(lines.some((l) => l.startsWith('openat(AT_FDCWD, "/etc/group", O_RDONLY|O_CLOEXEC) = '))).toBe(true);
    expect(lines).toContain('setgroups(1, [65534]) = 0');
    expect(lines).toContain('setuid(65534) = 0');
    expect(lines).toContain('getgroups(0, NULL) = 0');
    expect(lines).toContain('getgroups(8, [65534]) = 1');
    expect(lines).toContain('setuid(0) = -1 EPERM (Operation not permitted)');
    expect(lines.some((l) => /^bind\(\d+<TCP:\[\d+\]>, \{sa_family=AF_INET, sin_port=htons\(81\), .* = -1 EACCES \(Permission denied\)$/.test(l))).toBe(true);
  });

  it('is deterministic: the same trace twice', async () => {
    const t = { classes: ['%net', 'setuid', 'setgid', 'kill', 'getresuid'], strSize: 64, time: 'none' as const, library: false };
    const a = await runGuest('diff_creds', [], { trace: t });
    const b = await runGuest('diff_creds', [], { trace: t });
    expect(a.trace).toBe(b.trace);
    expect((a.trace ?? '').length).toBeGreaterThan(100);
  });
});
