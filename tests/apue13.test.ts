// APUE chapter 13 / UNP 13.4: a forking TCP server that daemonizes (x15_netd) and its client
// (x15_netcli), built natively with gcc and run on loopback, and built with socklab and run on the
// virtual network as a service: the same client output, the same daemon log (the daemon's only
// output once its stdio is /dev/null: syslog's place), and the calls daemon_init makes as Linux
// makes them. The self-contained chapter 13 programs are tests/c/tb15_*.c (tests/textbook.test.ts).
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import { guest, ROOT, run, tempDir } from './helpers.js';
import { needs } from './tools.js';

const WORDS = ['one', 'two', 'three'];

/** Resolves once ok() holds, checked whenever DIR changes (inotify): the native daemon has no other way to say so. */
function when(dir: string, ok: () => boolean, ms = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const w = watch(dir);
    const done = (e?: Error) => {
      clearTimeout(t);
      w.close();
      e ? reject(e) : resolve();
    };
    const t = setTimeout(() => done(new Error(`timed out waiting in ${dir}`)), ms);
    w.on('change', () => ok() && done());
    if (ok()) done();
  });
}

const has = (file: string, text: string) => existsSync(file) && readFileSync(file, 'utf8').includes(text);

describe('UNP 13.4 daemon_init + a forking TCP server, as a service', () => {
  it('daemonizes, serves its clients and stops on SIGTERM as the native build does', async () => {
    needs('gcc');
    const nat = tempDir('socklab-apue13-native-');
    for (const p of ['x15_netd', 'x15_netcli']) execFileSync('gcc', ['-O0', '-w', '-o', join(nat, p), join(ROOT, 'tests', 'c', `${p}.c`)]);
    const nlog = tempDir('socklab-apue13-nlog-');
    const port = String(20000 + ((process.pid + 13) % 20000));
    // The launcher returns at once (daemon_init's first parent exits); the daemon lives on.
    const launch = spawnSync(join(nat, 'x15_netd'), [port, nlog], { encoding: 'utf8', env: {}, timeout: 20_000 });
    expect(launch.status).toBe(0);
    await when(nlog, () => has(join(nlog, 'netd.log'), 'listening'));
    const cli = spawnSync(join(nat, 'x15_netcli'), ['127.0.0.1', port, ...WORDS], { encoding: 'utf8', env: {}, timeout: 20_000 });
    expect(cli.status).toBe(0);
    process.kill(Number(readFileSync(join(nlog, 'netd.pid'), 'utf8')), 'SIGTERM');
    await when(nlog, () => has(join(nlog, 'netd.log'), 'exiting') && !existsSync(join(nlog, 'netd.pid')));
    const nativeLog = readFileSync(join(nlog, 'netd.log'), 'utf8');

    const slog = tempDir('socklab-apue13-slog-');
    const trace = join(tempDir('socklab-apue13-trace-'), 'trace');
    const o = await run({
      network: { hosts: [{ name: 'server' }, { name: 'client' }] },
      hostMounts: { server: [{ host: slog, guest: '/log', readonly: false }] },
      trace: { file: trace, time: 'none' },
      processes: [
        { module: guest('x15_netd'), name: 'netd', host: 'server', args: ['7000', '/log'], service: true },
        { module: guest('x15_netcli'), name: 'netcli', host: 'client', args: ['server', '7000', ...WORDS], startMs: 100 },
      ],
      timeoutMs: 60_000,
    } as Parameters<typeof run>[0]);
    expect(o.status).toBe(0);
    expect(o.processes.find((p) => p.name === 'netcli')?.stdout).toBe(cli.stdout);
    expect(cli.stdout).toBe('netcli: ONE\nnetcli: TWO\nnetcli: THREE\n');
    expect(o.processes.find((p) => p.name === 'netd')?.stdout).toBe(launch.stdout);
    expect(readFileSync(join(slog, 'netd.log'), 'utf8')).toBe(nativeLog);
    expect(nativeLog).toContain('daemon: SIGTERM after 3 connections, exiting\n');
    expect(existsSync(join(slog, 'netd.pid'))).toBe(false);
    // The daemon's (pid 3) daemon_init calls, in Linux's strace form (fd decorations dropped).
    const lines = readFileSync(trace, 'utf8').split('\n');
    const of = (pid: number) => lines.filter((l) => l.startsWith(`[pid ${pid}] `)).map((l) => l.slice(`[pid ${pid}] `.length).replace(/<[^<>]*<[^<>]*>>|<[^<>]*>/g, '').replace(/ +=/, ' =').trimEnd());
    const init = of(2);
    expect(init[0]).toBe('setsid() = 2');
    expect(init[1]).toMatch(/^rt_sigaction\(SIGHUP, \{sa_handler=SIG_IGN, sa_mask=\[HUP\], sa_flags=SA_RESTORER\|SA_RESTART, sa_restorer=0x[0-9a-f]+\}, \{sa_handler=SIG_DFL, sa_mask=\[\], sa_flags=0\}, 8\) = 0$/);
    const d = of(3);
    const closes = d.filter((l) => /^close\(\d+\)/.test(l)).slice(0, 64);
    expect(closes.slice(0, 3)).toEqual(['close(0) = 0', 'close(1) = 0', 'close(2) = 0']);
    expect(closes.slice(3)).toEqual(Array.from({ length: 61 }, (_, i) => `close(${i + 3}) = -1 EBADF (Bad file descriptor)`));
    expect(d.filter((l) => l.includes('"/dev/null"'))).toEqual([
      'openat(AT_FDCWD, "/dev/null", O_RDONLY) = 0',
      'openat(AT_FDCWD, "/dev/null", O_RDWR) = 1',
      'openat(AT_FDCWD, "/dev/null", O_RDWR) = 2',
    ]);
    // Stopped as a service: SIGTERM from the run's end, its handler's flag ends accept's loop, exit 0.
    const tail = d.slice(d.findIndex((l) => l.startsWith('--- SIGTERM ')));
    expect(tail[0]).toMatch(/^--- SIGTERM \{si_signo=SIGTERM, si_code=SI_USER, si_pid=\d+, si_uid=0\} ---$/);
    expect(tail).toContain('rt_sigreturn({mask=[]}) = -1 EINTR (Interrupted system call)');
    expect(tail.at(-1)).toBe('+++ exited with 0 +++');
  }, 60_000);
});
