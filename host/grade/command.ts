// `socklab grade`: the command line over gradeSubmission and gradeBatch.
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { loadGradingSpec, GradeSpecError } from './load.js';
import { gradeSubmission } from './grade.js';
import { gradeBatch } from './batch.js';
import { checkSubmissionDir, SubmissionDirError } from './submission.js';
import { fileWriter, FORMATS, type Format } from './writers/index.js';
import { terminalWriter } from './writers/terminal.js';
import { summaryLine } from './writers/gradescope.js';
import { INSTRUCTOR, STUDENT, type Audience } from './writers/audience.js';
import type { Visibility } from './spec.js';

export const GRADE_USAGE = `usage:
  socklab grade SPEC.yaml --submission DIR [options]         grade one submission
  socklab grade SPEC.yaml --submissions DIR [DIR...] [options]
                                                          grade many, in parallel (DIR/* works)
  socklab grade SPEC.yaml --check                         only validate the spec

The spec (docs/grading.md) says how to build the submission, the tests, their
points, visibility, limits and checks. Results are written as tests finish:

  OUT/results.json        Gradescope's autograder format
  OUT/prairielearn.json   PrairieLearn's external grading format
  OUT/junit.xml           JUnit XML
  OUT/replay/*.yaml       each test's scenario: socklab run FILE --seed N replays it
  OUT/build/*.wasm        the programs that ran
In batch mode each submission gets OUT/NAME/ and OUT/scores.csv has every score.

options:
  --out DIR             where results go (default: grading-results)
  --format LIST         gradescope,prairielearn,junit (default: all three)
  --gradescope FILE     Gradescope's results.json here instead (e.g. /autograder/results/results.json)
  --prairielearn FILE   PrairieLearn's results here instead (e.g. /grade/results/results.json)
  --junit FILE          the JUnit XML here instead
  --show-hidden         the terminal, PrairieLearn and JUnit outputs show hidden and
                        after-due-date tests too (for instructors; Gradescope hides them itself)
  --reveal LIST         show only these besides visible tests: hidden,after_due_date,after_published
  --seed N              run every test with seed N instead of the spec's seeds (repeatable)
  --only TEXT           only the tests whose name contains TEXT (repeatable)
  --jobs N              batch mode: submissions graded at once (default: one per core)
  --quiet               no summary on the terminal

exit status: 0 when grading finished, whatever the scores; 1 when socklab failed;
2 for a bad spec, bad options or a missing submission directory.
`;

class UsageError extends Error {}

const VISIBILITIES: readonly Visibility[] = ['hidden', 'after_due_date', 'after_published'];

function list(v: string | undefined): string[] | undefined {
  return v?.split(',').map((s) => s.trim()).filter(Boolean);
}

export async function gradeCommand(argv: string[]): Promise<number> {
  try {
    return await grade(argv);
  } catch (e) {
    process.stderr.write(`socklab grade: ${e instanceof Error ? e.message : String(e)}\n`);
    return e instanceof GradeSpecError || e instanceof UsageError || e instanceof SubmissionDirError ? 2 : 1;
  }
}

async function grade(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      submission: { type: 'string' },
      submissions: { type: 'string', multiple: true },
      out: { type: 'string' },
      format: { type: 'string' },
      gradescope: { type: 'string' },
      prairielearn: { type: 'string' },
      junit: { type: 'string' },
      'show-hidden': { type: 'boolean' },
      reveal: { type: 'string' },
      seed: { type: 'string', multiple: true },
      only: { type: 'string', multiple: true },
      jobs: { type: 'string' },
      quiet: { type: 'boolean' },
      check: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(GRADE_USAGE);
    return 0;
  }
  const [specPath, ...more] = positionals;
  if (!specPath) throw new UsageError(`grade needs a spec\n\n${GRADE_USAGE}`);
  const spec = loadGradingSpec(specPath);
  if (values.check) {
    const points = spec.tests.reduce((a, t) => a + t.points, 0);
    process.stdout.write(`${specPath}: ${spec.tests.length} tests, ${points} points\n`);
    return 0;
  }
  const formats = (list(values.format) ?? Object.keys(FORMATS)) as Format[];
  const bad = formats.find((f) => !(f in FORMATS));
  if (bad) throw new UsageError(`--format: unknown format ${bad} (gradescope, prairielearn, junit)`);
  const reveal = list(values.reveal) ?? [];
  const badV = reveal.find((v) => !VISIBILITIES.includes(v as Visibility));
  if (badV) throw new UsageError(`--reveal: ${badV} is not one of ${VISIBILITIES.join(', ')}`);
  const audience: Audience = values['show-hidden'] ? INSTRUCTOR : reveal.length ? { reveal: new Set(reveal as Visibility[]) } : STUDENT;
  const seeds = values.seed?.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--seed needs a non-negative integer, got ${s}`);
    return n;
  });
  const outDir = resolve(values.out ?? 'grading-results');
  const print = values.quiet ? () => {} : (s: string) => void process.stdout.write(s);
  const common = { ...(seeds ? { seeds } : {}), ...(values.only ? { only: values.only } : {}) };

  const batch = values.submissions;
  if (batch) {
    if (values.submission) throw new UsageError('give --submission or --submissions, not both');
    if (values.gradescope || values.prairielearn || values.junit) throw new UsageError('--gradescope/--prairielearn/--junit name one file: batch mode writes OUT/NAME/ per submission');
    const dirs = [...batch, ...more];
    for (const d of dirs) checkSubmissionDir(d, '--submissions');
    const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
    if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new UsageError(`--jobs needs a positive integer, got ${values.jobs}`);
    print(`${spec.assignment}: grading ${dirs.length} submissions\n`);
    const t0 = performance.now();
    await gradeBatch(spec, dirs, {
      outDir, formats, reveal: [...audience.reveal], ...common, ...(jobs ? { jobs } : {}),
      onResult: (r) => print(`  ${r.submission.padEnd(32)} ${`${r.score}/${r.maxScore}`.padStart(9)}${r.complete ? '' : '  (incomplete)'}${r.compileError ? '  (did not compile)' : ''}\n`),
    });
    print(`scores: ${join(outDir, 'scores.csv')}  (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    return 0;
  }
  if (!values.submission) throw new UsageError(`say which submission: --submission DIR (or --submissions DIR...)\n\n${GRADE_USAGE}`);
  if (more.length) throw new UsageError(`unexpected arguments: ${more.join(' ')}`);
  checkSubmissionDir(values.submission, '--submission');
  const paths = {
    ...(values.gradescope ? { gradescope: resolve(values.gradescope) } : {}),
    ...(values.prairielearn ? { prairielearn: resolve(values.prairielearn) } : {}),
    ...(values.junit ? { junit: resolve(values.junit) } : {}),
  };
  const files = fileWriter(spec, outDir, formats, audience, paths);
  const term = terminalWriter(print, audience);
  const r = await gradeSubmission(spec, values.submission, { outDir, ...common, write: (res) => { files(res); term(res); } });
  if (values.quiet) process.stdout.write(`${summaryLine(r)}\n`);
  return 0;
}
