// PrairieLearn's external-grading results
// (https://prairielearn.readthedocs.io/en/latest/externalGrading/#grading-results):
// score as a fraction, tests with points; hidden tests show only their points.
import type { SubmissionResult } from '../results.js';
import { redact, type Audience } from './audience.js';
import { summaryLine } from './gradescope.js';

export interface PrairieLearnResults {
  gradable: boolean;
  score: number;
  message: string;
  output: string;
  tests: { name: string; description: string; points: number; max_points: number; message: string; output: string }[];
}

export function prairielearn(r: SubmissionResult, audience: Audience): PrairieLearnResults {
  return {
    gradable: true,
    score: r.maxScore > 0 ? Math.round((r.score / r.maxScore) * 1e6) / 1e6 : 0,
    message: summaryLine(r),
    output: r.output,
    tests: r.tests.map((t0) => {
      const t = redact(audience, t0);
      return { name: t.name, description: t.description ?? '', points: t.score, max_points: t.points, message: t.verdict, output: t.output };
    }),
  };
}
