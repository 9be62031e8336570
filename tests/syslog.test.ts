// syslog(3) in the C SDK (guest/c/src/syslog.c) against glibc 2.36's: the
// program's output with no log daemon (tests/c/diff_syslog.c, its socket calls
// are tests/strace-diff.test.ts's), and the bytes a log daemon bound at
// /dev/log receives (tests/c/syslog_logd.c) from a daemon that logs
// (tests/c/syslog_daemon.c). The expected records are glibc's format, as a
// gcc build sent them to a receiver bound at /dev/log in a private mount
// namespace on the reference machine: "<PRI>Mmm dd hh:mm:ss ident[pid]: text",
// no trailing newline added, a NUL after each record on a SOCK_STREAM socket.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { guest, ROOT, run, tempDir } from './helpers.js';
import { needs } from './tools.js';

const bin = tempDir('socklab-syslog-');

/** "Mmm dd hh:mm:ss ": strftime's "%h %e %T " (the day space-padded). */
const TS = '[A-Z][a-z]{2} [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] ';
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What syslog_logd prints for a record: its length and its bytes, the time matched by TS. */
function record(pri: number, rest: string, nul = false): RegExp {
  const len = `<${pri}>`.length + 16 + rest.length + (nul ? 1 : 0);
  const shown = rest.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return new RegExp(`^${len} "${esc(`<${pri}>`)}${TS}${esc(shown)}${nul ? esc('\\000') : ''}"$`);
}

/** A line of the daemon's (pid 3) trace without its pid, time and fd decorations. */
const daemonCall = (l: string): string => l.slice(8).replace(/ <\d+\.\d+>$/, '').replace(/\d+<UNIX[-A-Z]*:\[[^\]]*\]>/g, 'FD').replace(/ +=/, ' =');

async function logged(stream: boolean) {
  const o = await run({
    processes: [
      { module: guest('syslog_logd'), name: 'syslog_logd', args: stream ? ['5', 'stream'] : ['5'] },
      { module: guest('syslog_daemon'), name: 'syslog_daemon', startMs: 10 },
    ],
    trace: { classes: ['%net', 'close', 'unlinkat'], time: 'none', library: false },
    timeoutMs: 60_000,
  });
  expect(o.status, o.stderr).toBe(0);
  return o;
}

const big = 'x'.repeat(1499);
/** The daemon's records: its pid is 3 (the receiver 1, the launcher 2); masked LOG_DEBUG never sent. */
const RECORDS = (nul: boolean): RegExp[] => [
  record(30, 'logtest[3]: started, uid 0', nul),
  record(27, 'logtest[3]: accept: Connection refused', nul),
  record(132, 'logtest[3]: ends with a newline\n', nul),
  record(29, `logtest[3]: ${big}`, nul),
  // closelog: the ident is the program's name (argv[0]'s last part) again; LOG_PID and LOG_DAEMON stay.
  record(29, 'syslog_daemon[3]: after closelog', nul),
];

describe('syslog to a log daemon at /dev/log', () => {
  it('a SOCK_DGRAM logger receives exactly the records glibc sends', async () => {
    const o = await logged(false);
    const out = o.processes.find((p) => p.name === 'syslog_logd')!.stdout.trimEnd().split('\n');
    // The logger removes its socket from /dev at the end, as syslogd does (none there at its start: ENOENT).
    const unlinks = (o.trace ?? '').split('\n').filter((l) => l.startsWith('[pid 1] unlinkat(')).map((l) => l.slice(8).replace(/ <\d+\.\d+>$/, '').replace(/ +=/, ' ='));
    expect(unlinks).toEqual(['unlinkat(AT_FDCWD, "/dev/log", 0) = -1 ENOENT (No such file or directory)', 'unlinkat(AT_FDCWD, "/dev/log", 0) = 0']);
    const want = RECORDS(false);
    expect(out).toHaveLength(want.length);
    out.forEach((l, i) => expect(l).toMatch(want[i]!));
    // The daemon's calls: one lazy socket, connected once, a send per record, closelog's close, then a new socket.
    const d = (o.trace ?? '').split('\n').filter((l) => l.startsWith('[pid 3] ')).flatMap((l) => (/^\[pid 3\] (?:\+\+\+|---)/.test(l) ? [] : [daemonCall(l)]));
    expect(d.filter((l) => !l.startsWith('sendto('))).toEqual([
      'socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0) = FD',
      'connect(FD, {sa_family=AF_UNIX, sun_path="/dev/log"}, 110) = 0',
      'close(FD) = 0',
      'socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0) = FD',
      'connect(FD, {sa_family=AF_UNIX, sun_path="/dev/log"}, 110) = 0',
    ]);
    expect(d.filter((l) => l.startsWith('sendto('))).toHaveLength(5);
    expect(d.find((l) => l.startsWith('sendto('))).toMatch(/^sendto\(FD, "<30>.*"(?:\.\.\.)?, 46, MSG_NOSIGNAL, NULL, 0\) = 46$/);
  });

  it('a SOCK_STREAM logger: connect says EPROTOTYPE, glibc falls back to SOCK_STREAM and ends each record with a NUL', async () => {
    const o = await logged(true);
    const out = o.processes.find((p) => p.name === 'syslog_logd')!.stdout.trimEnd().split('\n');
    const want = RECORDS(true);
    // Two connections: closelog closes the first, the next message makes another (LogType back to SOCK_DGRAM first).
    expect(out.filter((l) => l === 'connection')).toHaveLength(2);
    const recs = out.filter((l) => l !== 'connection');
    expect(recs).toHaveLength(want.length);
    recs.forEach((l, i) => expect(l).toMatch(want[i]!));
    const d = (o.trace ?? '').split('\n').filter((l) => l.startsWith('[pid 3] ')).flatMap((l) => (/^\[pid 3\] (?:\+\+\+|---)/.test(l) ? [] : [daemonCall(l)]));
    expect(d.slice(0, 5)).toEqual([
      'socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0) = FD',
      'connect(FD, {sa_family=AF_UNIX, sun_path="/dev/log"}, 110) = -1 EPROTOTYPE (Protocol wrong type for socket)',
      'close(FD) = 0',
      'socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = FD',
      'connect(FD, {sa_family=AF_UNIX, sun_path="/dev/log"}, 110) = 0',
    ]);
  });
});

describe('syslog with no log daemon against glibc', () => {
  it("LOG_CONS: after the failed connect, glibc's open of /dev/console (none in socklab's /dev: ENOENT, nothing written)", async () => {
    const o = await run({ processes: [{ module: guest('syslog_cons'), name: 'syslog_cons' }], trace: { classes: ['%net', 'close', 'openat'], time: 'none', library: false }, timeoutMs: 60_000 });
    expect(o.status, o.stderr).toBe(0);
    expect(o.stdout).toBe('done\n');
    const calls = (o.trace ?? '').split('\n').filter((l) => /^\[pid 1\] (?:socket|connect|close|openat)\(/.test(l)).map(daemonCall);
    // As gcc's build does in a mount namespace whose /dev is an empty tmpfs (strace -f).
    expect(calls).toEqual([
      'socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0) = FD',
      'connect(FD, {sa_family=AF_UNIX, sun_path="/dev/log"}, 110) = -1 ENOENT (No such file or directory)',
      'close(FD) = 0',
      'openat(AT_FDCWD, "/dev/console", O_WRONLY|O_NOCTTY|O_CLOEXEC) = -1 ENOENT (No such file or directory)',
    ]);
  });

  it("diff_syslog prints on stdout and stderr what the gcc build prints (LOG_PERROR's copies)", async () => {
    needs('gcc');
    const exe = join(bin, 'diff_syslog');
    execFileSync('gcc', ['-O1', '-w', '-o', exe, join(ROOT, 'tests', 'c', 'diff_syslog.c')]);
    const r = spawnSync(exe, [], { cwd: bin, encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(r.status, r.stderr).toBe(0);
    // argv[0] is the program's name on both sides, so the default ident is the same.
    const o = await run({ processes: [{ module: guest('diff_syslog'), name: 'diff_syslog' }], timeoutMs: 60_000 });
    expect(o.status, o.stderr).toBe(0);
    expect(o.stdout).toBe(r.stdout);
    const pid = (s: string): string => s.replace(/\[\d+\]: /g, '[PID]: ');
    expect(pid(o.stderr)).toBe(pid(r.stderr));
    expect(r.stderr).toContain('diffsys[');
    expect(r.stderr).toContain('diff_syslog[');
  });
});
