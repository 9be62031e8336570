// The command line (bin/socklab.js) as a user meets it: help per command,
// suggestions for a misspelled option, every value checked with a clear
// message and exit status 2, clang flags passed through by `socklab build`,
// and one meaning for a duration on the command line, in a scenario file
// and in a grading spec (docs/cli.md, "Units").
import { describe, expect, it, beforeAll } from 'vitest';
import { readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type CliResult, ROOT, runCli, tempDir } from './helpers.js';
import { GRADE_USAGE } from '../dist/host/grade/command.js';
import { loadScenario } from '../dist/host/scenario/load.js';
import { loadGradingSpec } from '../dist/host/grade/load.js';
import { parseDuration, parseSize, parseCount } from '../dist/host/units.js';

const tmp = tempDir('socklab-cli-');
const SLEEPER = join(ROOT, 'examples', 'sleepers', 'sleeper.c');

/** Runs `socklab ARGS` to the end (asynchronously: other tests go on meanwhile). */
function socklab(args: string[], cwd = tmp): Promise<CliResult> {
  return runCli(args, { cwd });
}

describe('socklab --help', () => {
  it('lists the commands', async () => {
    const r = await socklab(['--help']);
    expect(r.status).toBe(0);
    for (const c of ['run', 'build', 'grade', 'demo', 'help']) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
  });

  it.each([
    ['run', ['--env', '--dir', '--seed', '--timeout', '--max-memory', '--max-output', '--max-fds', '--max-procs', '--fuel', '--max-virtual-time', '--trace', '--trace-strsize', '--trace-pid', '--inject', '--pcap', '--net', '--publish', '--client', '--clients']],
    ['build', ['-o', '--no-sdk', 'clang']],
    ['grade', ['--submission', '--submissions', '--out', '--format', '--jobs', '--seed', '--check']],
    ['demo', ['--seed']],
  ])('socklab %s --help prints its own options', async (cmd, options) => {
    for (const args of [[cmd, '--help'], ['help', cmd]]) {
      const r = await socklab(args);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Usage: socklab ${cmd}`);
      for (const o of options) expect(r.stdout).toContain(o);
    }
  });

  it('socklab grade --help has every option the grader reads', async () => {
    const r = await socklab(['grade', '--help']);
    const options = [...GRADE_USAGE.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]!);
    expect(options.length).toBeGreaterThan(10);
    for (const o of options) expect(r.stdout).toContain(o);
  });

  it('no command prints the help and exits 2', async () => {
    const r = await socklab([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('Usage: socklab');
  });
});

describe('usage errors', () => {
  it('a misspelled option gets a suggestion, exit 2', async () => {
    const r = await socklab(['run', 'x.wasm', '--trase']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^socklab run: unknown option '--trase'/);
    expect(r.stderr).toMatch(/did you mean --trace\?/i);
  });

  it('a misspelled command gets a suggestion, exit 2', async () => {
    const r = await socklab(['rnu', 'x.wasm']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/did you mean run\?/i);
  });

  it.each([
    [['--max-fds', '0'], '--max-fds: expected a whole number from 1 to 65536, got "0"'],
    [['--max-fds', 'abc'], '--max-fds: expected a whole number from 1 to 65536, got "abc"'],
    [['--max-fds', '-1'], '--max-fds: expected a whole number from 1 to 65536, got "-1"'],
    [['--max-fds', '2.5'], '--max-fds: expected a whole number from 1 to 65536, got "2.5"'],
    [['--max-procs', '0'], '--max-procs: expected a whole number from 1 to 65536, got "0"'],
    [['--max-fds', '70000'], '--max-fds: expected a whole number from 1 to 65536, got "70000"'],
    [['--trace-strsize', 'abc'], '--trace-strsize: expected a whole number from 0 to 1048576, got "abc"'],
    [['--trace-pid', 'abc'], '--trace-pid: expected whole numbers from 1 to 4194304, separated by commas, got "abc"'],
    [['--trace-pid', '1,,2'], '--trace-pid: expected whole numbers from 1 to 4194304, separated by commas, got "1,,2"'],
    [['--trace-fd', '-3'], '--trace-fd: expected whole numbers from 0 to 65535, separated by commas, got "-3"'],
    [['--seed', '-1'], '--seed: expected a whole number from 0 to 4294967295, got "-1"'],
    [['--clients', '0'], '--clients: expected a whole number from 1 to 4096, got "0"'],
    [['--timeout', '0'], '--timeout: expected a duration above 0 and at most 576h'],
    [['--timeout', 'abc'], '--timeout: expected a duration'],
    [['--timeout', '-5'], '--timeout: expected a duration'],
    [['--max-virtual-time', '10 parsecs'], '--max-virtual-time: expected a duration'],
    [['--max-memory', 'lots'], '--max-memory: expected a size'],
    [['--max-memory', '1'], '--max-memory: expected a size from 64K to 4G'],
    [['--max-output', '-1'], '--max-output: expected a size'],
    [['--fuel', '2.5'], '--fuel: expected a whole count'],
    [['--fuel', '0'], '--fuel: expected a count of at least 1'],
    [['--publish', '8080:nohost:80'], '--publish: no host named "nohost" in this run (hosts: host1)'],
    [['--publish', '8080:host1:0'], '--publish: expected REALPORT:HOST:PORT'],
    [['--trace-host', 'nohost'], '--trace-host: no host named "nohost"'],
    [['--dir', '/tmp:/a:/b:ro'], '--dir: expected HOST[:GUEST][:ro], got "/tmp:/a:/b:ro"'],
    [['--dir', '/tmp::ro'], '--dir: expected HOST[:GUEST][:ro]'],
    [['--trace-time', 'soon'], '--trace-time: expected elapsed, absolute, relative or none, got "soon"'],
  ])('run %j is refused', async (args, message) => {
    const r = await socklab(['run', join(ROOT, 'wasm', 'tests', 'kernel_args.wasm'), ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`socklab run: ${message}`);
  });

  it('a --publish host is checked against the scenario\'s hosts', async () => {
    const file = join(tmp, 'hosts.yaml');
    writeFileSync(file, `hosts: [{ name: server }, { name: client }]\nprocesses:\n  - { module: ${SLEEPER}, host: server }\n`);
    const bad = await socklab(['run', file, '--publish', '8080:host1:80']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('socklab run: --publish: no host named "host1" in this run (hosts: server, client)');
  });
});

describe('socklab build', () => {
  it('passes clang flags through', async () => {
    const out = join(tmp, 'flags.wasm');
    const r = await socklab(['build', SLEEPER, '-O2', '-Wall', '-DGREETING=1', `-I${tmp}`, '-Wl,-z,stack-size=131072', '-o', out]);
    expect(r.stderr).not.toMatch(/unknown option/);
    expect(r.status, r.stderr).toBe(0);
    const o = await socklab(['run', out, '--', 'built', '1', '1']);
    expect(o.stdout).toContain('built: round 1 at 1 ms');
  }, 120_000);
});

describe('one set of units', () => {
  it('a bare number is seconds in every parser; units agree', () => {
    expect(parseDuration('30')).toBe(30_000);
    expect(parseDuration(30)).toBe(30_000);
    expect(parseDuration('500us')).toBe(0.5);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseSize('64M')).toBe(parseSize('64MiB'));
    expect(parseCount('2.5M')).toBe(2_500_000);
  });

  it('timeout: 30 in a scenario and in a grading spec is 30 s, as --timeout 30 is', async () => {
    const file = join(tmp, 'timeout.yaml');
    writeFileSync(file, `timeout: 30\nlimits: { virtual_time: 1.5 }\nprocesses:\n  - { module: ${SLEEPER} }\n`);
    const { spec } = await loadScenario(file);
    expect(spec.timeoutMs).toBe(30_000);
    expect(spec.maxVirtualMs).toBe(1500);
    const g = join(tmp, 'timeout-grading.yaml');
    writeFileSync(
      g,
      `assignment: units\nsubmission: { programs: { sleeper: { sources: [sleeper.c] } } }\nlimits: { time: 30, virtual_time: 1.5 }\nsubmission_limits: { time: 2 }\n` +
        `tests:\n  - { name: t, points: 1, processes: [{ program: sleeper }], checks: [{ exit: 0 }] }\n`,
    );
    const gs = loadGradingSpec(g);
    expect(gs.tests[0]!.limits.timeMs).toBe(30_000);
    expect(gs.tests[0]!.limits.virtualTimeMs).toBe(1500);
    expect(gs.submissionTimeMs).toBe(2000);
  });

  let sleeper: string;
  beforeAll(async () => {
    sleeper = join(tmp, 'sleeper.wasm');
    const r = await socklab(['build', SLEEPER, '-o', sleeper]);
    expect(r.status, r.stderr).toBe(0);
  }, 120_000);

  // The sleeper sleeps 1 s of virtual time per round, 5 rounds: a limit of 2.5 (seconds) stops it after round 2.
  const rounds = (out: string): string[] => [...out.matchAll(/round (\d) at (\d+) ms/g)].map((m) => `${m[1]}@${m[2]}`);

  it('the same virtual-time limit stops a sleeping guest at the same point on the command line and in a scenario', async () => {
    const cli = await socklab(['run', sleeper, '--max-virtual-time', '2.5', '--', 's', '1000', '5']);
    const file = join(tmp, 'vt.yaml');
    writeFileSync(file, `limits: { virtual_time: 2.5 }\nprocesses:\n  - { module: ${sleeper}, args: [s, 1000, 5] }\n`);
    const yaml = await socklab(['run', file]);
    expect(rounds(cli.stdout)).toEqual(['1@1000', '2@2000']);
    expect(rounds(yaml.stdout)).toEqual(rounds(cli.stdout));
    expect(cli.status).toBe(124);
    expect(yaml.status).toBe(124);
    // And in other units: 2500ms on the command line, 2.5s in the file.
    writeFileSync(file, `limits: { virtual_time: 2.5s }\nprocesses:\n  - { module: ${sleeper}, args: [s, 1000, 5] }\n`);
    const [a, b] = await Promise.all([socklab(['run', sleeper, '--max-virtual-time', '2500ms', '--', 's', '1000', '5']), socklab(['run', file])]);
    expect(rounds(a.stdout)).toEqual(['1@1000', '2@2000']);
    expect(rounds(b.stdout)).toEqual(['1@1000', '2@2000']);
  }, 60_000);

  it('and in a grading spec: virtual_time: 2.5 is 2.5 s of virtual time', async () => {
    const sub = join(tmp, 'submission');
    mkdirSync(sub, { recursive: true });
    copyFileSync(SLEEPER, join(sub, 'sleeper.c'));
    const spec = join(tmp, 'vt-grading.yaml');
    writeFileSync(
      spec,
      `assignment: units\nsubmission: { programs: { sleeper: { sources: [sleeper.c] } } }\n` +
        `tests:\n  - { name: sleeps, points: 1, limits: { virtual_time: 2.5 }, processes: [{ program: sleeper, args: [s, 1000, 5] }], checks: [{ exit: 0 }] }\n`,
    );
    const out = join(tmp, 'grading-out');
    const r = await socklab(['grade', spec, '--submission', sub, '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { tests: { output: string }[] };
    expect(results.tests[0]!.output).toContain('the limit is 2.5 s');
  }, 120_000);
});
