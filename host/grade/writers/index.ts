// The result files of one submission, rewritten after every test.
import { join } from 'node:path';
import type { SubmissionResult } from '../results.js';
import type { GradingSpec } from '../spec.js';
import type { Audience } from './audience.js';
import { writeAtomic } from './files.js';
import { gradescope } from './gradescope.js';
import { prairielearn } from './prairielearn.js';
import { junit } from './junit.js';

export type Format = 'gradescope' | 'prairielearn' | 'junit';

/** Each format: its default file name and how to render it. */
export const FORMATS: Record<Format, { file: string; render: (r: SubmissionResult, spec: GradingSpec, a: Audience) => string }> = {
  gradescope: { file: 'results.json', render: (r, spec) => `${JSON.stringify(gradescope(r, spec.gradescope), null, 2)}\n` },
  prairielearn: { file: 'prairielearn.json', render: (r, _spec, a) => `${JSON.stringify(prairielearn(r, a), null, 2)}\n` },
  junit: { file: 'junit.xml', render: (r, _spec, a) => junit(r, a) },
};

/** Writes the chosen formats into outDir (or to the paths given per format). */
export function fileWriter(spec: GradingSpec, outDir: string, formats: readonly Format[], audience: Audience, paths: Partial<Record<Format, string>> = {}): (r: SubmissionResult) => void {
  return (r) => {
    for (const f of formats) writeAtomic(paths[f] ?? join(outDir, FORMATS[f].file), FORMATS[f].render(r, spec, audience));
  };
}
