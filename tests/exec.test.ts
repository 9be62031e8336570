// execve and the exec family: what a new image keeps and loses compared with
// the same C programs built by gcc and run by Linux (and traced by strace), an
// inetd-style super-server that execs a service per connection on the virtual
// network, and the errors of what cannot run.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guest, ROOT, run, tempDir } from './helpers.js';
import { needs } from './tools.js';

const T = 60_000;
/** Pids in what exec_child prints (its argv[1]) and in traces differ run to run. */
const norm = (s: string): string => s.replace(/\[\d+\] \[4\]/g, '[PID] [4]');

/** DIR with exec_child as gcc built it (native) or the wasm guest (socklab), under the name the programs exec. */
function progDirs(): { native: string; wasm: string } {
  needs('gcc');
  const native = tempDir('socklab-exec-native-');
  const wasm = tempDir('socklab-exec-wasm-');
  for (const prog of ['exec_main', 'exec_child']) execFileSync('gcc', ['-O1', '-w', '-o', join(native, prog), join(ROOT, 'tests', 'c', `${prog}.c`)]);
  copyFileSync(guest('exec_child'), join(wasm, 'exec_child'));
  // Not a program: natively executable (so its format is what fails), for socklab any file.
  for (const d of [native, wasm]) {
    writeFileSync(join(d, 'notprog'), 'hello\n');
    chmodSync(join(d, 'notprog'), 0o755);
  }
  return { native, wasm };
}

const runExecMain = (wasmDir: string, args: string[], trace?: string) =>
  run({ processes: [{ module: guest('exec_main'), name: 'exec_main', args }], mounts: [{ host: wasmDir, guest: '/progs', readonly: true }], timeoutMs: T, ...(trace ? { trace: { file: trace } } : {}) });

describe('execve', () => {
  it('keeps the pid, fds without FD_CLOEXEC, the mask and ignored signals, resets handlers, and fails as Linux does', async () => {
    const d = progDirs();
    const linux = execFileSync(join(d.native, 'exec_main'), [d.native], { encoding: 'utf8' });
    const o = await runExecMain(d.wasm, ['/progs']);
    expect(o.status).toBe(0);
    expect(norm(o.stdout)).toBe(norm(linux));
    // What the program checks, spelt out (so a Linux change cannot make both sides wrong together).
    expect(o.stdout).toContain('execve missing: -1 No such file or directory\nexecve directory: -1 Permission denied\nexecve empty path: -1 No such file or directory\n');
    expect(o.stdout).toContain('execve argument too long: -1 Argument list too long\nexecve bad argv: -1 Bad address\n');
    expect(o.stdout).toMatch(/child same pid: yes\nchild fd 4 \(kept\): open\nchild fd 5 \(FD_CLOEXEC\): closed\nchild SIGUSR1 \(had a handler\): SIG_DFL\nchild SIGUSR2 \(ignored\): SIG_IGN\nchild SIGTERM blocked: yes\nsetpgid of a child that has exec'd: -1 Permission denied\nparent read: "written by the new image"; child exited 7\n/);
    expect(o.stdout).toContain('child env EXEC_X=by-execvp EXEC_HOME=(unset)');
  });

  it('refuses a file that is no WebAssembly module with ENOEXEC, as Linux one of no known format, and says why in the trace', async () => {
    const d = progDirs();
    const linux = execFileSync(join(d.native, 'exec_main'), [d.native, join(d.native, 'notprog')], { encoding: 'utf8' });
    const trace = join(tempDir('socklab-exec-trace-'), 'trace');
    const o = await runExecMain(d.wasm, ['/progs', '/progs/notprog'], trace);
    expect(o.stdout).toBe(linux);
    expect(o.stdout).toContain('execve not a program: -1 Exec format error');
    expect(readFileSync(trace, 'utf8')).toContain('execve("/progs/notprog", ["x"], NULL) = -1 ENOEXEC (Exec format error) [not a WebAssembly module');
  });

  it('traces execve as strace -f does: the path whole, argv, the environment as a count', async () => {
    needs('strace');
    const d = progDirs();
    const st = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', join(d.native, 'strace.out'), join(d.native, 'exec_main'), d.native], { encoding: 'utf8', env: {} });
    expect(st.status).toBe(0);
    const trace = join(tempDir('socklab-exec-trace-'), 'trace');
    await runExecMain(d.wasm, ['/progs'], trace);
    // The calls both make alike: paths under DIR (the native one is a temporary directory), not the PATH search of a missing program
    // (the native run gets an empty environment, as socklab's guest has, so the counts of variables match).
    const calls = (text: string, dir: string): string[] =>
      text.split('\n').filter((l) => l.includes('execve(') && !l.includes('no-such-program') && !l.includes('exec_main"'))
        .map((l) => l.replace(/^\[pid\s+\d+\] (\d+\.\d+ )?|^\d+\s+/, '').replace(/ <[\d.]+>$/, '').split(dir).join('DIR')
          .replace(/0x[0-9a-f]+/g, 'PTR').replace(/"\d+", "4", "5"/, '"PID", "4", "5"').replace(/plain-\d+/, 'plain-PID').replace(/\s+= /, ' = ').replace(/"a{32}"\.\.\./, 'BIG'));
    const linux = calls(readFileSync(join(d.native, 'strace.out'), 'utf8'), d.native);
    const ours = calls(readFileSync(trace, 'utf8'), '/progs');
    expect(ours).toEqual(linux);
    expect(ours).toContain('execve("DIR/exec_child", ["exec_child", "PID", "4", "5"], PTR /* 2 vars */) = 0');
  });

  it('runs an inetd-style super-server: fork, dup2 the connection onto stdio, exec the service; the same trace every run', async () => {
    const dir = tempDir('socklab-inetd-');
    copyFileSync(guest('inetd_service'), join(dir, 'inetd_service'));
    const spec = (trace: string) => ({
      network: { hosts: [{ name: 'server' }, { name: 'client' }] },
      hostMounts: { server: [{ host: dir, guest: '/srv', readonly: true }] },
      processes: [
        { module: guest('inetd_server'), name: 'inetd', host: 'server', args: ['7000', '/srv/inetd_service', '3'] },
        ...['one', 'two', 'three'].map((w) => ({ module: guest('inetd_client'), name: `c-${w}`, host: 'client', args: ['server', '7000', w], startMs: 1 })),
      ],
      trace: { file: trace },
      timeoutMs: T,
    });
    const t = tempDir('socklab-inetd-trace-');
    const a = await run(spec(join(t, 'a')) as Parameters<typeof run>[0]);
    expect(a.status).toBe(0);
    for (const w of ['one', 'two', 'three']) expect(a.processes.find((p) => p.name === `c-${w}`)?.stdout).toBe(`HELLO ${w.toUpperCase()}\nBYE ${w.toUpperCase()}\n`);
    expect(a.stdout).toBe('inetd: listening on 7000\ninetd: served and reaped 3\n');
    const text = readFileSync(join(t, 'a'), 'utf8');
    expect(text.match(/execve\("\/srv\/inetd_service", \["inetd_service"\], 0x[0-9a-f]+ \/\* 0 vars \*\/\) = 0/g)).toHaveLength(3);
    await run(spec(join(t, 'b')) as Parameters<typeof run>[0]);
    expect(readFileSync(join(t, 'b'), 'utf8')).toBe(text);
  });
});
