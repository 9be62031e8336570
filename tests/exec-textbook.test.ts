// Textbook programs that exec (APUE 8.10, 8.12, 8.13; CS:APP's Tiny; UNP's inetd; what crosses an exec),
// built natively with gcc and run by Linux (strace -f for the execve lines), and built with socklab and run
// with their helpers mounted: the same output, the same execve trace lines. Paths are the only thing
// normalised (the native directory is a temporary one; socklab's is mounted at /p).
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { guest, ROOT, run, tempDir } from './helpers.js';
import { needs } from './tools.js';

const T = 60_000;
/** Helper programs under the names the drivers exec. */
const HELPERS: Record<string, string> = { echoall: 'x14_echoall', status: 'x14_status', flagchild: 'x14_flagchild' };

/** DIR with the driver and the helpers built by gcc (native), and one with the helpers' wasm (socklab's /p). */
function dirs(driver: string): { native: string; wasm: string } {
  needs('gcc');
  const native = tempDir('socklab-exectb-native-');
  const wasm = tempDir('socklab-exectb-wasm-');
  const cc = (src: string, out: string) => execFileSync('gcc', ['-O1', '-w', '-o', join(native, out), join(ROOT, 'tests', 'c', `${src}.c`)]);
  cc(driver, driver);
  for (const [name, src] of Object.entries(HELPERS)) {
    cc(src, name);
    copyFileSync(guest(src), join(wasm, name));
  }
  mkdirSync(join(native, 'w'));
  mkdirSync(join(wasm, 'w'));
  return { native, wasm };
}

/** The driver run natively (empty environment, as a socklab guest's), its DIR as /p in the output. */
function linux(d: { native: string }, driver: string, args: string[], strace?: string): string {
  const exe = join(d.native, driver);
  const r = strace
    ? spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', strace, exe, ...args], { encoding: 'utf8', env: {}, timeout: 20_000 })
    : spawnSync(exe, args, { encoding: 'utf8', env: {}, timeout: 20_000 });
  expect(r.status).toBe(0);
  return r.stdout.split(d.native).join('/p');
}

const socklab = (d: { wasm: string }, driver: string, args: string[], trace?: string) =>
  run({ processes: [{ module: guest(driver), name: driver, args }], mounts: [{ host: d.wasm, guest: '/p', readonly: false }], timeoutMs: T, ...(trace ? { trace: { file: trace } } : {}) });

/** The trace's lines, a call another process's line cut ("<unfinished ...>" ... "<... execve resumed>") joined into one, per pid. */
function joinResumed(text: string): string[] {
  const open = new Map<string, number>();
  const out: string[] = [];
  for (const l of text.split('\n')) {
    const pid = (/^(?:\[pid +(\d+)\] |(\d+) +)/.exec(l) ?? []).slice(1).join('');
    const u = / ?<unfinished \.\.\.>$/.exec(l);
    const r = /<\.\.\. \w+ resumed>\s*(.*)$/.exec(l);
    if (r && open.has(pid)) {
      const i = open.get(pid)!;
      out[i] = `${out[i]}${r[1]!.startsWith(')') ? '' : ' '}${r[1]}`;
      open.delete(pid);
      continue;
    }
    if (u) open.set(pid, out.length);
    out.push(u ? l.slice(0, u.index) : l);
  }
  return out;
}

/** execve lines as both tracers print them, pids, times and pointers out, the first (strace's own exec of the driver) dropped. */
function execLines(text: string, dir: string): string[] {
  return joinResumed(text).filter((l) => l.includes('execve(') && !new RegExp(`execve\\("[^"]*/x14_`).test(l))
    .map((l) => l.replace(/^\[pid\s+\d+\] (\d+\.\d+ )?|^\d+\s+/, '').replace(/ <[\d.]+>$/, '').split(dir).join('/p')
      .replace(/0x[0-9a-f]+ \/\*/g, 'PTR /*').replace(/\s+= /, ' = ').replace(/ \[not a WebAssembly module[^\]]*\]| \[a "#!" line[^\]]*\]/, ''));
}

async function compareWithTrace(driver: string, extra: (d: { native: string; wasm: string }, side: 'native' | 'wasm') => string[]) {
  needs('strace');
  const d = dirs(driver);
  const st = join(d.native, 'strace.out');
  const want = linux(d, driver, [d.native, ...extra(d, 'native')], st);
  const trace = join(tempDir('socklab-exectb-trace-'), 'trace');
  const o = await socklab(d, driver, ['/p', ...extra(d, 'wasm')], trace);
  expect(o.status).toBe(0);
  expect(o.stdout).toBe(want);
  const ours = execLines(readFileSync(trace, 'utf8'), '/p');
  expect(ours).toEqual(execLines(readFileSync(st, 'utf8'), d.native));
  return { stdout: o.stdout, execs: ours };
}

describe('textbook programs that exec, against Linux', () => {
  it('APUE 8.10 exec1: execle with its own environment, execlp searching PATH', async () => {
    const { stdout, execs } = await compareWithTrace('x14_exec1', () => []);
    expect(stdout).toContain('argv[0]: echoall\nargv[1]: myarg1\nargv[2]: MY ARG2\nUSER=unknown\nPATH=/tmp\nfirst child: status 0\n');
    expect(stdout).toContain('argv[1]: only 1 arg\nPATH=/no/such/dir::/p\nsecond child: status 0\nexeclp missing: No such file or directory\n');
    // execlp tries each PATH entry in turn: the missing directory, the empty entry (the working directory), then DIR.
    expect(execs).toContain('execve("/no/such/dir/echoall", ["echoall", "only 1 arg"], PTR /* 1 var */) = -1 ENOENT (No such file or directory)');
    expect(execs).toContain('execve("/p/echoall", ["echoall", "only 1 arg"], PTR /* 1 var */) = 0');
  });

  it('APUE 8.12 interpreter files: "#!" runs the interpreter; missing, unexecutable, too deep, empty', async () => {
    const { stdout, execs } = await compareWithTrace('x14_interp', (d, side) => [side === 'native' ? join(d.native, 'w') : '/p/w']);
    expect(stdout).toContain('argv[0]: /p/echoall\nargv[1]: foo\nargv[2]: /p/w/testinterp\nargv[3]: myarg1\nargv[4]: MY ARG2\nX14=interp\n');
    expect(stdout).toContain('argv[1]: two words\n');
    expect(stdout).toContain('missing interpreter: execle: No such file or directory\n');
    expect(stdout).toContain('script without x bit: execle: Permission denied\nscript without x bit: status 127\ninterpreter without x bit: execle: Permission denied\n');
    expect(stdout).toContain('nested 4: status 0\nnested 5: execle: Too many levels of symbolic links\n');
    expect(stdout).toContain('empty interpreter: execle: Exec format error\n');
    expect(execs).toContain('execve("/p/w/testinterp", ["testinterp", "myarg1", "MY ARG2"], PTR /* 1 var */) = -1 ENOENT (No such file or directory)');
  });

  it('APUE 8.13 system() as fork + execv of the program (no shell): statuses, 127, a signal, restored dispositions', async () => {
    const d = dirs('x14_system');
    const want = linux(d, 'x14_system', [d.native]);
    const o = await socklab(d, 'x14_system', ['/p']);
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(want);
    expect(o.stdout).toContain('normal termination, exit status = 127\nnormal termination, exit status = 44\nabnormal termination, signal number = 15\n');
    expect(o.stdout).toContain('SIGINT SIG_DFL SIGQUIT SIG_DFL SIGCHLD SIG_DFL\nSIGCHLD blocked: no\nnormal termination, exit status = 3\nSIGCHLD handled 5 times\n');
  });

  it('close-on-exec every way, a pending blocked signal, alarm() and an exec from a SIGCHLD handler cross exec as on Linux', async () => {
    const d = dirs('x14_execflags');
    const want = linux(d, 'x14_execflags', [d.native]);
    const o = await socklab(d, 'x14_execflags', ['/p']);
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(want);
    // fds 3 (plain open), 6 (dup of an FD_CLOEXEC one), 11 (plain socket), 14 (plain accept) stay; O_CLOEXEC (4) too goes.
    expect(o.stdout).toContain('new image (fds)\nopen fds: 3 6 11 14\nblocked: 10\npending: 10\nSIGUSR2: SIG_IGN\nalarm left: 7\nno child to reap\nsubject: exit 5\n');
    expect(o.stdout).toContain('new image (from-handler)\nopen fds:\nblocked: 12 17\npending:\nSIGUSR2: SIG_DFL\nalarm left: 0\ninherited child exited 42\nhandler: exit 5\n');
  });
});

/** A native server started under strace -f (execve only), ready once it printed `ready`; its stdout and trace at its exit. */
async function nativeServer(exe: string, args: string[], ready: string, st: string): Promise<{ done: Promise<string> }> {
  const { spawn } = await import('node:child_process');
  const srv = spawn('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', st, exe, ...args], { env: {}, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const done = new Promise<string>((resolve, reject) => {
    srv.on('error', reject);
    // 'close', not 'exit': a child's exit can be reported before the last of its output is read.
    srv.on('close', () => resolve(out));
  });
  await new Promise<void>((resolve, reject) => {
    srv.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes(ready)) resolve();
    });
    srv.on('exit', () => reject(new Error(`server ended before "${ready}": ${out}`)));
  });
  return { done };
}

describe('CS:APP Tiny: serve_dynamic execs the adder CGI with the connection as its stdout', () => {
  const URIS = ['/cgi-bin/adder?15000&213', '/index.html', '/cgi-bin/nothere', '/cgi-bin/adder?-7&9'];

  it('answers as the natively built pair over loopback; execve(cgi, [], environ) traced alike', async () => {
    needs('gcc');
    needs('strace');
    const nat = tempDir('socklab-exectb-tiny-');
    const cgi = join(nat, 'cgi');
    mkdirSync(cgi);
    for (const p of ['x14_tiny', 'x14_tinycli']) execFileSync('gcc', ['-O1', '-w', '-o', join(nat, p), join(ROOT, 'tests', 'c', `${p}.c`)]);
    execFileSync('gcc', ['-O1', '-w', '-o', join(cgi, 'adder'), join(ROOT, 'tests', 'c', 'x14_adder.c')]);
    const port = String(20000 + (process.pid % 20000));
    const st = join(nat, 'strace.out');
    const srv = await nativeServer(join(nat, 'x14_tiny'), [port, String(URIS.length), cgi], 'tiny: listening', st);
    const clients = URIS.map((u) => spawnSync(join(nat, 'x14_tinycli'), ['127.0.0.1', port, u], { encoding: 'utf8', env: {}, timeout: 20_000 }).stdout);
    const serverOut = await srv.done;

    const wasm = tempDir('socklab-exectb-tiny-wasm-');
    copyFileSync(guest('x14_adder'), join(wasm, 'adder'));
    const trace = join(tempDir('socklab-exectb-tiny-trace-'), 'trace');
    const o = await run({
      network: { hosts: [{ name: 'server' }, { name: 'client' }] },
      hostMounts: { server: [{ host: wasm, guest: '/srv', readonly: true }] },
      processes: [
        { module: guest('x14_tiny'), name: 'tiny', host: 'server', args: ['8000', String(URIS.length), '/srv'] },
        // One client after another, as the native ones run.
        ...URIS.map((u, i) => ({ module: guest('x14_tinycli'), name: `c${i}`, host: 'client', args: ['server', '8000', u], startMs: (i + 1) * 100 })),
      ],
      trace: { file: trace },
      timeoutMs: T,
    } as Parameters<typeof run>[0]);
    expect(o.status).toBe(0);
    URIS.forEach((_, i) => expect(o.processes.find((p) => p.name === `c${i}`)?.stdout).toBe(clients[i]));
    expect(o.processes.find((p) => p.name === 'tiny')?.stdout).toBe(serverOut);
    expect(clients[0]).toContain('<p>The answer is: 15000 + 213 = 15213\\r\n');
    expect(clients[3]).toContain('Content-length: 106\\r\n');
    // Both directories show as /p.
    const lines = (text: string, dir: string) => execLines(text, dir).filter((l) => l.includes('adder'));
    expect(lines(readFileSync(trace, 'utf8'), '/srv')).toEqual(lines(readFileSync(st, 'utf8'), cgi));
    expect(lines(readFileSync(trace, 'utf8'), '/srv')).toEqual(Array(2).fill('execve("/p/adder", [], PTR /* 1 var */) = 0'));
  });
});

describe('UNP 13.5/13.6 inetd: a TCP nowait and a UDP wait service on stdin/stdout after exec', () => {
  const WORDS = ['one', 'two', 'three'];

  it('serves as the native build over loopback: getpeername(0) is the client, the UDP socket itself is fd 0', async () => {
    needs('gcc');
    const nat = tempDir('socklab-exectb-inetd-');
    const svc = join(nat, 'svc');
    mkdirSync(svc);
    const cc = (src: string, out: string) => execFileSync('gcc', ['-O1', '-w', '-o', out, join(ROOT, 'tests', 'c', `${src}.c`)]);
    for (const p of ['x14_inetd', 'x14_inetdcli']) cc(p, join(nat, p));
    for (const s of ['tcpsvc', 'udpsvc']) cc(`x14_${s}`, join(svc, s));
    needs('strace');
    const base = 20000 + ((process.pid + 7) % 20000);
    const [tp, up] = [String(base), String(base + 1)];
    const n = String(WORDS.length);
    const srv = await nativeServer(join(nat, 'x14_inetd'), [tp, up, svc, n, n], 'inetd: listening', join(nat, 'strace.out'));
    const clients = WORDS.map((w) => spawnSync(join(nat, 'x14_inetdcli'), ['127.0.0.1', tp, up, w], { encoding: 'utf8', env: {}, timeout: 20_000 }).stdout);
    const serverOut = await srv.done;

    const wasm = tempDir('socklab-exectb-inetd-wasm-');
    for (const s of ['tcpsvc', 'udpsvc']) copyFileSync(guest(`x14_${s}`), join(wasm, s));
    const trace = join(tempDir('socklab-exectb-inetd-trace-'), 'trace');
    const o = await run({
      network: { hosts: [{ name: 'server' }, { name: 'client' }] },
      hostMounts: { server: [{ host: wasm, guest: '/srv', readonly: true }] },
      trace: { file: trace },
      processes: [
        { module: guest('x14_inetd'), name: 'inetd', host: 'server', args: ['7000', '7001', '/srv', n, n] },
        ...WORDS.map((w, i) => ({ module: guest('x14_inetdcli'), name: `c-${w}`, host: 'client', args: ['server', '7000', '7001', w], startMs: (i + 1) * 100 })),
      ],
      timeoutMs: T,
    } as Parameters<typeof run>[0]);
    expect(o.status).toBe(0);
    WORDS.forEach((w, i) => expect(o.processes.find((p) => p.name === `c-${w}`)?.stdout).toBe(clients[i]));
    expect(o.processes.find((p) => p.name === 'inetd')?.stdout).toBe(serverOut);
    expect(clients[1]).toBe('tcp: service saw our port: yes\ntcp: TWO\nudp: udpsvc (SOCK_DGRAM): TWO\n');
    expect(serverOut).toBe('inetd: listening\ninetd: 3 tcp, 3 udp served; 6 reaped\n');
    // The services' execs, in the order the native run made them (one client at a time: tcp, then udp).
    const ours = execLines(readFileSync(trace, 'utf8'), '/srv');
    expect(ours).toEqual(execLines(readFileSync(join(nat, 'strace.out'), 'utf8'), svc));
    expect(ours.slice(0, 2)).toEqual(['execve("/p/tcpsvc", ["tcpsvc"], PTR /* 0 vars */) = 0', 'execve("/p/udpsvc", ["udpsvc"], PTR /* 0 vars */) = 0']);
  });
});

describe('tb14_execerr: execve of what is no runnable program', () => {
  it('fails with the errno and the execve trace line Linux gives', async () => {
    needs('gcc');
    needs('strace');
    const nat = tempDir('socklab-exectb-err-');
    execFileSync('gcc', ['-O1', '-w', '-o', join(nat, 'tb14_execerr'), join(ROOT, 'tests', 'c', 'tb14_execerr.c')]);
    mkdirSync(join(nat, 'tmp'));
    const st = join(nat, 'strace.out');
    const tmp = join(nat, 'tmp');
    const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', st, join(nat, 'tb14_execerr')], { encoding: 'utf8', env: { SOCKLAB_TEST_TMP: tmp }, timeout: 20_000 });
    expect(r.status).toBe(0);
    const trace = join(tempDir('socklab-exectb-err-trace-'), 'trace');
    const o = await run({ processes: [{ module: guest('tb14_execerr'), name: 'tb14_execerr', env: ['SOCKLAB_TEST_TMP=/tmp'] }], timeoutMs: T, trace: { file: trace } });
    expect(o.stdout).toBe(r.stdout);
    const lines = (text: string, dir: string) => execLines(text, dir).filter((l) => !l.includes('tb14_execerr'));
    const ours = lines(readFileSync(trace, 'utf8'), '/tmp');
    expect(ours).toEqual(lines(readFileSync(st, 'utf8'), tmp));
    expect(ours).toContain('execve("/p/tb14-nointerp", ["prog", "arg"], PTR /* 0 vars */) = -1 ENOENT (No such file or directory)');
    expect(ours).toContain('execve("/p/tb14-noexec/x", ["prog", "arg"], PTR /* 0 vars */) = -1 ENOTDIR (Not a directory)');
  });
});
