// Shared by the test suites: run the guests that scripts/setup-tests.js built
// into wasm/tests/ through socklab's public API (the compiled dist/ build, so
// the tests exercise what users run).
import { join } from 'node:path';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, expect } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { run, type RunOptions, type RunOutcome } from '../dist/host/api.js';

export const ROOT = join(import.meta.dirname, '..');

/** Path of a built test guest, e.g. guest('kernel_args') for tests/c/kernel_args.c. */
export function guest(name: string): string {
  const p = join(ROOT, 'wasm', 'tests', `${name}.wasm`);
  if (!existsSync(p)) throw new Error(`${p} is missing: run "node scripts/setup-tests.js" (npm test does)`);
  return p;
}

/**
 * tests/c/NAME.c built by gcc into dir and run there, stdin closed: its stdout, once it exited 0 (the reference
 * a guest's output is compared with). spawnSync returns once every holder of stdout has closed it: a daemon's
 * dup too.
 */
export function nativeStdout(name: string, dir: string): string {
  const exe = join(dir, name);
  execFileSync('gcc', ['-O1', '-w', '-o', exe, join(ROOT, 'tests', 'c', `${name}.c`)]);
  const r = spawnSync(exe, [], { cwd: dir, encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
  expect(r.error).toBeUndefined();
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** Runs one built test guest with args and options; output captured. */
export function runGuest(name: string, args: string[] = [], opts: Partial<RunOptions> & { stdin?: string; env?: string[] } = {}): Promise<RunOutcome> {
  const { stdin, env, ...rest } = opts;
  return run({ processes: [{ module: guest(name), name: `${name}.wasm`, args, env, stdin }], timeoutMs: 60_000, ...rest });
}

export { run };

/** The directories tempDir made for this test file (each file has its own instance of this module). */
const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh directory in the system's temporary directory, removed when the test file ends: tests leave nothing behind. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}

/** What `socklab ARGS` printed and its exit status. */
export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** One line on stderr containing each part: no stack trace, no "undefined", no raw errno code or object. */
export function oneLine(r: CliResult, ...parts: string[]): void {
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  for (const p of parts) expect(lines[0]).toContain(p);
  expect(r.stderr).not.toMatch(/\n\s+at |undefined|\[object Object\]|ENOENT|EISDIR/);
}

/** Runs `socklab ARGS` (the built CLI) to the end, asynchronously, so other tests go on meanwhile. */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin', 'socklab.js'), ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The directory name a native run's test programs use in place of /tmp: relative, and as long as "/tmp". */
const NATIVE_TMP = 'ntmp';

/**
 * A native run of a test program (tests/c: tmp_dir()) with a /tmp of its own, so that suites running at
 * once on one machine never share a path: `cwd`, a fresh directory under `parent` to run in, holding
 * NATIVE_TMP, which `env` (SOCKLAB_TEST_TMP) names. The name has /tmp's length, so the address lengths a
 * program prints and strace shows are those its socklab run has with /tmp; `asTmp` reads the native
 * output with that directory written /tmp, as the socklab run (its own filesystem) has it.
 */
export function nativeTmp(parent: string): { cwd: string; env: NodeJS.ProcessEnv; asTmp(text: string): string } {
  const cwd = mkdtempSync(join(parent, 'run-'));
  mkdirSync(join(cwd, NATIVE_TMP));
  return {
    cwd,
    env: { ...process.env, SOCKLAB_TEST_TMP: NATIVE_TMP },
    asTmp: (text) => text.replace(new RegExp(`(?<![\\w./-])${NATIVE_TMP}/`, 'g'), '/tmp/'),
  };
}
