// Autograder bundles (#14): scripts/grade-bundle.js lays out Gradescope's
// autograder (setup.sh, run_autograder, the spec, socklab's tarball) and
// PrairieLearn's external grader (tests/run.sh, the spec, the image's
// Dockerfile). Each is run end to end in a temporary directory standing in for
// /autograder or /grade (AUTOGRADER_ROOT, GRADE_ROOT), with socklab from this
// checkout (SOCKLAB) instead of the one setup.sh or the image would install.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './helpers.js';

const SPEC = join(ROOT, 'examples', 'grading', 'echo-udp', 'grading.yaml');
const SUBS = join(ROOT, 'tests', 'grading-submissions');
const SOCKLAB = join(ROOT, 'bin', 'socklab.js');
const TESTS = 9;
const MAX = 75;

function sh(cmd: string, args: string[], env: Record<string, string> = {}, cwd = ROOT): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, ...env } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function bundle(kind: 'gradescope' | 'prairielearn', dir: string, extra: string[] = []): string {
  const r = sh(process.execPath, [join(ROOT, 'scripts', 'grade-bundle.js'), kind, SPEC, dir, ...extra]);
  expect(r.status, r.out).toBe(0);
  return r.out;
}

const json = (file: string): any => JSON.parse(readFileSync(file, 'utf8'));
const executable = (file: string): boolean => (statSync(file).mode & 0o111) === 0o111;

/** Scratch directories (a bundle and an /autograder copy each: hundreds of MiB), removed once the file is done. */
const made: string[] = [];
function scratch(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('Gradescope', () => {
  let out: string;
  let zip: string;
  beforeAll(() => {
    const base = scratch('socklab-gs-');
    out = join(base, 'bundle');
    zip = join(base, 'autograder.zip');
    bundle('gradescope', out, ['--zip', zip]);
  }, 120_000);

  /** A fresh /autograder: source/ is the bundle (as Gradescope unzips it), submission/ a copy of SUB. */
  function autograder(sub: string, env: Record<string, string> = {}): { root: string; results: any; out: string } {
    const root = scratch('socklab-autograder-');
    cpSync(out, join(root, 'source'), { recursive: true });
    cpSync(join(SUBS, sub), join(root, 'submission'), { recursive: true });
    const r = sh(join(root, 'source', 'run_autograder'), [], { AUTOGRADER_ROOT: root, SOCKLAB, ...env }, root);
    expect(r.status, r.out).toBe(0);
    return { root, results: json(join(root, 'results', 'results.json')), out: r.out };
  }

  it('has the layout Gradescope expects, zipped with the files at the top', () => {
    expect(readdirSync(out).sort()).toEqual(['assignment', 'run_autograder', 'setup.sh', 'socklab-0.1.0.tgz']);
    expect(executable(join(out, 'setup.sh'))).toBe(true);
    expect(executable(join(out, 'run_autograder'))).toBe(true);
    for (const f of ['grading.yaml', 'hidden-tests.yaml', 'checks.ts', 'reference/echo_client.c', 'solution/echo_server.c']) expect(existsSync(join(out, 'assignment', f)), f).toBe(true);
    const setup = readFileSync(join(out, 'setup.sh'), 'utf8');
    expect(setup).toContain('apt-get install -y --no-install-recommends ca-certificates curl xz-utils nodejs npm');
    expect(setup).toContain('npm install --omit=dev');
    expect(setup).not.toMatch(/deb\.nodesource|nodesource\.com/);
    const list = sh('unzip', ['-Z1', zip]).out.split('\n');
    for (const f of ['setup.sh', 'run_autograder', 'socklab-0.1.0.tgz', 'assignment/grading.yaml']) expect(list).toContain(f);
    // The tarball is socklab's package: what setup.sh installs.
    const tar = sh('tar', ['tzf', join(out, 'socklab-0.1.0.tgz')]).out.split('\n');
    expect(tar).toContain('package/bin/socklab.js');
    expect(tar).toContain('package/dist/host/cli/main.js');
  });

  it('run_autograder gives the correct submission full marks in /autograder/results/results.json', () => {
    const { root, results } = autograder('correct');
    expect(results.score).toBe(MAX);
    expect(results.tests).toHaveLength(TESTS);
    expect(results.tests.every((t: any) => t.status === 'passed' && t.score === t.max_score)).toBe(true);
    expect(results.stdout_visibility).toBe('hidden');
    expect(existsSync(join(root, 'grading-output', 'junit.xml'))).toBe(true);
    expect(readdirSync(join(root, 'results'))).toEqual(['results.json']);
  }, 120_000);

  it('run_autograder takes off the points of the tests a wrong submission fails', () => {
    const { results } = autograder('short_write');
    expect(results.score).toBe(MAX - 10);
    const failed = results.tests.filter((t: any) => t.status === 'failed');
    expect(failed.map((t: any) => t.name)).toEqual(['tcp: short writes']);
    expect(failed[0].score).toBe(0);
    expect(failed[0].output).toContain('(INJECTED)');
    expect(failed[0].visibility).toBe('hidden');
  }, 120_000);

  it('a submission that does not compile scores 0, with the compiler\'s message', () => {
    const { results } = autograder('no_compile');
    expect(results.score).toBe(0);
    expect(results.tests).toHaveLength(TESTS);
    expect(results.output).toContain('udp_client.c did not compile');
  }, 60_000);

  it('setup.sh installs socklab from the tarball (Node 20 is there: no apt-get), and run_autograder uses it', () => {
    const root = scratch('socklab-autograder-');
    cpSync(out, join(root, 'source'), { recursive: true });
    // An apt-get that fails, first on PATH: setup.sh must not need it where Node >= 20 is installed.
    const bin = join(root, 'fakebin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'apt-get'), '#!/bin/sh\necho "apt-get was run" >&2\nexit 99\n', { mode: 0o755 });
    const env = { AUTOGRADER_ROOT: root, PATH: `${bin}:${dirname(process.execPath)}:${process.env.PATH}`, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' };
    const setup = sh(join(root, 'source', 'setup.sh'), [], env, join(root, 'source'));
    expect(setup.status, setup.out).toBe(0);
    expect(setup.out).not.toContain('apt-get was run');
    expect(setup.out).toContain('grading.yaml: 9 tests, 75 points');
    const mods = join(root, 'socklab', 'node_modules');
    expect(existsSync(join(mods, 'socklab', 'dist', 'host', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(join(mods, 'vitest'))).toBe(false);
    expect(existsSync(join(mods, 'typescript')), 'checks.ts needs typescript').toBe(true);
    expect(existsSync(join(mods, 'assemblyscript')), 'a C assignment does not need assemblyscript').toBe(false);
    cpSync(join(SUBS, 'correct'), join(root, 'submission'), { recursive: true });
    const { SOCKLAB: _, ...noSocklab } = process.env;
    const r = spawnSync(join(root, 'source', 'run_autograder'), [], { cwd: root, encoding: 'utf8', timeout: 240_000, env: { ...noSocklab, AUTOGRADER_ROOT: root } });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    const results = json(join(root, 'results', 'results.json'));
    expect(results.score, JSON.stringify(results.tests.filter((t: any) => t.status !== 'passed'))).toBe(MAX);
  }, 300_000);

  it('when socklab itself fails, Gradescope still gets a results.json saying so', () => {
    const { results } = autograder('correct', { SOCKLAB: '/bin/false' });
    expect(results).toEqual({ score: 0, output: 'The autograder failed (socklab exit status 1); please tell the course staff.', tests: [] });
  });
});

describe('PrairieLearn', () => {
  let out: string;
  beforeAll(() => {
    out = join(scratch('socklab-pl-'), 'bundle');
    bundle('prairielearn', out);
  }, 120_000);

  /** A fresh /grade: tests/ (or serverFilesCourse/) from the bundle, student/ a copy of SUB. */
  function grade(sub: string, where: 'tests' | 'serverFilesCourse' = 'tests'): { root: string; results: any } {
    const root = scratch('socklab-grade-');
    cpSync(join(out, 'tests'), join(root, where), { recursive: true });
    cpSync(join(SUBS, sub), join(root, 'student'), { recursive: true });
    const r = sh(join(root, where, 'run.sh'), [], { GRADE_ROOT: root, SOCKLAB }, root);
    expect(r.status, r.out).toBe(0);
    return { root, results: json(join(root, 'results', 'results.json')) };
  }

  it('has the question\'s tests/ directory, the image and info.json', () => {
    expect(readdirSync(out).sort()).toEqual(['image', 'info.json', 'tests']);
    expect(readdirSync(join(out, 'tests')).sort()).toEqual(['assignment', 'run.sh']);
    expect(executable(join(out, 'tests', 'run.sh'))).toBe(true);
    expect(readdirSync(join(out, 'image')).sort()).toEqual(['Dockerfile', 'socklab-0.1.0.tgz']);
    expect(readFileSync(join(out, 'image', 'Dockerfile'), 'utf8')).toContain('npm install --omit=dev');
    const info = json(join(out, 'info.json'));
    expect(info.gradingMethod).toBe('External');
    expect(info.externalGradingOptions.entrypoint).toBe('/grade/tests/run.sh');
  });

  it('run.sh writes /grade/results/results.json: full marks for the correct submission', () => {
    const { root, results } = grade('correct');
    expect(results.gradable).toBe(true);
    expect(results.score).toBe(1);
    expect(results.tests).toHaveLength(TESTS);
    expect(results.tests.every((t: any) => t.points === t.max_points)).toBe(true);
    expect(results.tests.reduce((a: number, t: any) => a + t.max_points, 0)).toBe(MAX);
    expect(readdirSync(join(root, 'results'))).toEqual(['results.json']);
  }, 120_000);

  it('from serverFilesCourse too; a wrong submission loses its failed tests, hidden ones unnamed', () => {
    const { results } = grade('short_write', 'serverFilesCourse');
    expect(results.score).toBeCloseTo((MAX - 10) / MAX, 4);
    const lost = results.tests.filter((t: any) => t.points < t.max_points);
    expect(lost).toHaveLength(1);
    expect(lost[0].name).toBe('hidden test 8');
  }, 120_000);

  it('when socklab itself fails, the results say the submission could not be graded', () => {
    const root = scratch('socklab-grade-');
    cpSync(join(out, 'tests'), join(root, 'tests'), { recursive: true });
    mkdirSync(join(root, 'student'));
    const r = sh(join(root, 'tests', 'run.sh'), [], { GRADE_ROOT: root, SOCKLAB: '/bin/false' }, root);
    expect(r.status, r.out).toBe(0);
    expect(json(join(root, 'results', 'results.json'))).toMatchObject({ gradable: false, score: 0 });
  });
});

describe('grade-bundle.js refuses', () => {
  it('a bad kind, a missing spec and a non-empty directory', () => {
    const dir = scratch('socklab-gb-');
    const run = (...a: string[]) => sh(process.execPath, [join(ROOT, 'scripts', 'grade-bundle.js'), ...a]);
    expect(run('moodle', SPEC, join(dir, 'x')).status).toBe(2);
    expect(run('gradescope', join(dir, 'nope.yaml'), join(dir, 'x')).out).toContain('nope.yaml: no such file');
    expect(run('gradescope', SPEC, ROOT).out).toContain('exists and is not empty');
  });
});
