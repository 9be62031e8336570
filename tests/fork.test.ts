// fork() and the wait family (design decision 8, issue #13): the child is a
// copy of the parent (memory, globals, saved stack), not a sharer; open
// file descriptions are shared with reference counts, so a socket stays
// open until its last descriptor in any process is closed; statuses are
// encoded as Linux encodes them; zombies wait for their parent, orphans go
// to init; the process limit makes fork fail with EAGAIN; and the same seed
// gives the same trace, forks included. The diff_fork_* programs are also
// compared with native Linux builds in differential.test.ts.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guest, ROOT, run, runGuest, tempDir } from './helpers.js';
import { loadScenario } from '../dist/host/scenario/load.js';

const tmp = tempDir('socklab-fork-');

/** The forking echo server (examples/fork-echo) on one host, `clients` echo clients on another. */
function echoScenario(name: string, seed: number, clients: number, serverArgs: string[]): string {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(
    file,
    `version: 1
seed: ${seed}
hosts:
  - { name: server, ipv4: [10.0.0.1] }
  - { name: client, ipv4: [10.0.0.2] }
links:
  - { between: [server, client], latency: 1ms }
processes:
  - { name: server, module: ${guest('examples_fork_echo_server')}, host: server, args: [${serverArgs.join(', ')}] }
  - { name: "client{i}", module: ${guest('examples_echo_client')}, host: client, args: [server, 7000, "hello from client {i}"], count: ${clients}, start: 5ms }
`,
  );
  return file;
}

async function runScenario(file: string): Promise<Awaited<ReturnType<typeof run>>> {
  const { spec } = await loadScenario(file);
  return run({ ...spec, timeoutMs: 60_000, trace: {} });
}

describe('fork', () => {
  it('copies memory: the child changes a global, the stack and the heap; the parent does not see it', async () => {
    const o = await runGuest('diff_fork_memory', [], { trace: {} });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(
      'child: counter=42 local=child heap=heap-child ppid_is_parent=1\n' +
        'parent: waited=1 exited=1 code=7\n' +
        'parent: counter=1 local=parent heap=heap-parent\n' +
        'parent: again=-1 errno_echild=1\n',
    );
    // As strace -f prints it.
    expect(o.trace).toMatch(/\[pid 1\] \S+ clone\(child_stack=NULL, flags=CLONE_CHILD_CLEARTID\|CLONE_CHILD_SETTID\|SIGCHLD, child_tidptr=0x[0-9a-f]+\) = 2 </);
    expect(o.trace).toMatch(/\[pid 2\] \S+ getppid\(\)\s+= 1 </);
    expect(o.trace).toMatch(/\[pid 2\] \S+ \+\+\+ exited with 7 \+\+\+/);
    expect(o.trace).toMatch(/\[pid 1\] \S+ wait4\(2, \[\{WIFEXITED\(s\) && WEXITSTATUS\(s\) == 7\}\], 0, NULL\) = 2 </);
    expect(o.trace).toMatch(/wait4\(2, 0x[0-9a-f]+, 0, NULL\) = -1 ECHILD \(No child processes\)/);
  });

  it('works with fuel counting (the fuel global is per process)', async () => {
    const o = await runGuest('diff_fork_memory', [], { fuel: 100_000_000 });
    expect(o.status).toBe(0);
    expect(o.stdout).toContain('parent: counter=1 local=parent heap=heap-parent\n');
  });

  it('waitpid: exit codes, death by signal, WNOHANG before exit, wait3/wait4, ECHILD', async () => {
    const o = await runGuest('diff_fork_wait', [], { trace: {} });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(
      [
        'wait with no child: -1 ECHILD=1',
        'exit(0) same=1: exited code=0',
        'exit(3) same=1: exited code=3',
        'exit(255) same=1: exited code=255',
        'exit(256) same=1: exited code=0',
        'WNOHANG before exit: 0',
        'WNOHANG any before exit: 0',
        'blocking waitpid same=1',
        'slow child: exited code=5',
        'abort(): killed by signal 6',
        'raise(SIGKILL): killed by signal 9',
        'wait4 same=1',
        'wait4: exited code=11',
        'rusage zeroed: 1',
        'wait3 same=1',
        'wait3: exited code=12',
        'wait() saw 21..23: 1',
        'waitpid(getpid()): -1 ECHILD=1',
        'waitpid(-1) none left: -1 ECHILD=1',
        'bad options: -1 EINVAL=1',
        '',
      ].join('\n'),
    );
    expect(o.trace).toMatch(/wait4\(\d+, \[\{WIFSIGNALED\(s\) && WTERMSIG\(s\) == SIGABRT\}\], 0, NULL\) = \d+/);
    expect(o.trace).toMatch(/wait4\(\d+, 0x[0-9a-f]+, WNOHANG, NULL\) = 0 /);
    // The blocking wait suspends the parent until the child's exit.
    expect(o.trace).toMatch(/wait4\(\d+,  <unfinished \.\.\.>\n[\s\S]*\+\+\+ exited with 5 \+\+\+\n\[pid 1\] \S+ <\.\.\. wait4 resumed>\[\{WIFEXITED\(s\) && WEXITSTATUS\(s\) == 5\}\], 0, NULL\)\s+= \d+ /);
    // The run's status is the first process's: its children's statuses are its own business.
    expect(o.processes).toHaveLength(1);
  });

  it('shares open file descriptions: a close in one process leaves the socket open in the other', async () => {
    const o = await runGuest('diff_fork_share');
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(
      'child done: 0\nparent read 10: from child\nparent write on sv[1]: 10\nparent read own 10: still open\nafter last close of sv[1]: read=0\n',
    );
  });

  it('a forking TCP echo server serves several clients, each in its own child, and reaps them all', async () => {
    const o = await runScenario(echoScenario('echo', 3, 4, ['7000', '4']));
    expect(o.deadlock).toBeUndefined();
    expect(o.status).toBe(0);
    const [server, ...clients] = o.processes;
    expect(clients).toHaveLength(4);
    for (const c of clients) {
      expect(c.exit.status).toBe(0);
      expect(c.stdout).toMatch(/hello from client \d/);
    }
    // Children write to the server's stdout (the same open file description).
    const out = server!.stdout;
    for (let i = 1; i <= 4; i++) expect(out).toContain(`child for client ${i}: echoed ${'hello from client 1'.length} bytes\n`);
    expect(out.match(/^reaped child \d: status 0$/gm)).toHaveLength(4);
    expect(out).toMatch(/server: served 4 clients, reaped 4 children\n$/);
    const clones = o.trace!.match(/clone\(child_stack=NULL[^\n]*\) = \d+/g) ?? [];
    expect(clones).toHaveLength(4);
    expect(o.trace).toMatch(/wait4\(-1, \[\{WIFEXITED\(s\) && WEXITSTATUS\(s\) == 0\}\], WNOHANG, NULL\) = \d+/);
    // The child closed its copy of the listener and the parent its copy of each connection, and neither closed the other's.
    // (fds: 3 the listener, 4 each connection: the preopen sits at the top of the table.)
    const children = new Set(clones.map((c) => c.replace(/.* = /, '')));
    const closes = (fd: number, pids: (pid: string) => boolean): number => [...o.trace!.matchAll(new RegExp(`^\\[pid (\\d+)\\] \\S+ close\\(${fd}(?:<[\\w-]+:\\[[^\\]]*\\]>)?\\)\\s+= 0 `, 'gm'))].filter((m) => pids(m[1]!)).length;
    expect(closes(3, (pid) => children.has(pid))).toBe(4);
    expect(closes(4, (pid) => pid === '1')).toBe(4);
  });

  it('the example scenario (a service) runs: each client echoed', async () => {
    const { spec } = await loadScenario(join(ROOT, 'examples', 'fork-echo', 'fork-echo.yaml'));
    const o = await run({ ...spec, timeoutMs: 120_000 });
    expect(o.status).toBe(0);
    expect(o.processes).toHaveLength(5);
    expect(o.processes[0]!.stdout.match(/child for client \d: echoed/g)).toHaveLength(4);
    for (const c of o.processes.slice(1)) expect(c.exit.status).toBe(0);
  }, 180_000);

  it('fork past the process limit fails with EAGAIN; reaped children free their slots', async () => {
    const o = await runGuest('fork_limit', [], { maxProcesses: 4 });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe('fork 4 failed: Resource temporarily unavailable (EAGAIN=1)\nforked 3 children\nreaped 3\nfork after reaping: ok, status 3\n');
  });

  it('the limit comes from a scenario (limits.max_procs) as from --max-procs', async () => {
    const file = join(tmp, 'limit.yaml');
    writeFileSync(file, `version: 1\nlimits: { max_procs: 3 }\nprocesses:\n  - { name: forker, module: ${guest('fork_limit')} }\n`);
    const { spec } = await loadScenario(file);
    expect(spec.maxProcesses).toBe(3);
    const o = await run({ ...spec, timeoutMs: 60_000 });
    expect(o.processes[0]!.stdout).toContain('fork 3 failed: Resource temporarily unavailable (EAGAIN=1)\nforked 2 children\n');
  });

  it('orphans are adopted by init (getppid() == 1) and reaped', async () => {
    const o = await runGuest('fork_orphan');
    expect(o.status).toBe(0);
    expect(o.stdout).toBe('child: my parent is the first process: 1\nchild reaped: 1 code=0\ngrandchild ppid=1\nno grandchild to wait for: -1\n');
  });

  it('is deterministic: the same seed gives the same trace, byte for byte', async () => {
    const file = echoScenario('det', 11, 3, ['7000', '3']);
    const a = await runScenario(file);
    const b = await runScenario(file);
    expect(a.status).toBe(0);
    expect(a.trace).toContain('clone(');
    expect(b.trace).toBe(a.trace);
    expect(b.processes.map((p) => p.stdout)).toEqual(a.processes.map((p) => p.stdout));
  });
});
