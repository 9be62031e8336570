// Grading feedback a student can act on (issue #14 part 4): the student's own
// output, partial credit where the spec asks for it, and the first *socket*
// call where the run parts from the model solution's (not a printf's
// incidental fcntl on stdout).
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

interface Results { score: number; tests: { name: string; score: number; output?: string }[] }

describe('feedback on a submission with debugging printf()s and a strlen() on received bytes', () => {
  let r: Results;
  beforeAll(() => {
    const out = mkdtempSync(join(tmpdir(), 'sl-feedback-'));
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
    expect(out).toMatch(/> \[pid 1\] [\d.]+ writev\(\d+<TCP:\[[^\]]+\]>, \[\{iov_base="shortg first message", iov_len=20\}\], 1\) = 20/);
    expect(out).toMatch(/the model solution's pid 1 made instead:\n  \[pid 1\] [\d.]+ writev\(\d+<TCP:\[[^\]]+\]>, \[\{iov_base="short", iov_len=5\}\], 1\) = 5/);
    expect(out.split('the model solution')[0]).not.toMatch(/> .*fcntl\(1/);
  });
});
