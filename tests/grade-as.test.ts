// Grading AssemblyScript submissions: the echo-udp assignment's tests with
// the student's programs in .ts (tests/grading-as/grading.yaml), built with
// guest/as. A correct submission gets full marks, one without retries loses
// the lossy test with the trace of its give-up, one that does not compile
// gets 0 with asc's diagnostics, paths as the student knows them.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, tempDir } from './helpers.js';
import { loadGradingSpec } from '../dist/host/grade/load.js';
import { gradeBatch } from '../dist/host/grade/batch.js';
import type { SubmissionResult } from '../dist/host/grade/results.js';

const DIR = join(ROOT, 'tests', 'grading-as');

describe('grading AssemblyScript submissions', () => {
  let results: Map<string, SubmissionResult>;
  beforeAll(async () => {
    const spec = loadGradingSpec(join(DIR, 'grading.yaml'));
    const out = tempDir('socklab-grade-as-');
    const rs = await gradeBatch(spec, ['correct', 'no_retry', 'no_compile'].map((s) => join(DIR, s)), { outDir: out, formats: ['gradescope'], reveal: [] });
    results = new Map(rs.map((r) => [r.submission, r]));
  }, 600_000);

  it('gives a correct submission full marks', () => {
    const r = results.get('correct')!;
    expect(r.compileError).toBeUndefined();
    expect(r.tests.map((t) => t.verdict)).toEqual(['passed', 'passed', 'passed']);
    expect(r.score).toBe(25);
  });

  it('takes the lossy test from a client that never retries, showing where it gave up', () => {
    const r = results.get('no_retry')!;
    expect(r.tests.map((t) => t.score)).toEqual([10, 5, 0]);
    expect(r.tests[2]!.verdict).toBe('wrong answer');
    expect(r.tests[2]!.output).toMatch(/no reply to \\?"\w+\\?"/);
    expect(r.tests[2]!.output).toMatch(/recvfrom\(3<UDP:\[10\.0\.0\.1:\d+->10\.0\.0\.2:9000\]>, .*\) = -1 EAGAIN/);
  });

  it('scores a submission that does not compile 0, with the compiler\'s message', () => {
    const r = results.get('no_compile')!;
    expect(r.score).toBe(0);
    expect(r.compileError?.program).toBe('udp_client');
    expect(r.compileError?.diagnostics).toMatch(/ERROR TS2322: Type '~lib\/string\/String' is not assignable to type 'i32'/);
    expect(r.compileError?.diagnostics).toMatch(/in udp_client\.ts\(24,/);
    expect(r.compileError?.diagnostics).not.toContain('tests/grading-as');
  });
});
