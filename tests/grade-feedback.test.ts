// Grading feedback a student can act on (issue #14 part 4): the student's own
// output, partial credit where the spec asks for it, and the first *socket*
// call where the run parts from the model solution's (not a printf's
// incidental fcntl on stdout).
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './helpers.js';

interface Results { score: number; tests: { name: string; score: number; output?: string }[] }

describe('feedback on a submission with debugging printf()s and a strlen() on received bytes', () => {
  let r: Results;
  beforeAll(() => {
    const out = tempDir('sl-feedback-');
    const dir = join(ROOT, 'tests', 'grading-feedback');
    const g = spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), 'grade', join(dir, 'grading.yaml'), '--submission', join(dir, 'strlen'), '--out', out], { encoding: 'utf8' });
    if (g.status !== 0) throw new Error(`grade exited ${g.status}: ${g.stderr}`);
    r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
  });

  it('gives partial credit for the checks that held, where the spec asks for it, and none elsewhere', () => {
    expect(r.tests.map((t) => t.score)).toEqual([6, 0]);
    expect(r.score).toBe(6);
  });

  it("quotes the student's own output, marked as theirs", () => {
    expect(r.tests[0]!.output).toContain("your program's stdout (echo_server, pid 1):\n  | DEBUG: listening\n  | DEBUG: client 1\n  | DEBUG: client 2");
  });

  it('points at the write of the wrong length on the connection, next to what the model solution wrote', () => {
    const out = r.tests[0]!.output!;
    expect(out).toMatch(/trace where the run first differs from the model solution's \(pid 1, socket call \d+\):/);
    expect(out).toMatch(/> \[pid 1\] [\d.]+ write\(\d+<TCP:\[[^\]]+\]>, "shortg first message", 20\) = 20/);
    expect(out).toMatch(/the model solution's pid 1 made instead:\n  \[pid 1\] [\d.]+ write\(\d+<TCP:\[[^\]]+\]>, "short", 5\) = 5/);
    expect(out.split('the model solution')[0]).not.toMatch(/> .*fcntl\(1/);
  });
});

// The comparison itself is socklab diff's (host/trace/diff.ts): processes paired by pid,
// calls aligned as diff(1) aligns lines, run-specific values normalised, a call judged by its result.
describe('where the run first differs from the model solution, on small traces', () => {
  type Line = Record<string, unknown>;
  const trace = (pid: number, calls: ([string, string[], string] | ['+++', number])[], t0 = 0): Line[] =>
    calls.map((c, i) => (c[0] === '+++' ? { v: 1, seq: i, end: t0 + i * 1000 + 500, pid, host: 'h', exit: { code: c[1] } } : { v: 1, seq: i, start: t0 + i * 1000, end: t0 + i * 1000 + 500, pid, host: 'h', call: c[0], import: c[0], args: c[1], ret: c[2] }));
  const conn = (port: number): string => `3<TCP:[10.0.0.2:${port}->10.0.0.1:7000]>`;
  const socket: [string, string[], string] = ['socket', ['AF_INET', 'SOCK_STREAM', 'IPPROTO_IP'], '3<TCP:[1000003]>'];
  const connect = (port: number): [string, string[], string] => ['connect', [conn(port), '{sa_family=AF_INET, sin_port=htons(7000), sin_addr=inet_addr("10.0.0.1")}', '16'], '0'];
  const write = (port: number, s: string): [string, string[], string] => ['writev', [conn(port), `[{iov_base="${s}", iov_len=${s.length}}]`, '1'], String(s.length)];
  const read = (port: number, size: number): [string, string[], string] => ['readv', [conn(port), `[{iov_base="ok", iov_len=${size}}]`, '1'], '2'];
  const close = (port: number): [string, string[], string] => ['close', [conn(port)], '0'];
  let Trace: { new (lines: Line[]): unknown };
  let traceContext: (got: unknown, model: unknown, focus: number | undefined) => string;
  beforeAll(async () => {
    ({ Trace } = (await import('../dist/host/trace/api.js')) as never);
    ({ traceContext } = (await import('../dist/host/grade/feedback.js')) as never);
  });
  const model = (): Line[] => trace(1, [socket, connect(41000), write(41000, 'hello'), read(41000, 4096), close(41000), ['+++', 0]]);
  const context = (got: Line[], ref: Line[] = model()): string => traceContext(new Trace(got), new Trace(ref), 1);

  it('a run that differs only in ports, inodes, buffer sizes and the order processes start in does not differ', () => {
    const client2 = trace(2, [socket, connect(52000), ['+++', 0]]);
    const got = [...trace(2, [socket, connect(41999), ['+++', 0]]), ...trace(1, [['socket', socket[1], '3<TCP:[1000017]>'], connect(52001), write(52001, 'hello'), read(52001, 4095), close(52001), ['+++', 0]])];
    expect(context(got, [...model(), ...client2])).toMatch(/^the end of pid 1's trace:/);
  });

  it('a call the model solution did not make: the next call it made instead', () => {
    const out = context(trace(1, [socket, connect(41000), write(41000, 'hello'), write(41000, 'hello'), read(41000, 4096), close(41000), ['+++', 0]]));
    expect(out).toContain("trace where the run first differs from the model solution's (pid 1, socket call 4):");
    expect(out).toMatch(/\n> \[pid 1\] 0\.000003 writev\(3<TCP:\[10\.0\.0\.2:41000->10\.0\.0\.1:7000\]>, \[\{iov_base="hello", iov_len=5\}\], 1\) = 5\n/);
    expect(out).toMatch(/\nthe model solution's pid 1 did not make this call; it went on with:\n {2}\[pid 1\] 0\.000003 readv\(/);
    expect(out).toMatch(/\nsocket calls that differ in all: pid 1: 1 only in this run, 0 only in the model solution's$/);
  });

  it('a call left out: the next call both made, marked, and the ones the model solution made before it', () => {
    const out = context(trace(1, [socket, connect(41000), read(41000, 4096), close(41000), ['+++', 0]]));
    expect(out).toMatch(/\n> \[pid 1\] 0\.000002 readv\([^\n]*\n {2}\[pid 1\] 0\.000003 close\([^\n]*\nthe model solution's pid 1 made before that call:\n {2}\[pid 1\] 0\.000002 writev\([^\n]*"hello"/);
  });

  it('a process that stopped early, and one that ended another way', () => {
    expect(context(trace(1, [socket, connect(41000)]))).toMatch(/\npid 1 ended here; the model solution's pid 1 went on with:\n {2}\[pid 1\] 0\.000002 writev\(/);
    const out = context(trace(1, [socket, connect(41000), ['+++', 1]]));
    expect(out).toMatch(/\n> \[pid 1\] [\d.]+ \+\+\+ exited with 1 \+\+\+\nthe model solution's pid 1 made instead:\n {2}\[pid 1\] 0\.000002 writev\([^\n]*\n {2}\[pid 1\] 0\.000003 readv\([^\n]*\n {2}\[pid 1\] 0\.000004 close\([^\n]*\n {2}\[pid 1\] [\d.]+ \+\+\+ exited with 0 \+\+\+\n/);
  });
});
