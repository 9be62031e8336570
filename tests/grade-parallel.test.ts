// A submission's tests run several at once (host/grade/grade.ts), up to the
// runner pool's size: the results, the feedback and the files written are
// those of grading the tests one after another, and the writers only ever
// see the tests in order (a prefix graded, the rest not run yet).
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './helpers.js';
import { loadGradingSpec } from '../dist/host/grade/load.js';
import { gradeSubmission, runsAlone } from '../dist/host/grade/grade.js';
import { fileWriter } from '../dist/host/grade/writers/index.js';
import { RunnerPool } from '../dist/host/runner/pool.js';
import type { SubmissionResult } from '../dist/host/grade/results.js';
import type { TestSpec } from '../dist/host/grade/spec.js';

const SPEC = join(ROOT, 'examples', 'grading', 'echo-udp', 'grading.yaml');
const SUBS = join(ROOT, 'tests', 'grading-submissions');

const untimed = (text: string): string => text.replace(/"execution_time": \d+/g, '"execution_time": 0').replace(/ time="[0-9.]+"/g, ' time="0"');
const noTimes = (r: SubmissionResult): unknown => ({ ...r, timeMs: 0, tests: r.tests.map((t) => ({ ...t, timeMs: 0 })) });

function filesOf(dir: string, sub = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [k, v] of filesOf(dir, rel)) out.set(k, v);
    else if (!rel.endsWith('.wasm')) out.set(rel, untimed(readFileSync(join(dir, rel), 'utf8')));
  }
  return out;
}

async function grade(name: string, atOnce: number): Promise<{ result: SubmissionResult; files: Map<string, string>; writes: SubmissionResult[]; workers: number }> {
  const spec = loadGradingSpec(SPEC);
  const out = tempDir(`socklab-parallel-${atOnce}-`);
  const pool = new RunnerPool({ size: atOnce });
  const files = fileWriter(spec, out, ['gradescope', 'prairielearn', 'junit'], { reveal: new Set() });
  const writes: SubmissionResult[] = [];
  try {
    const result = await gradeSubmission(spec, join(SUBS, name), { outDir: out, pool, write: (r) => { files(r); writes.push(structuredClone(r)); } });
    return { result, files: filesOf(out), writes, workers: pool.stats.workersStarted };
  } finally {
    await pool.close();
  }
}

describe('grading a submission with its tests run at once', () => {
  for (const name of ['no_listen', 'short_write']) {
    it(`${name}: the same results, feedback and files as one test at a time`, async () => {
      const serial = await grade(name, 1);
      const parallel = await grade(name, 3);
      expect(serial.workers).toBe(1);
      expect(parallel.workers).toBeGreaterThan(1);
      expect(noTimes(parallel.result)).toEqual(noTimes(serial.result));
      expect([...parallel.files.keys()].sort()).toEqual([...serial.files.keys()].sort());
      for (const [f, text] of serial.files) expect(parallel.files.get(f), f).toBe(text);
      // Every intermediate result is a prefix of the final one, the rest not run.
      for (const w of parallel.writes) {
        const graded = w.tests.findIndex((t) => t.verdict === 'not run');
        const prefix = graded < 0 ? w.tests.length : graded;
        expect(w.tests.slice(prefix).every((t) => t.verdict === 'not run')).toBe(true);
        expect(w.tests.slice(0, prefix).map((t) => ({ ...t, timeMs: 0 }))).toEqual(parallel.result.tests.slice(0, prefix).map((t) => ({ ...t, timeMs: 0 })));
      }
    }, 600_000);
  }

  it('runs a test that mounts host directories alone', () => {
    const t = (hosts?: unknown[]): TestSpec => ({ number: 1, name: 't', points: 1, visibility: 'visible', tags: [], seeds: [1], processes: [], inject: [], limits: {}, checks: [], ...(hosts ? { hosts } : {}) }) as TestSpec;
    expect(runsAlone(t())).toBe(false);
    expect(runsAlone(t([{ name: 'a' }, { name: 'b', dirs: [] }]))).toBe(false);
    expect(runsAlone(t([{ name: 'a' }, { name: 'b', dirs: ['data:/data'] }]))).toBe(true);
  });
});
