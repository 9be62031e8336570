// The batch summary: one row per submission, one column per test.
import type { SubmissionResult } from '../results.js';

function cell(v: string | number | boolean): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function scoresCsv(results: readonly SubmissionResult[], testNames: readonly string[]): string {
  const head = ['submission', 'score', 'max_score', 'complete', ...testNames];
  const rows = [...results]
    .sort((a, b) => (a.submission < b.submission ? -1 : a.submission > b.submission ? 1 : 0))
    .map((r) => [r.submission, r.score, r.maxScore, r.complete, ...testNames.map((n) => r.tests.find((t) => t.name === n)?.score ?? '')]);
  return [head, ...rows].map((row) => row.map(cell).join(',')).join('\n') + '\n';
}
