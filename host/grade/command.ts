// `socklab grade`: the command line over gradeSubmission and gradeBatch.
import { parseArgs } from 'node:util';
import { join, relative, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { loadGradingSpec, GradeSpecError } from './load.js';
import { gradeSubmission, holdModel } from './grade.js';
import { buildReference } from './build.js';
import { gradeBatch } from './batch.js';
import { checkSubmissionDir, SubmissionDirError } from './submission.js';
import { fileWriter, FORMATS, type Format } from './writers/index.js';
import { terminalWriter } from './writers/terminal.js';
import { summaryLine } from './writers/gradescope.js';
import { INSTRUCTOR, STUDENT, type Audience } from './writers/audience.js';
import type { Visibility } from './spec.js';
import type { SubmissionResult } from './results.js';
import { parseQueueUrl, QueueUnreachableError, QueueUrlError } from './queue/protocol.js';
import { SpecBundleError } from './queue/spec-bundle.js';

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
  --jobs N              runs at once (default: one per core): submissions at once in batch
                        mode, and a submission's tests at once when there are fewer
  --queue URL           batch mode through a queue: redis://HOST:PORT[/DB]; the jobs are
                        graded by \`socklab worker --queue URL\` on any number of machines
  --quiet               print only the score line (--submission), nothing in batch mode

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
    return e instanceof GradeSpecError || e instanceof UsageError || e instanceof SubmissionDirError || e instanceof QueueUnreachableError || e instanceof QueueUrlError || e instanceof SpecBundleError ? 2 : 1;
  }
}

export const WORKER_USAGE = `usage:
  socklab worker --queue redis://HOST:PORT[/DB] [--concurrency N]

Takes the jobs \`socklab grade SPEC --submissions DIR... --queue URL\` puts in the
queue and grades them as local batch mode does; runs until SIGINT or SIGTERM
(a job under way is finished first). Any number of workers, on any machines
that reach Redis; a worker killed mid-job loses nothing: the job goes to another.

options:
  --queue URL         the Redis the submitter uses
  --concurrency N     jobs graded at once (default: one per core)
  --lock-ms N         how long a job's lock lasts without renewal: a dead worker's job
                      is handed on after about this long (default: 30000)

exit status: 0 when stopped; 2 for bad options or when Redis cannot be reached.
`;

export async function workerCommand(argv: string[]): Promise<number> {
  const log = (line: string): void => void process.stdout.write(`socklab worker: ${line}\n`);
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { queue: { type: 'string' }, concurrency: { type: 'string' }, 'lock-ms': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      process.stdout.write(WORKER_USAGE);
      return 0;
    }
    if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
    if (!values.queue) throw new UsageError(`say which queue: --queue redis://HOST:PORT\n\n${WORKER_USAGE}`);
    const whole = (flag: string, v: string | undefined): number | undefined => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive integer, got ${v}`);
      return n;
    };
    const concurrency = whole('--concurrency', values.concurrency);
    const lockMs = whole('--lock-ms', values['lock-ms']);
    const { runWorker } = await import('./queue/worker.js');
    await runWorker(parseQueueUrl(values.queue), { log, ...(concurrency ? { concurrency } : {}), ...(lockMs ? { lockMs } : {}) });
    return 0;
  } catch (e) {
    process.stderr.write(`socklab worker: ${e instanceof Error ? e.message : String(e)}\n`);
    return e instanceof UsageError || e instanceof QueueUnreachableError || e instanceof QueueUrlError ? 2 : 1;
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
      queue: { type: 'string' },
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
    // What the spec builds is part of it: a reference program or model solution that does not compile
    // is found here (setup.sh runs --check when the autograder's image is built), not at the first submission.
    await buildReference(spec);
    const model = holdModel(spec);
    try {
      await model.built;
    } finally {
      model.release();
    }
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

  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new UsageError(`--jobs needs a positive integer, got ${values.jobs}`);
  const batch = values.submissions;
  if (batch) {
    if (values.submission) throw new UsageError('give --submission or --submissions, not both');
    if (values.gradescope || values.prairielearn || values.junit) throw new UsageError('--gradescope/--prairielearn/--junit name one file: batch mode writes OUT/NAME/ per submission');
    const dirs = [...batch, ...more];
    for (const d of dirs) checkSubmissionDir(d, '--submissions');
    print(`${spec.assignment}: grading ${dirs.length} submissions\n`);
    const t0 = performance.now();
    const line = (r: SubmissionResult): string => `  ${r.submission.padEnd(32)} ${`${r.score}/${r.maxScore}`.padStart(9)}${r.complete ? '' : '  (incomplete)'}${r.compileError ? '  (did not compile)' : ''}\n`;
    if (values.queue) {
      if (jobs) throw new UsageError('--jobs is for local batch mode: with --queue, each worker says how many it grades at once (--concurrency)');
      const addr = parseQueueUrl(values.queue);
      const { gradeThroughQueue } = await import('./queue/submit.js');
      // A terminal gets one progress line, rewritten; a log gets plain lines.
      const tty = !values.quiet && process.stdout.isTTY === true;
      let status = '';
      const say = (s: string): void => print(tty && status ? `\r\x1b[K${s}${status}` : s);
      await gradeThroughQueue(spec, dirs, addr, {
        outDir, formats, reveal: [...audience.reveal], ...common,
        onQueued: (queued, done) => say(`${queued} jobs queued on ${addr.shown}${done ? `, ${done} graded before (kept)` : ''}\n`),
        onResult: (r) => say(line(r)),
        onFailed: (name, why) => say(`  ${name.padEnd(32)} not graded: ${why}\n`),
        onProgress: (p) => {
          if (!tty) return;
          status = `[${p.done}/${p.total} done${p.failed ? `, ${p.failed} failed` : ''}]`;
          print(`\r\x1b[K${status}`);
        },
      });
      if (tty && status) print('\n');
    } else {
      await gradeBatch(spec, dirs, {
        outDir, formats, reveal: [...audience.reveal], ...common, ...(jobs ? { jobs } : {}),
        onResult: (r) => print(line(r)),
      });
    }
    print(`scores: ${join(outDir, 'scores.csv')}  (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    return 0;
  }
  if (values.queue) throw new UsageError('--queue grades a batch: give --submissions DIR...');
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
  const { gradingPool } = await import('../runner/pool.js');
  const r = await gradeSubmission(spec, values.submission, { outDir, ...common, pool: gradingPool(jobs ?? availableParallelism()), write: (res) => { files(res); term(res); } });
  if (values.quiet) process.stdout.write(`${summaryLine(r)}\n`);
  // Where the files went (the default is in the working directory), and where a feedback's replay command runs.
  const shownOut = relative(process.cwd(), outDir);
  print(`  Results in ${shownOut && !shownOut.startsWith('..') ? shownOut : outDir}/; a "To replay this run" command runs from there.\n`);
  return 0;
}
