// One test: its scenario run once per seed (stopping at the first seed that
// fails), limits judged, checks made, and the feedback for a failure: what
// was expected, what happened, the trace where the run went wrong, and the
// command that replays it.
import { mkdtempSync, rmSync, mkdirSync, openSync, readSync, closeSync, fstatSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunOutcome } from '../runner/run.js';
import { gradingPool, type RunnerPool } from '../runner/pool.js';
import { Trace } from '../trace/api.js';
import { prepareRun, testSlug, type PreparedRun } from './scenario.js';
import { limitHits, type LimitHit } from './limits.js';
import { checkContext, runChecks, type CheckFailure } from './checks.js';
import { checkedCalls, tail, traceContext } from './feedback.js';
import { processNames } from './load.js';
import type { TestSpec } from './spec.js';
import type { TestResult, Verdict } from './results.js';

export interface Modules {
  programs: Record<string, string>;
  reference: Record<string, string>;
}

export interface TestEnv {
  modules: Modules;
  /** Where the test's scenario files go (kept: they are the replays). */
  replayDir: string;
  /** How feedback names replayDir (e.g. "replay", relative to the results). */
  replayShown: string;
  /** The model solution's programs: failures are located by comparing traces with its run. */
  model?: Modules;
  /** Replaces every test's seeds (socklab grade --seed). */
  seeds?: number[];
  /** The kernel workers the runs go to (default: this thread's grading pool, reused across tests and submissions). */
  pool?: RunnerPool;
}

/** A trace larger than this is cut: a guest looping on a failing call must not exhaust the grader. */
const MAX_TRACE_BYTES = 64 << 20;
/** A student process ended by one of these crashed on its own (not a limit, not a deadlock). */
const CRASH_SIGNALS = new Set(['SIGSEGV', 'SIGABRT', 'SIGFPE', 'SIGILL', 'SIGBUS', 'SIGPIPE']);

function readTrace(file: string): Trace {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return new Trace([]);
  }
  try {
    const size = Math.min(fstatSync(fd).size, MAX_TRACE_BYTES);
    const buf = Buffer.alloc(size);
    readSync(fd, buf, 0, size, 0);
    const text = buf.toString('utf8');
    return Trace.fromJsonl(size === MAX_TRACE_BYTES ? text.slice(0, text.lastIndexOf('\n') + 1) : text);
  } finally {
    closeSync(fd);
  }
}

interface SeedRun {
  outcome: RunOutcome;
  trace: Trace;
}

async function runSeed(prep: PreparedRun, seed: number, work: string, pool: RunnerPool): Promise<SeedRun> {
  for (const d of Object.values(prep.filesDirs)) {
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
  }
  const traceFile = join(work, `trace-${seed}.jsonl`);
  const opts = await prep.options(seed);
  const outcome = await pool.run({ ...opts, output: 'capture', trace: { file: traceFile, format: 'jsonl' } });
  const trace = readTrace(traceFile);
  rmSync(traceFile, { force: true });
  return { outcome, trace };
}

function verdictOf(test: TestSpec, hits: LimitHit[], outcome: RunOutcome): Verdict {
  if (hits.length) return hits[0]!.verdict;
  const students = new Set(processNames(test.processes.filter((p) => p.program !== undefined)));
  const crashed = outcome.processes.some((p) => students.has(p.name) && p.exit.signal !== undefined && CRASH_SIGNALS.has(p.exit.signal));
  return crashed ? 'runtime error' : 'wrong answer';
}

type ModelRun = { trace: Trace; names: Map<number, string> } | undefined;

/**
 * Model runs made by this thread, by what they depend on: the test, the seed and the model's and reference
 * programs (by path and file identity). The virtual network is deterministic, so the run is the same for
 * every submission that fails the test; a batch made it once per failing submission. Bounded: a long-lived
 * queue worker grades many specs.
 */
const modelRuns = new Map<string, Promise<ModelRun>>();
const MODEL_RUNS_KEPT = 64;

function fileIds(files: Record<string, string>): string[] {
  return Object.entries(files).map(([name, f]) => {
    try {
      const st = statSync(f);
      return `${name}=${f}@${st.size}:${st.mtimeMs}:${st.ino}`;
    } catch {
      return `${name}=${f}`;
    }
  });
}

/** The model solution's trace for the same test and seed (the failure's reference point); once per thread (modelRuns). */
function modelTrace(test: TestSpec, model: Modules, seed: number, pool: RunnerPool): Promise<ModelRun> {
  const key = JSON.stringify([test, seed, fileIds(model.programs), fileIds(model.reference)]);
  let run = modelRuns.get(key);
  if (!run) {
    run = runModel(test, model, seed, pool);
    // A run that failed (an exception) or stopped at a limit (a wall-clock one may not recur) is not kept.
    run.then((r) => r ?? modelRuns.delete(key), () => modelRuns.delete(key));
    modelRuns.set(key, run);
    if (modelRuns.size > MODEL_RUNS_KEPT) modelRuns.delete(modelRuns.keys().next().value!);
  }
  return run;
}

async function runModel(test: TestSpec, model: Modules, seed: number, pool: RunnerPool): Promise<ModelRun> {
  const dir = mkdtempSync(join(tmpdir(), 'socklab-model-'));
  try {
    const prep = prepareRun(test, model, dir);
    const { outcome, trace } = await runSeed(prep, seed, dir, pool);
    return outcome.limit ? undefined : { trace, names: pidNames(outcome) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The declared processes' names by pid, so that the two runs' processes are paired by who they are. */
function pidNames(outcome: RunOutcome): Map<number, string> {
  return new Map(outcome.processes.map((p) => [p.pid, p.name]));
}

/** What the student's own processes printed, bounded and marked as theirs. */
function studentOutput(test: TestSpec, outcome: RunOutcome): string {
  const students = new Set(processNames(test.processes.filter((p) => p.program !== undefined)));
  const parts: string[] = [];
  for (const p of outcome.processes) {
    if (!students.has(p.name)) continue;
    for (const [stream, text] of [['stdout', p.stdout], ['stderr', p.stderr]] as const) {
      if (!text) continue;
      const cut = text.length > STUDENT_OUTPUT_BYTES ? `(the last ${STUDENT_OUTPUT_BYTES} bytes of ${text.length})\n${text.slice(-STUDENT_OUTPUT_BYTES)}` : text;
      parts.push(`your program's ${stream} (${p.name}, pid ${p.pid}):\n${tail(cut, STUDENT_OUTPUT_LINES)}`);
    }
  }
  return parts.join('\n\n');
}
/** How much of a student's own output feedback quotes (per stream): the end, where a failure shows. */
const STUDENT_OUTPUT_BYTES = 2048;
const STUDENT_OUTPUT_LINES = 20;

function feedback(test: TestSpec, seed: number, hits: LimitHit[], failures: CheckFailure[], outcome: RunOutcome, context: string, replay: string): string {
  const parts: string[] = [];
  const seeds = test.seeds.length > 1 ? ` (seed ${seed})` : '';
  parts.push(...hits.map((h) => h.reason + seeds));
  if (hits.some((h) => !h.deterministic)) {
    parts.push('The run was stopped, so the other checks were not made.');
  } else {
    parts.push(...failures.map((f) => f.message + (hits.length ? '' : seeds)));
    if (outcome.deadlock && failures.length) parts.push(outcome.deadlock);
    if (context) parts.push(context);
  }
  const own = studentOutput(test, outcome);
  if (own) parts.push(own);
  parts.push(`To replay this run: ${replay}`);
  return parts.join('\n\n');
}

export async function runTest(test: TestSpec, env: TestEnv): Promise<TestResult> {
  const t0 = performance.now();
  const base = {
    number: test.number, name: test.name, ...(test.description !== undefined ? { description: test.description } : {}),
    points: test.points, visibility: test.visibility, tags: test.tags,
  };
  const work = mkdtempSync(join(tmpdir(), `socklab-grade-${testSlug(test)}-`));
  try {
    const pool = env.pool ?? gradingPool();
    const prep = prepareRun(test, env.modules, env.replayDir);
    for (const seed of env.seeds ?? test.seeds) {
      const { outcome, trace } = await runSeed(prep, seed, work, pool);
      const hits = limitHits(outcome, test.limits, trace);
      const stopped = hits.some((h) => !h.deterministic);
      const failures = stopped ? [] : await runChecks(test.checks, checkContext(test, seed, outcome, trace, prep.filesDirs));
      if (!hits.length && !failures.length) continue;
      const model = !stopped && env.model ? await modelTrace(test, env.model, seed, pool) : undefined;
      const context = stopped ? '' : traceContext(trace, model?.trace, failures.find((f) => f.pid !== undefined)?.pid, checkedCalls(test), model ? { got: pidNames(outcome), model: model.names } : undefined);
      // Partial credit: the checks that held score their share, unless a limit stopped the run.
      const failed = new Set(failures.map((f) => f.check)).size;
      const score = test.partialCredit && !hits.length && test.checks.length ? Math.round((test.points * (test.checks.length - failed)) / test.checks.length * 100) / 100 : 0;
      return {
        ...base, score, verdict: verdictOf(test, hits, outcome), seed,
        output: feedback(test, seed, hits, failures, outcome, context, prep.replay(seed, env.replayShown)),
        timeMs: performance.now() - t0,
      };
    }
    return { ...base, score: test.points, verdict: 'passed', output: '', timeMs: performance.now() - t0 };
  } catch (e) {
    return { ...base, score: 0, verdict: 'internal error', output: `socklab could not run this test: ${e instanceof Error ? e.message : String(e)}`, timeMs: performance.now() - t0 };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

