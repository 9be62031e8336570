// Services keep running (design decision 9): a `while (1) accept` server
// declared a service ends the run with the other processes' status, stopped
// with SIGTERM (SIGKILL after a 100 virtual ms grace when it ignores or
// handles SIGTERM) and reported as still running, as expected; a server
// that is not a service still gives the deadlock report; only services, all
// waiting, is status 123; a service that leaves early is said so. Through
// run(), scenario files, the CLI's --client one-liner and grading.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guest, ROOT, run, tempDir } from './helpers.js';
import { loadScenario } from '../dist/host/scenario/load.js';
import { describeNetwork } from '../dist/host/cli/report.js';
import { loadGradingSpec } from '../dist/host/grade/load.js';
import { gradeSubmission } from '../dist/host/grade/grade.js';

const tmp = tempDir('socklab-services-');

/** A scenario: a server (svc_server ARGS) and N clients on one host, written to a file. */
function scenario(name: string, server: { args: string[]; field?: string }, clients: number, extra = ''): string {
  const file = join(tmp, `${name}.yaml`);
  const field = server.field === undefined ? 'service: true' : server.field;
  writeFileSync(
    file,
    `version: 1
seed: 7
processes:
  - { name: server, module: ${guest('svc_server')}, args: [${server.args.join(', ')}]${field ? `, ${field}` : ''} }
${clients ? `  - { name: "client{i}", module: ${guest('svc_client')}, args: [127.0.0.1, 7000, "hello {i}"], count: ${clients}, start: 1ms }\n` : ''}${extra}`,
  );
  return file;
}

async function runScenario(file: string, trace = true): Promise<Awaited<ReturnType<typeof run>>> {
  const { spec } = await loadScenario(file);
  return run({ ...spec, timeoutMs: 60_000, ...(trace ? { trace: {} } : {}) });
}

describe('services', () => {
  it('a never-exiting server declared a service: status 0, stopped with SIGTERM, reported as still running', async () => {
    const o = await runScenario(scenario('forever', { args: ['7000'] }, 3));
    expect(o.status).toBe(0);
    expect(o.deadlock).toBeUndefined();
    const server = o.processes[0]!;
    expect(server).toMatchObject({ name: 'server', service: true, stillRunning: true, exit: { signal: 'SIGTERM', status: 143, service: 'running' } });
    expect(server.stdout).toBe('listening on port 7000\nserved client 1\nserved client 2\nserved client 3\n');
    for (const c of o.processes.slice(1)) {
      expect(c.exit.status).toBe(0);
      expect(c.service).toBeUndefined();
    }
    const report = describeNetwork(o);
    expect(report).toMatch(/exit status 0\n\s+server \(pid 1\) on host1: still running, as expected: stopped with SIGTERM once the other processes were done/);
    expect(report).not.toMatch(/deadlock/);
    // As strace shows it, right after the last client's exit: the accept interrupted, the signal, then the death.
    expect(o.trace).toMatch(/\[pid 4\] (\S+) \+\+\+ exited with 0 \+\+\+\n\[pid 1\] \1 <\.\.\. accept resumed>\) += \? ERESTARTSYS \(To be restarted if SA_RESTART is set\) <\S+>\n\[pid 1\] \1 --- SIGTERM \{si_signo=SIGTERM, si_code=SI_USER, si_pid=0, si_uid=0\} ---\n\[pid 1\] \1 \+\+\+ killed by SIGTERM \+\+\+\n$/);
  });

  it('lets a service finish the work the last client left (data still in flight) before SIGTERM', async () => {
    const file = join(tmp, 'in-flight.yaml');
    writeFileSync(
      file,
      `version: 1
hosts: [{ name: s, ipv4: [10.0.0.1] }, { name: c, ipv4: [10.0.0.2] }]
links: [{ between: [s, c], latency: 5ms }]
processes:
  - { name: server, module: ${guest('svc_server')}, host: s, args: [7000], service: true }
  - { name: client, module: ${guest('svc_client')}, host: c, args: [10.0.0.1, 7000, bye, noread], start: 1ms }
`,
    );
    const o = await runScenario(file);
    expect(o.status).toBe(0);
    // The client is gone before its bytes reach the server: the server still reads them, and logs the client.
    expect(o.processes[0]!.stdout).toBe('listening on port 7000\nserved client 1\n');
    expect(o.processes[0]!.stillRunning).toBe(true);
    const exited = Number(/\[pid 2\] (\S+) \+\+\+ exited with 0/.exec(o.trace!)![1]);
    const term = Number(/\[pid 1\] (\S+) --- SIGTERM/.exec(o.trace!)![1]);
    expect(term - exited).toBeGreaterThan(0.004);
    expect(term - exited).toBeLessThanOrEqual(0.1);
  });

  it('accepts keep_running as another name for service', async () => {
    const { spec } = await loadScenario(scenario('alias', { args: ['7000'], field: 'keep_running: true' }, 1));
    expect(spec.processes[0]!.service).toBe(true);
    expect(spec.processes[1]!.service).toBeUndefined();
  });

  for (const term of ['ignore', 'handle']) {
    it(`a service that ${term}s SIGTERM is SIGKILLed after the grace period`, async () => {
      const o = await runScenario(scenario(`term-${term}`, { args: ['7000', `term=${term}`] }, 2));
      expect(o.status).toBe(0);
      const server = o.processes[0]!;
      expect(server).toMatchObject({ stillRunning: true, exit: { signal: 'SIGKILL', status: 137, service: 'running' } });
      expect(server.exit.reason).toMatch(/still running, as expected: did not end on SIGTERM, stopped with SIGKILL 100 ms later/);
      // glibc's signal(): SA_RESTART, the signal itself blocked while its handler runs; the old action is asked for.
      const disposition = term === 'ignore' ? 'SIG_IGN' : '0x[0-9a-f]+';
      expect(o.trace).toMatch(new RegExp(`rt_sigaction\\(SIGTERM, \\{sa_handler=${disposition}, sa_mask=\\[TERM\\], sa_flags=SA_RESTORER\\|SA_RESTART, sa_restorer=0x[0-9a-f]+\\}, \\{sa_handler=SIG_DFL, sa_mask=\\[\\], sa_flags=0\\}, 8\\) += 0`));
      // A handler runs in the guest: its return shows as rt_sigreturn, the interrupted accept restarting (SA_RESTART: its x86-64 syscall number, 43).
      const handled = term === 'handle' ? String.raw`\[pid 1\] \d+\.\d+ rt_sigreturn\(\{mask=\[\]\}\) += 43\n` : '';
      // The accept SIGKILL cuts ends as strace ends it: "= ?", on a resumed line where the signal's line cut it; the restarted one (handled) is new.
      const cut = term === 'handle' ? String.raw`\[pid 1\] \d+\.\d+ accept\(3<TCP:\[0\.0\.0\.0:7000\]>, NULL, NULL <unfinished \.\.\.>\) = \?\n` : String.raw`\[pid 1\] \d+\.\d+ <\.\.\. accept resumed> <unfinished \.\.\.>\) = \?\n`;
      const m = new RegExp(String.raw`\[pid 1\] (\d+\.\d+) --- SIGTERM \{si_signo=SIGTERM, si_code=SI_USER, si_pid=0, si_uid=0\} ---\n${handled}${cut}\[pid 1\] (\d+\.\d+) \+\+\+ killed by SIGKILL \+\+\+\n$`).exec(o.trace!);
      expect(m).not.toBeNull();
      expect(Math.round((Number(m![2]) - Number(m![1])) * 1e6)).toBe(100_000);
      expect(o.elapsedNs).toBe(Math.round(Number(m![2]) * 1e9));
    });
  }

  it('a server that is not a service still gives the deadlock report', async () => {
    const o = await runScenario(scenario('not-a-service', { args: ['7000'], field: '' }, 2), false);
    expect(o.status).toBe(125);
    expect(o.deadlock).toBe('deadlock: every process is waiting and nothing can wake them\n  pid 1 (server) on host1 waits in accept');
    expect(o.processes.slice(1).map((p) => p.exit.status)).toEqual([0, 0]);
    expect(o.processes[0]!.stillRunning).toBeUndefined();
  });

  it('a deadlock report names only the processes that are not services', async () => {
    const o = await runScenario(scenario('mixed', { args: ['7000'] }, 0, `  - { name: stuck, module: ${guest('scn_deadlock')} }\n`), false);
    expect(o.status).toBe(125);
    expect(o.deadlock).toBe('deadlock: every process is waiting and nothing can wake them\n  pid 2 (stuck) on host1 waits in read');
    expect(o.processes[0]!.exit).toMatchObject({ service: 'deadlock', signal: 'SIGKILL' });
    expect(o.processes[0]!.stillRunning).toBeUndefined();
  });

  it('only services, all waiting, before any client ran: nothing to serve, status 123', async () => {
    const file = scenario('idle', { args: ['7000'] }, 0, `  - { name: other, module: ${guest('svc_server')}, args: [7001], keep_running: true }\n`);
    const o = await runScenario(file, false);
    expect(o.status).toBe(123);
    expect(o.deadlock).toBeUndefined();
    expect(o.idle).toBe('only services are left, all waiting: nothing to serve\n  pid 1 (server) on host1 waits in accept\n  pid 2 (other) on host1 waits in accept');
    for (const p of o.processes) expect(p.exit).toMatchObject({ service: 'idle', status: 123 });
    expect(describeNetwork(o)).toMatch(/exit status 123[^]*only services are left, all waiting: nothing to serve/);
  });

  it('a service that exits before the others are done is said to have exited early', async () => {
    // The server leaves after one client: the second, 50 ms later, is refused.
    const file = scenario('early', { args: ['7000', 'clients=1'] }, 1, `  - { name: late, module: ${guest('svc_client')}, args: [127.0.0.1, 7000, late], start: 50ms }\n`);
    const o = await runScenario(file, false);
    const server = o.processes[0]!;
    expect(server.exit).toMatchObject({ code: 0, status: 0, service: 'early', reason: 'service server exited early with status 0' });
    expect(server.stillRunning).toBeUndefined();
    expect(o.processes[2]!.stderr).toMatch(/connect: Connection refused/);
    expect(o.status).toBe(1); // the late client's status: the early exit is not an error by itself
    expect(describeNetwork(o)).toMatch(/server \(pid 1\) on host1: service server exited early with status 0/);
  });

  it('the same seed gives the same trace, byte for byte, with services stopped at the end', async () => {
    const file = scenario('determinism', { args: ['7000', 'term=ignore'] }, 4);
    const a = await runScenario(file);
    const b = await runScenario(file);
    expect(a.status).toBe(0);
    expect(a.trace).toContain('+++ killed by SIGKILL +++');
    expect(b.trace).toBe(a.trace);
    expect(b.elapsedNs).toBe(a.elapsedNs);
  });

  it('the --client one-liner makes the server a service', async () => {
    const traceFile = join(tmp, 'cli.strace');
    const r = await cli(['run', guest('svc_server'), '--client', `${guest('svc_client')} 127.0.0.1 7000 hi{i}`, '--clients', '3', `--trace=${traceFile}`, '--', '7000']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/svc_server\.wasm \(pid 1\) on host1: still running, as expected: stopped with SIGTERM/);
    expect(r.stderr).toMatch(/exit status 0/);
    expect(r.stderr).not.toMatch(/deadlock/);
    expect(r.stdout).toContain('[svc_client.wasm#3:4] echoed: hi3');
    expect(readFileSync(traceFile, 'utf8')).toMatch(/--- SIGTERM \{si_signo=SIGTERM, si_code=SI_USER, si_pid=0, si_uid=0\} ---\n\[pid 1\] \S+ \+\+\+ killed by SIGTERM \+\+\+\n$/);
  });

  it('grading: a test with a service server scores full marks, with no deadlock in the feedback', async () => {
    const dir = join(tmp, 'grading');
    const sub = join(dir, 'submission');
    mkdirSync(join(dir, 'reference'), { recursive: true });
    mkdirSync(sub, { recursive: true });
    copyFileSync(join(ROOT, 'tests', 'c', 'svc_server.c'), join(sub, 'server.c'));
    copyFileSync(join(ROOT, 'tests', 'c', 'svc_client.c'), join(dir, 'reference', 'client.c'));
    writeFileSync(
      join(dir, 'grading.yaml'),
      `version: 1
assignment: a server that keeps running
submission:
  language: c
  programs:
    server: { sources: [server.c] }
reference:
  client: { sources: [reference/client.c] }
limits: { time: 30s }
tests:
  - name: "serves three clients and keeps running"
    points: 10
    processes:
      - { name: server, program: server, args: [7000], service: true }
      - { name: "client{i}", reference: client, args: [127.0.0.1, 7000, "message {i}"], count: 3, start: 1ms }
    checks:
      - { process: "client*", exit: 0 }
      - { process: server, stdout: { contains: "served client 3\\n" } }
      - { process: server, exit: SIGTERM }
`,
    );
    const spec = loadGradingSpec(join(dir, 'grading.yaml'));
    expect(spec.tests[0]!.processes[0]!.service).toBe(true);
    const r = await gradeSubmission(spec, sub, { outDir: join(dir, 'out'), write: () => {} });
    expect(r.tests[0]).toMatchObject({ verdict: 'passed', score: 10 });
    expect(r.score).toBe(10);
    expect(JSON.stringify(r)).not.toMatch(/deadlock/);
    expect(readFileSync(join(dir, 'out', 'replay', '01-serves-three-clients-and-keeps-running.yaml'), 'utf8')).toMatch(/service: true/);
  }, 120_000);
});

function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'socklab.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
