// The sample assignment (examples/grading/echo-udp) graded against the
// submissions in tests/grading-submissions: the correct one gets full marks,
// each wrong one loses exactly the tests it should, with a clear reason;
// hidden tests stay hidden; grading twice gives the same files.
import { beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import AjvModule from 'ajv';
import { isScalar, parseDocument, visit } from 'yaml';
import { ROOT, tempDir } from './helpers.js';
import { loadGradingSpec } from '../dist/host/grade/load.js';
import { gradeBatch } from '../dist/host/grade/batch.js';
import { holdModel } from '../dist/host/grade/grade.js';
import type { SubmissionResult } from '../dist/host/grade/results.js';

const PUBLISHED = join(ROOT, 'examples', 'grading', 'echo-udp', 'grading.yaml');
/**
 * The sample assignment as published but for its wall-clock limits (per run, per submission),
 * which are the machine's: on a loaded machine one could stop never_exits' spin before its CPU
 * (fuel) limit does, and the feedback then names the wall clock. What is checked here is what the
 * deterministic limits give, so the copy's wall-clock limits are far above any run (the fuel
 * limit ends the spin after about half a second of CPU).
 */
function withoutWallClock(spec: string): string {
  const dir = tempDir('socklab-grade-spec-');
  cpSync(dirname(spec), dir, { recursive: true });
  let raised = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
    const doc = parseDocument(readFileSync(join(dir, f), 'utf8'));
    visit(doc, {
      Pair(_k, pair) {
        if (isScalar(pair.key) && pair.key.value === 'time' && isScalar(pair.value)) {
          pair.value.value = '1h';
          raised++;
        }
      },
    });
    writeFileSync(join(dir, f), doc.toString());
  }
  if (raised < 2) throw new Error(`${spec}: no wall-clock limits found to raise`);
  return join(dir, 'grading.yaml');
}
const SPEC = withoutWallClock(PUBLISHED);
const SUBS = join(ROOT, 'tests', 'grading-submissions');
const ALL = readdirSync(SUBS).sort();

/** Per wrong submission: the tests it loses (by number) and what their feedback must say. */
const EXPECTED: Record<string, { lost: number[]; verdict: string; says: RegExp[] }> = {
  correct: { lost: [], verdict: 'passed', says: [] },
  no_listen: { lost: [1, 2, 3, 4, 7, 8, 9], verdict: 'wrong answer', says: [/accept\(.*\) = -1 EINVAL/, /the model solution's pid 1 made instead:\n.*listen\(/, /accept: Invalid argument/] },
  leaked_fds: { lost: [7], verdict: 'wrong answer', says: [/did not close 2 accepted connection\(s\)/, /ended with 3 fd\(s\) it opened still open/] },
  short_write: { lost: [8], verdict: 'wrong answer', says: [/expected: "echoed: a message much longer than seven bytes\\n"/, /got: {6}"echoed: a messa\\n"/, /\(INJECTED\)/, /--inject write:max=7/] },
  ignores_eintr: { lost: [9], verdict: 'wrong answer', says: [/accept: Interrupted system call/, /EINTR/] },
  never_exits: { lost: [5, 6], verdict: 'time limit exceeded', says: [/udp_client \(pid 2\): CPU limit exceeded: used more than 200000000 fuel units/] },
  unbounded_alloc: { lost: [4], verdict: 'memory limit exceeded', says: [/echo_server \(pid 1\): memory limit exceeded: the guest asked for .*, the limit is 8 MiB/] },
  prints_forever: { lost: [6], verdict: 'output limit exceeded', says: [/udp_client \(pid 2\): output limit exceeded: more than 64 KiB written/] },
  no_compile: { lost: [1, 2, 3, 4, 5, 6, 7, 8, 9], verdict: 'compile error', says: [] },
};

type AjvCtor = typeof AjvModule.default;
const Ajv = ((AjvModule as unknown as { default?: AjvCtor }).default ?? AjvModule) as AjvCtor;

/** The fields Gradescope documents for results.json (gradescope-autograders.readthedocs.io, "Output format"). */
const GRADESCOPE_SCHEMA = {
  type: 'object',
  required: ['tests'],
  properties: {
    score: { type: 'number' },
    execution_time: { type: 'number' },
    output: { type: 'string' },
    output_format: { enum: ['text', 'html', 'simple_format', 'md', 'ansi'] },
    test_output_format: { enum: ['text', 'html', 'simple_format', 'md', 'ansi'] },
    test_name_format: { enum: ['text', 'html', 'simple_format', 'md', 'ansi'] },
    visibility: { enum: ['hidden', 'after_due_date', 'after_published', 'visible'] },
    stdout_visibility: { enum: ['hidden', 'after_due_date', 'after_published', 'visible'] },
    extra_data: { type: 'object' },
    tests: {
      type: 'array',
      items: {
        type: 'object',
        required: ['score', 'max_score', 'name'],
        properties: {
          score: { type: 'number' },
          max_score: { type: 'number' },
          status: { enum: ['passed', 'failed'] },
          name: { type: 'string' },
          name_format: { enum: ['text', 'html', 'simple_format', 'md', 'ansi'] },
          number: { type: 'string' },
          output: { type: 'string' },
          output_format: { enum: ['text', 'html', 'simple_format', 'md', 'ansi'] },
          tags: { type: 'array', items: { type: 'string' } },
          visibility: { enum: ['hidden', 'after_due_date', 'after_published', 'visible'] },
          extra_data: { type: 'object' },
        },
      },
    },
  },
};

const read = (dir: string, name: string, file: string): string => readFileSync(join(dir, name, file), 'utf8');
/** Results files with their timing fields blanked: everything else must be identical run to run. */
const untimed = (text: string): string => text.replace(/"execution_time": \d+/g, '"execution_time": 0').replace(/ time="[0-9.]+"/g, ' time="0"');

describe('grading the echo-udp assignment', () => {
  const out = tempDir('socklab-grade-test-');
  let results: Map<string, SubmissionResult>;

  beforeAll(async () => {
    const spec = loadGradingSpec(SPEC);
    const rs = await gradeBatch(spec, ALL.map((s) => join(SUBS, s)), { outDir: out, formats: ['gradescope', 'prairielearn', 'junit'], reveal: [] });
    results = new Map(rs.map((r) => [r.submission, r]));
  }, 900_000);

  it('grades every submission, each in its own directory, with a CSV of scores', () => {
    expect([...results.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
    const csv = readFileSync(join(out, 'scores.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^submission,score,max_score,complete,tcp: echoes one client,/);
    expect(csv).toContain('correct,75,75,true,10,10,5,10,5,10,10,10,5');
    for (const name of ALL) expect(readdirSync(join(out, name))).toEqual(expect.arrayContaining(['build', 'junit.xml', 'prairielearn.json', 'results.json', ...(name === 'no_compile' ? [] : ['replay'])]));
  });

  for (const [name, want] of Object.entries(EXPECTED)) {
    it(`${name}: loses exactly tests ${want.lost.join(', ') || '(none)'}`, () => {
      const r = results.get(name)!;
      expect(r.complete).toBe(true);
      const lost = r.tests.filter((t) => t.score < t.points).map((t) => t.number);
      expect(lost).toEqual(want.lost);
      const maxLost = r.tests.filter((t) => want.lost.includes(t.number)).reduce((a, t) => a + t.points, 0);
      expect(r.score).toBe(75 - maxLost);
      if (want.lost.length) {
        const first = r.tests.find((t) => t.number === want.lost[0])!;
        expect(first.verdict).toBe(want.verdict);
        const feedback = r.tests.filter((t) => want.lost.includes(t.number)).map((t) => t.output).join('\n');
        for (const s of want.says) expect(feedback).toMatch(s);
      }
      for (const t of r.tests) if (!want.lost.includes(t.number)) expect(t.output).toBe('');
    });
  }

  it('a failing test says how to replay it, and the replay file is the run that was graded', () => {
    const t = results.get('short_write')!.tests.find((x) => x.number === 8)!;
    expect(t.output).toContain('To replay this run: socklab run replay/08-tcp-short-writes.yaml --seed 1 --inject write:max=7');
    const replay = read(out, 'short_write', 'replay/08-tcp-short-writes.yaml');
    expect(replay).toMatch(/module: \.\.\/build\/echo_server\.wasm/);
    expect(replay).toMatch(/module: \.\.\/build\/ref-echo_client\.wasm/);
  });

  it('a compile error scores 0 with the compiler message, not an internal error', () => {
    const r = results.get('no_compile')!;
    expect(r.score).toBe(0);
    expect(r.compileError?.program).toBe('udp_client');
    expect(r.output).toMatch(/udp_client\.c did not compile/);
    expect(r.output).toMatch(/udp_client\.c:\d+:\d+: error: expected ';'/);
    expect(r.output).not.toContain(SUBS); // paths as the student knows them
    const gs = JSON.parse(read(out, 'no_compile', 'results.json')) as { score: number; output: string; tests: { status: string }[] };
    expect(gs.score).toBe(0);
    expect(gs.output).toMatch(/expected ';'/);
    expect(gs.tests.every((t) => t.status === 'failed')).toBe(true);
  });

  it('writes results.json with the fields Gradescope documents', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(GRADESCOPE_SCHEMA);
    for (const name of ALL) {
      const gs = JSON.parse(read(out, name, 'results.json')) as { score: number; tests: { visibility: string; name: string; score: number; max_score: number }[] };
      expect(validate(gs), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(gs.score).toBe(results.get(name)!.score);
      expect(gs.tests.map((t) => t.visibility)).toEqual(['visible', 'visible', 'visible', 'visible', 'visible', 'visible', 'hidden', 'hidden', 'after_due_date']);
    }
  });

  it('keeps hidden tests hidden from students in the PrairieLearn and JUnit outputs', () => {
    const pl = JSON.parse(read(out, 'short_write', 'prairielearn.json')) as { score: number; tests: { name: string; output: string; points: number; max_points: number }[] };
    expect(pl.score).toBeCloseTo(65 / 75, 5);
    expect(pl.tests[7]).toEqual({ name: 'hidden test 8', description: '', points: 0, max_points: 10, message: 'wrong answer', output: '' });
    expect(pl.tests[8]!.name).toBe('hidden test 9');
    const xml = read(out, 'short_write', 'junit.xml');
    expect(xml).not.toContain('short writes');
    expect(xml).not.toContain('echoed: a messa');
    expect(xml).toMatch(/<testcase name="hidden test 8"[^>]*>\n[\s\S]*?<failure message="wrong answer"/);
    expect(xml).toMatch(/<testsuite name="short_write" tests="9" failures="1" errors="0" skipped="0"/);
  });

  it('gives identical results files when the same submissions are graded again (timing fields aside)', async () => {
    const again = tempDir('socklab-grade-again-');
    const spec = loadGradingSpec(SPEC);
    // The batch shares the model solution this test holds: its directory stays while a hold is on it, and
    // goes with the last one, so the batch's own hold ended with it (not the process's 'exit').
    const held = holdModel(spec);
    const solution = dirname(Object.values((await held.built)!)[0]!);
    expect(basename(solution)).toMatch(/^socklab-solution-/);
    try {
      await gradeBatch(spec, ['short_write', 'correct'].map((s) => join(SUBS, s)), { outDir: again, formats: ['gradescope', 'prairielearn', 'junit'], reveal: [] });
      expect(existsSync(solution)).toBe(true);
    } finally {
      held.release();
    }
    expect(existsSync(solution)).toBe(false);
    for (const name of ['short_write', 'correct']) {
      for (const f of ['results.json', 'prairielearn.json', 'junit.xml', 'replay/08-tcp-short-writes.yaml', 'replay/06-udp-survives-20-loss.yaml']) {
        expect(untimed(read(again, name, f)), `${name}/${f}`).toBe(untimed(read(out, name, f)));
      }
    }
  }, 600_000);
});
