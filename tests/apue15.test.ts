// APUE chapter 15 (interprocess communication): the book's programs typed as tests/c/x15ipc_*.c, built with
// gcc and run by Linux, and built with socklab and run by it, with the same stdout, stderr and exit status.
// socklab has no shell (no popen, no system, no /bin/more): where the book execs a program (15.6's pager,
// 15.18's add2), it execs a module file from a mounted directory, the gcc build of the same file natively.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guest, ROOT, run, tempDir } from './helpers.js';
import { needs } from './tools.js';

const T = 60_000;
const PROGS = ['pipe', 'pager', 'more', 'tellwait', 'add2', 'coproc', 'segments', 'devzero', 'slock', 'msgsrv'].map((p) => `x15ipc_${p}`);
const INPUT = 'line one\nline two\nline three\n';

let built: { native: string; wasm: string } | undefined;
/** The gcc builds (native) and the socklab builds (wasm) in two directories of this run's own, each with the pager's input; made once. */
function dirs(): { native: string; wasm: string } {
  needs('gcc');
  if (built) return built;
  const native = tempDir('socklab-apue15-native-');
  const wasm = tempDir('socklab-apue15-wasm-');
  for (const p of PROGS) {
    execFileSync('gcc', ['-O1', '-w', '-o', join(native, p), join(ROOT, 'tests', 'c', `${p}.c`)]);
    copyFileSync(guest(p), join(wasm, p));
  }
  for (const d of [native, wasm]) writeFileSync(join(d, 'input.txt'), INPUT);
  return (built = { native, wasm });
}

interface Result { stdout: string; stderr: string; status: number | null }

/** PROG run natively with ARGS naming DIR (the native directory's own path where socklab's is /d). */
function native(d: string, prog: string, args: string[], stdin = ''): Result {
  const r = spawnSync(join(d, prog), args.map((a) => a.replace(/^\/d(?=\/|$)/, d)), { cwd: d, input: stdin, encoding: 'utf8', env: {}, timeout: T });
  expect(r.error).toBeUndefined();
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** PROG run by socklab, the wasm directory mounted at /d. */
async function socklab(d: string, prog: string, args: string[], stdin?: string): Promise<Result> {
  const o = await run({ processes: [{ module: guest(prog), name: prog, args, stdin }], mounts: [{ host: d, guest: '/d', readonly: false }], timeoutMs: T });
  return { stdout: o.stdout, stderr: o.stderr, status: o.status };
}

async function both(prog: string, args: string[] = [], stdin?: string): Promise<{ linux: Result; ours: Result }> {
  const d = dirs();
  const linux = native(d.native, prog, args, stdin);
  const ours = await socklab(d.wasm, prog, args, stdin);
  expect(linux.status, linux.stderr).toBe(0);
  return { linux, ours };
}

describe('APUE chapter 15: pipes', () => {
  it('15.5: a pipe from parent to child, then EOF once both write ends are closed', async () => {
    const { linux, ours } = await both('x15ipc_pipe');
    expect(ours).toEqual(linux);
    expect(ours.stdout).toBe('hello world\nchild: second read 0\nparent: child exited 3\n');
  }, T);

  it('15.6: a file through a pipe to a pager the child execs on its stdin', async () => {
    const { linux, ours } = await both('x15ipc_pager', ['/d/input.txt', '/d/x15ipc_more']);
    expect(ours).toEqual(linux);
    expect(ours.stdout).toBe('     1  line one\n     2  line two\n     3  line three\nx15ipc_more: 3 lines from a pipe\n');
  }, T);

  it('15.7: TELL_WAIT with two pipes orders parent and child each way round', async () => {
    const { linux, ours } = await both('x15ipc_tellwait');
    expect(ours).toEqual(linux);
    expect(ours.stdout).toBe('output from parent\noutput from child\nchild again, first this time\nparent again, after the child\nread after the child exited: 0\n');
  }, T);

  it('15.18-15.19: the add2 coprocess, then SIGPIPE and EPIPE writing to a pipe without a reader', async () => {
    const { linux, ours } = await both('x15ipc_coproc', ['/d/x15ipc_add2'], '1 2\n30 12\nfoo\n');
    expect(ours).toEqual(linux);
    expect(ours.stdout).toBe('3\n42\ninvalid args\nadd2 exited 0; read now 0\nSIGPIPE caught\nwrite with no reader: -1 Broken pipe\n');
  }, T);

  it('15.18 with 15.19\'s add2 unbuffered: the book\'s deadlock, a hang on Linux, reported by socklab', async () => {
    const d = dirs();
    // Linux never ends it (both wait in read): stopped after 3 s, that is what is shown here, not a synchronisation.
    const r = spawnSync(join(d.native, 'x15ipc_coproc'), [join(d.native, 'x15ipc_add2'), 'nobuf'], { input: '1 2\n', encoding: 'utf8', env: {}, timeout: 3000 });
    expect(r.signal).toBe('SIGTERM');
    expect(r.stdout).toBe('');
    const o = await run({ processes: [{ module: guest('x15ipc_coproc'), name: 'coproc', args: ['/d/x15ipc_add2', 'nobuf'], stdin: '1 2\n' }], mounts: [{ host: d.wasm, guest: '/d', readonly: true }], timeoutMs: T });
    expect(o.status).toBe(125);
    expect(o.stdout).toBe('');
  }, T);
});

describe('APUE chapter 15: XSI IPC and shared memory', () => {
  it('15.6-15.8: a message-queue server and clients under a semaphore, ftok keys, IPC_RMID', async () => {
    const { linux, ours } = await both('x15ipc_msgsrv', ['/d']);
    expect(ours.status).toBe(0);
    expect(ours.stderr).toBe(linux.stderr);
    // The clients print in the order they got the semaphore: the machine's order, so both sides' lines sorted.
    const sorted = (s: string) => s.split('\n').sort();
    expect(sorted(ours.stdout)).toEqual(sorted(linux.stdout));
    expect(ours.stdout).toContain('client beta: reply "BETA" (5 bytes), addressed to its pid: yes\n');
    expect(ours.stdout).toMatch(/\n4 processes exited 0; 0 messages left; semaphore 0 is 1\nmsgget after IPC_RMID: No such file or directory\nmsgsnd to the removed queue: Invalid argument\n$/);
  }, T);

  it('15.31: where the segments go, as relations; the stack is the one difference (wasm linear memory)', async () => {
    const { linux, ours } = await both('x15ipc_segments');
    expect(ours.status).toBe(0);
    expect(ours.stderr).toBe(linux.stderr);
    // Linux's stack sits at the top of the address space, above every mapping; a wasm module's stack is a
    // region of its linear memory between its data and its heap, where shmat's pages come from.
    expect(linux.stdout).toContain('stack is above shared memory\n');
    expect(ours.stdout).toBe(linux.stdout.replace('stack is above shared memory\n', 'stack is below shared memory\n'));
    expect(ours.stdout).toContain('after IPC_RMID: mode 01600, shm_nattch 1\nshmat after the last detach: failed\n');
  }, T);

  it('15.33: a counter in a MAP_SHARED mapping of /dev/zero, parent and child taking turns by signals', async () => {
    const { linux, ours } = await both('x15ipc_devzero');
    expect(ours).toEqual(linux);
    expect(ours.stdout).toBe('child: counter 1000\nparent: counter 1000, child exited 0\n');
  }, T);

  it('15.35: slock_alloc from sem_open/sem_unlink guards a shared counter across fork', async () => {
    const { linux, ours } = await both('x15ipc_slock');
    expect(ours).toEqual(linux);
    expect(ours.stdout).toBe('sem_open of the unlinked name: No such file or directory\ntrylock while held: -1 Resource temporarily unavailable\n3 children exited 0; counter 1600 (expected 1600)\nsemaphore value 1\n');
  }, T);
});
