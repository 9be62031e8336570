// Grading specs: refused with one line per problem, naming the file and line.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './helpers.js';
import { loadGradingSpec, GradeSpecError } from '../dist/host/grade/load.js';

function specFile(text: string, extra: Record<string, string> = {}): string {
  const dir = tempDir('socklab-spec-');
  writeFileSync(join(dir, 'grading.yaml'), text);
  for (const [n, t] of Object.entries(extra)) writeFileSync(join(dir, n), t);
  return join(dir, 'grading.yaml');
}

const HEAD = `assignment: demo
submission:
  programs:
    prog: { sources: [prog.c] }
`;

describe('grading spec loading', () => {
  it('loads the sample assignment, hidden tests included, with limits merged', () => {
    const spec = loadGradingSpec(join(ROOT, 'examples', 'grading', 'echo-udp', 'grading.yaml'));
    expect(spec.tests.map((t) => t.visibility)).toEqual(['visible', 'visible', 'visible', 'visible', 'visible', 'visible', 'hidden', 'hidden', 'after_due_date']);
    expect(spec.tests.reduce((a, t) => a + t.points, 0)).toBe(75);
    const stream = spec.tests[3]!;
    expect(stream.limits).toMatchObject({ memory: 8 << 20, output: 64 << 10, timeMs: 10_000, fds: 32, sockets: 8 });
    expect(spec.tests[5]!.seeds).toEqual([1, 2, 3]);
    expect(spec.tests[8]!.inject).toEqual(['accept:error=EINTR:when=1', 'read:error=EINTR:when=2']);
  });

  it('names the line of each schema problem', () => {
    const f = specFile(`${HEAD}tests:
  - name: t
    points: ten
    processes: [{ program: prog }]
    checks:
      - { exit: 0, stdot: "x" }
`);
    expect(() => loadGradingSpec(f)).toThrow(GradeSpecError);
    try {
      loadGradingSpec(f);
    } catch (e) {
      const m = (e as Error).message;
      expect(m).toMatch(/grading\.yaml:7: \/tests\/0\/points: expected a number, got "ten"/);
      expect(m).toMatch(/grading\.yaml:10: \/tests\/0\/checks\/0: unknown field "stdot" \(did you mean stdout\?\)/);
    }
  });

  it('checks what the schema cannot: programs, processes, one kind per check, files_dir', () => {
    const f = specFile(`${HEAD}tests:
  - name: t
    points: 1
    processes:
      - { program: nope }
      - { name: peer, reference: missing }
    checks:
      - { exit: 0, stdout: "x" }
      - { process: ghost, exit: 0 }
      - { file: /out/x }
      - { trace: { uses: SOCK_DGRAM, no_fd_leak: true } }
  - name: t
    points: 1
    processes: [{ program: prog }]
    checks: [{ exit: 0 }]
`);
    let m = '';
    try {
      loadGradingSpec(f);
    } catch (e) {
      m = (e as Error).message;
    }
    expect(m).toMatch(/grading\.yaml:9: no submission program "nope" \(programs: prog\)/);
    expect(m).toMatch(/grading\.yaml:10: no reference program "missing"/);
    expect(m).toMatch(/grading\.yaml:12: a check has exactly one of exit, stdout, stderr, file, trace, function \(this one has exit, stdout\)/);
    expect(m).toMatch(/grading\.yaml:13: no process named "ghost" \(processes: nope, peer\)/);
    expect(m).toMatch(/grading\.yaml:14: a file check needs the test's files_dir/);
    expect(m).toMatch(/grading\.yaml:15: a trace check has exactly one of/);
    expect(m).toMatch(/grading\.yaml:16: a test named "t" already exists/);
  });

  it('reports problems in an included file with that file\'s lines', () => {
    const f = specFile(`${HEAD}include: [more.yaml]\n`, { 'more.yaml': 'tests:\n  - name: x\n    points: 1\n    visibility: secret\n    processes: [{ program: prog }]\n    checks: [{ exit: 0 }]\n' });
    expect(() => loadGradingSpec(f)).toThrow(/more\.yaml:4: \/tests\/0\/visibility: expected visible, hidden, after_due_date, after_published; got "secret"/);
  });
});
