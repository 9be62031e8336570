// Gradescope's autograder results.json
// (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
// every test with its visibility, which Gradescope enforces itself.
import type { SubmissionResult } from '../results.js';
import type { Visibility } from '../spec.js';

export interface GradescopeTest {
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  name: string;
  number: string;
  output: string;
  output_format: 'text';
  tags: string[];
  visibility: Visibility;
  extra_data: { verdict: string; seed?: number };
}

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  output_format: 'text';
  test_output_format: 'text';
  test_name_format: 'text';
  visibility: Visibility;
  stdout_visibility: Visibility;
  tests: GradescopeTest[];
  extra_data: { assignment: string; submission: string; max_score: number; complete: boolean };
}

export function summaryLine(r: SubmissionResult): string {
  const passed = r.tests.filter((t) => t.verdict === 'passed').length;
  return `Score: ${r.score}/${r.maxScore} (${passed} of ${r.tests.length} tests passed)${r.complete ? '' : '; grading did not finish'}.`;
}

export function gradescope(r: SubmissionResult, opts: { visibility: Visibility; stdoutVisibility: Visibility }): GradescopeResults {
  return {
    score: r.score,
    execution_time: Math.round(r.timeMs / 1000),
    output: r.output ? `${summaryLine(r)}\n\n${r.output}` : summaryLine(r),
    output_format: 'text',
    test_output_format: 'text',
    test_name_format: 'text',
    visibility: opts.visibility,
    stdout_visibility: opts.stdoutVisibility,
    tests: r.tests.map((t) => ({
      score: t.score,
      max_score: t.points,
      status: t.verdict === 'passed' ? 'passed' : 'failed',
      name: t.name,
      number: String(t.number),
      output: t.verdict === 'passed' ? 'passed' : `${t.verdict}\n\n${t.output}`,
      output_format: 'text',
      tags: t.tags,
      visibility: t.visibility,
      extra_data: { verdict: t.verdict, ...(t.seed !== undefined ? { seed: t.seed } : {}) },
    })),
    extra_data: { assignment: r.assignment, submission: r.submission, max_score: r.maxScore, complete: r.complete },
  };
}
