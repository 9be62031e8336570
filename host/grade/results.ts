// What grading produces, before any output format: one result per test and
// the submission's total. Writers (host/grade/writers) turn it into files.
import type { Visibility } from './spec.js';

/** Judge0-like verdicts: why a test got the score it got. */
export type Verdict =
  | 'passed'
  | 'wrong answer'
  | 'runtime error'
  | 'time limit exceeded'
  | 'memory limit exceeded'
  | 'output limit exceeded'
  | 'socket limit exceeded'
  | 'compile error'
  | 'not run'
  | 'internal error';

export interface TestResult {
  number: number;
  name: string;
  description?: string;
  points: number;
  score: number;
  verdict: Verdict;
  visibility: Visibility;
  tags: string[];
  /** Feedback: empty when the test passed. */
  output: string;
  /** The seed of the failing run. */
  seed?: number;
  /** Wall-clock ms the test took (a timing field: differs between runs). */
  timeMs: number;
}

export interface SubmissionResult {
  assignment: string;
  /** The submission's name (its directory's). */
  submission: string;
  score: number;
  maxScore: number;
  /** Feedback for the whole submission (build errors, time budget). */
  output: string;
  compileError?: { program: string; diagnostics: string };
  tests: TestResult[];
  /** False while grading is under way, or when it stopped early. */
  complete: boolean;
  /** Wall-clock ms so far (a timing field). */
  timeMs: number;
}

export function totals(tests: readonly TestResult[]): { score: number; maxScore: number } {
  // Points are often fractional (2.5): sum in thousandths so 0.1 + 0.2 stays 0.3.
  const sum = (f: (t: TestResult) => number): number => tests.reduce((a, t) => a + Math.round(f(t) * 1000), 0) / 1000;
  return { score: sum((t) => t.score), maxScore: sum((t) => t.points) };
}
