// Grading one submission: build it, run its tests (several at once, as the
// runner pool allows, taking the results in order), and hand the result to
// the writers after each test, so a crash of the grader (or of the machine)
// loses nothing graded so far.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { buildReference, buildSubmission } from './build.js';
import { checkSubmissionDir, copySubmission, refusedText } from './submission.js';
import { runTest } from './runtest.js';
import { totals, type SubmissionResult, type TestResult } from './results.js';
import type { GradingSpec, TestSpec } from './spec.js';
import { gradingPool, type RunnerPool } from '../runner/pool.js';

export interface GradeOptions {
  /** Results, build outputs and replay scenarios go here. */
  outDir: string;
  /** Called with the result so far after every test, and once at the end. */
  write: (r: SubmissionResult) => void;
  /** Only the tests whose name contains one of these. */
  only?: string[];
  /** Replaces every test's seeds. */
  seeds?: number[];
  /**
   * Files already left out of the submission before it reached this
   * directory (queue mode: by the submitter's bounded copy), by relative
   * path -> the line that says why, in the order they were found. They are
   * named in the feedback, and a program source among them makes the
   * submission a compile error, exactly as when this copy leaves a file out.
   */
  refused?: [string, string][];
  /** The kernel workers the runs go to (default: this thread's grading pool). */
  pool?: RunnerPool;
  /**
   * Tests run at once (default: the pool's size). Each has its own scenario,
   * files and work directories; a test that mounts host directories runs
   * alone (runsAlone). The results are those of running them in order.
   */
  testsAtOnce?: number;
  /** The model solution's programs, already built (buildModel); default: built here, once per process. */
  model?: Record<string, string>;
}

/**
 * A test that mounts host directories (`hosts[].dirs`) may see, or change,
 * what another test's run leaves there: it runs with no other test of the
 * submission under way. Everything else a test uses is its own: its
 * scenario and files_dir under the replay directory (named after the test),
 * its trace in a temporary directory, its kernel worker.
 */
export function runsAlone(t: TestSpec): boolean {
  return ((t.hosts ?? []) as { dirs?: unknown }[]).some((h) => Array.isArray(h.dirs) && h.dirs.length > 0);
}

function notRun(t: TestSpec, why: string): TestResult {
  return { number: t.number, name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), points: t.points, score: 0, verdict: 'not run', visibility: t.visibility, tags: t.tags, output: why, timeMs: 0 };
}

/**
 * The model solution's programs (name -> .wasm), built once per spec and
 * process: batch mode and a queue worker build it in their main thread and
 * hand the paths to their grading threads (GradeOptions.model), so each
 * thread does not compile it again. Undefined when the spec has none.
 */
const models = new Map<string, Promise<Record<string, string> | undefined>>();
/** The model solutions' build directories: their modules serve every submission graded here, so they go when the process (or thread) does. */
const solutionDirs: string[] = [];
function solutionDir(): string {
  if (solutionDirs.length === 0) process.once('exit', () => solutionDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const d = mkdtempSync(join(tmpdir(), 'socklab-solution-'));
  solutionDirs.push(d);
  return d;
}

export function buildModel(spec: GradingSpec): Promise<Record<string, string> | undefined> {
  const sol = spec.solution;
  if (!sol) return Promise.resolve(undefined);
  let m = models.get(spec.file);
  if (!m) {
    m = buildSubmission(spec, sol.dir, solutionDir()).then((b) => {
      if (!b.ok) throw new Error(`the model solution (${sol.dir}) does not compile:\n${b.diagnostics}`);
      return b.modules;
    });
    models.set(spec.file, m);
    m.catch(() => models.delete(spec.file));
  }
  return m;
}

export async function gradeSubmission(spec: GradingSpec, submissionDir: string, opts: GradeOptions): Promise<SubmissionResult> {
  const dir = resolve(submissionDir);
  checkSubmissionDir(dir, 'submission');
  // Everything below reads only this copy: regular files and directories, bounded.
  const work = mkdtempSync(join(tmpdir(), 'socklab-submission-'));
  try {
    const copy = copySubmission(dir, join(work, 'submission'));
    if (opts.refused?.length) copy.refused = new Map([...opts.refused, ...copy.refused]);
    return await gradeCopy(spec, basename(dir), copy.dir, copy.refused, refusedText(copy), opts);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function gradeCopy(spec: GradingSpec, name: string, dir: string, refused: ReadonlyMap<string, string>, notes: string, opts: GradeOptions): Promise<SubmissionResult> {
  const t0 = performance.now();
  const tests = spec.tests.filter((t) => !opts.only?.length || opts.only.some((o) => t.name.includes(o)));
  const done: TestResult[] = [];
  const withNotes = (output: string): string => [notes, output].filter(Boolean).join('\n\n');
  const result = (complete: boolean, output: string, pending: string, extra: Partial<SubmissionResult> = {}): SubmissionResult => {
    const all = [...done, ...tests.slice(done.length).map((t) => notRun(t, pending))];
    return { assignment: spec.assignment, submission: name, ...totals(all), output: withNotes(output), tests: all, complete, timeMs: performance.now() - t0, ...extra };
  };
  const buildDir = join(opts.outDir, 'build');
  mkdirSync(buildDir, { recursive: true });
  opts.write(result(false, 'Grading started.', 'not run: grading stopped before this test'));

  const reference = await buildReference(spec, buildDir);
  const built = await buildSubmission(spec, dir, buildDir, refused);
  if (!built.ok) {
    const file = spec.programs[built.program]!.sources.join(', ');
    const output = built.unreadable
      ? `${file} could not be used, so no test could run (score 0):\n\n${built.diagnostics}`
      : `${file} did not compile, so no test could run (score 0). The compiler said:\n\n${built.diagnostics}`;
    const r = result(true, output, `not run: ${file} did not compile`, { compileError: { program: built.program, diagnostics: built.diagnostics } });
    r.tests = r.tests.map((t) => ({ ...t, verdict: 'compile error' }));
    opts.write(r);
    return r;
  }
  const modelPrograms = opts.model ?? (await buildModel(spec));
  const model = modelPrograms ? { programs: modelPrograms, reference } : undefined;
  const pool = opts.pool ?? gradingPool();
  const env = { modules: { programs: built.modules, reference }, replayDir: join(opts.outDir, 'replay'), replayShown: 'replay', ...(model ? { model } : {}), ...(opts.seeds ? { seeds: opts.seeds } : {}), pool };
  // Tests start in order, up to `width` at once; results are taken in order
  // (done is always a prefix of tests), so the writers see what serial
  // grading shows, only sooner.
  const width = Math.max(1, opts.testsAtOnce ?? pool.size);
  const finished: (TestResult | undefined)[] = [];
  const running = new Set<Promise<void>>();
  const settle = (): void => {
    const before = done.length;
    while (finished[done.length]) done.push(finished[done.length]!);
    if (done.length > before) opts.write(result(false, 'Grading in progress.', 'not run: grading stopped before this test'));
  };
  let output = '';
  for (const [i, t] of tests.entries()) {
    const alone = runsAlone(t);
    while (running.size >= (alone ? 1 : width)) await Promise.race(running);
    const used = performance.now() - t0;
    if (spec.submissionTimeMs !== undefined && used > spec.submissionTimeMs) {
      output = `The submission used up its time (${spec.submissionTimeMs / 1000} s of wall-clock time for all tests); the remaining tests were not run.`;
      break;
    }
    const p: Promise<void> = runTest(t, env).then((r) => {
      finished[i] = r;
      running.delete(p);
      settle();
    });
    running.add(p);
    if (alone) await p;
  }
  await Promise.all(running);
  const r = result(true, output, `not run: ${output ? 'out of time' : 'skipped'}`);
  opts.write(r);
  return r;
}
