// Grading one submission: build it, run its tests (several at once, as the
// runner pool allows, taking the results in order), and hand the result to
// the writers after each test, so a crash of the grader (or of the machine)
// loses nothing graded so far.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { GradeSpecError } from './load.js';
import { buildReference, buildSubmission, lightCompiles } from './build.js';
import { checkSubmissionDir, copySubmission, refusedText } from './submission.js';
import { runTest } from './runtest.js';
import { ModulePrep } from './prepare.js';
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
  /** The model solution's programs, already built and held by the caller (holdModel, buildModel); default: built here, removed when this grading is done. */
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
 * The model solution's programs (name -> .wasm), built into a temporary
 * directory (socklab-solution-*) that lives while some grading uses it:
 * holdModel() for one batch or one grading run, released when it is done,
 * the directory removed with the last hold; buildModel() for the life of
 * the process or thread (a queue worker's grading thread, which builds it
 * once and serves every job). A build that fails leaves no directory.
 * Undefined when the spec has none.
 */
interface Model {
  built: Promise<Record<string, string> | undefined>;
  dir: string;
  holds: number;
  /** Kept until the process ends (buildModel). */
  pinned: boolean;
  /** The build is over (built or failed). */
  settled: boolean;
}
const models = new Map<string, Model>();
/**
 * The directories still there: a fallback for a process that ends with
 * grading under way. A signal, or a worker thread that is terminated, runs
 * no 'exit' handler, hence the holds.
 */
const solutionDirs = new Set<string>();
let exitHandler = false;
function solutionDir(): string {
  if (!exitHandler) process.once('exit', () => solutionDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  exitHandler = true;
  const d = mkdtempSync(join(tmpdir(), 'socklab-solution-'));
  solutionDirs.add(d);
  return d;
}
function removeDir(d: string): void {
  solutionDirs.delete(d);
  rmSync(d, { recursive: true, force: true });
}

function model(spec: GradingSpec): Model | undefined {
  const sol = spec.solution;
  if (!sol) return undefined;
  let m = models.get(spec.file);
  if (!m) {
    const dir = solutionDir();
    const entry: Model = {
      dir,
      holds: 0,
      pinned: false,
      settled: false,
      built: buildSubmission(spec, sol.dir, dir).then((b) => {
        entry.settled = true;
        // The spec's mistake, as a reference program that does not compile is (exit status 2).
        if (!b.ok) throw new GradeSpecError(`the model solution (${relative(dirname(spec.file), sol.dir) || '.'}/) does not compile:\n${b.diagnostics.replace(/\n$/, '')}`);
        return b.modules;
      }, (e: unknown) => {
        entry.settled = true;
        throw e;
      }),
    };
    m = entry;
    models.set(spec.file, m);
    entry.built.catch(() => {
      // The next grading tries again, in a directory of its own.
      if (models.get(spec.file) === entry) models.delete(spec.file);
      removeDir(dir);
    });
  }
  return m;
}

/** The model solution's programs, kept for the life of this process or thread. */
export function buildModel(spec: GradingSpec): Promise<Record<string, string> | undefined> {
  const m = model(spec);
  if (!m) return Promise.resolve(undefined);
  m.pinned = true;
  return m.built;
}

/**
 * The model solution's programs, kept until release() (once): a batch
 * holds them while its submissions are graded, a grading run while its
 * tests run. Holds on one spec share one build; the last release removes
 * its directory, unless buildModel() keeps it for the process.
 */
export function holdModel(spec: GradingSpec): { built: Promise<Record<string, string> | undefined>; release: () => void } {
  const m = model(spec);
  if (!m) return { built: Promise.resolve(undefined), release: () => {} };
  m.holds++;
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    if (--m.holds > 0 || m.pinned) return;
    // Gone from the cache now, so a later hold builds again; the files go now, or once the build is over.
    if (models.get(spec.file) === m) models.delete(spec.file);
    const remove = (): void => removeDir(m.dir);
    if (m.settled) remove();
    else void m.built.then(remove, remove);
  };
  return { built: m.built, release };
}

export async function gradeSubmission(spec: GradingSpec, submissionDir: string, opts: GradeOptions): Promise<SubmissionResult> {
  const dir = resolve(submissionDir);
  checkSubmissionDir(dir, 'submission');
  // Everything below reads only this copy: regular files and directories, bounded.
  const work = mkdtempSync(join(tmpdir(), 'socklab-submission-'));
  // The model solution, built only when the submission compiles, and removed when grading is done.
  let hold: ReturnType<typeof holdModel> | undefined;
  const heldModel = (): Promise<Record<string, string> | undefined> => (hold ??= holdModel(spec)).built;
  try {
    const copy = copySubmission(dir, join(work, 'submission'));
    if (opts.refused?.length) copy.refused = new Map([...opts.refused, ...copy.refused]);
    return await gradeCopy(spec, basename(dir), copy.dir, copy.refused, refusedText(copy), opts, heldModel);
  } finally {
    rmSync(work, { recursive: true, force: true });
    hold?.release();
  }
}

async function gradeCopy(spec: GradingSpec, name: string, dir: string, refused: ReadonlyMap<string, string>, notes: string, opts: GradeOptions, heldModel: () => Promise<Record<string, string> | undefined>): Promise<SubmissionResult> {
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
  // Each program's transform starts as soon as it is built (prepare.ts), or with heavy compilers once all are
  // (not beside one: lightCompiles); a test waits only for its own programs.
  const prep = new ModulePrep();
  const light = lightCompiles(spec);
  const built = await buildSubmission(spec, dir, buildDir, refused, light ? (program, path) => prep.start(program, path, tests) : undefined);
  if (built.ok && !light) for (const [program, path] of Object.entries(built.modules)) prep.start(program, path, tests);
  if (!built.ok) {
    await prep.settled();
    const file = spec.programs[built.program]!.sources.join(', ');
    const output = built.unreadable
      ? `${file} could not be used, so no test could run (score 0):\n\n${built.diagnostics}`
      : `${file} did not compile, so no test could run (score 0). The compiler said:\n\n${built.diagnostics}`;
    const r = result(true, output, `not run: ${file} ${built.unreadable ? 'could not be used' : 'did not compile'}`, { compileError: { program: built.program, diagnostics: built.diagnostics } });
    r.tests = r.tests.map((t) => ({ ...t, verdict: 'compile error' }));
    opts.write(r);
    return r;
  }
  // Held until every test has run (gradeSubmission releases it), unless the caller holds it (opts.model).
  const modelPrograms = opts.model ?? (await heldModel());
  const model = modelPrograms ? { programs: modelPrograms, reference } : undefined;
  const pool = opts.pool ?? gradingPool();
  const env = { modules: { programs: built.modules, reference }, replayDir: join(opts.outDir, 'replay'), replayShown: 'replay', ...(model ? { model } : {}), ...(opts.seeds ? { seeds: opts.seeds } : {}), pool };
  // Tests start in order, up to width() at once; results are taken in order
  // (done is always a prefix of tests), so the writers see what serial
  // grading shows, only sooner.
  // Read at each test's start: a batch grows a submission's pool when its other lanes fall idle (batch.ts).
  const width = (): number => Math.max(1, opts.testsAtOnce ?? pool.size);
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
    while (running.size >= (alone ? 1 : width())) await Promise.race(running);
    const used = performance.now() - t0;
    if (spec.submissionTimeMs !== undefined && used > spec.submissionTimeMs) {
      output = `The submission used up its time (${spec.submissionTimeMs / 1000} s of wall-clock time for all tests); the remaining tests were not run.`;
      break;
    }
    const p: Promise<void> = prep.ready(t, built.modules).then(() => runTest(t, env)).then((r) => {
      finished[i] = r;
      running.delete(p);
      settle();
    });
    running.add(p);
    if (alone) await p;
  }
  await Promise.all(running);
  // A test not run (out of time) leaves its program's transform under way: none outlives the grading.
  await prep.settled();
  const r = result(true, output, `not run: ${output ? 'out of time' : 'skipped'}`);
  opts.write(r);
  return r;
}
