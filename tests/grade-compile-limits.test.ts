// Compile bombs in a batch, with small compile limits: each bomb is a build
// failure that names the limit, the grader finishes, and the honest
// submission beside them is graded as usual. Once with the native clang (where
// the source check's preprocessing is limited too) and once with @yowasp/clang.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers.js';
import { findToolchain } from '../host/toolchain/toolchains.js';
import { runNative } from '../host/toolchain/limited.js';

const CLI = join(ROOT, 'bin', 'socklab.js');
/** A bound, not a synchronisation: a bomb that hangs the grader fails the test instead of the suite. */
const TIMEOUT = 240_000;

const spec = (seconds: number, lang: 'c' | 'assemblyscript' = 'c'): string => `version: 1
assignment: compile-limits
submission:
  language: ${lang}
  programs:
    prog: { sources: [prog.${lang === 'c' ? 'c' : 'ts'}] }
submission_limits: { compile_time: ${seconds}s, compile_memory: 1G }
tests:
  - name: says hello
    points: 1
    processes: [{ program: prog }]
    checks:
      - { stdout: "hello\\n" }
`;

const HELLO = '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n';
const BOMBS: Record<string, Record<string, string>> = {
  // 2^40 nested includes (no include guard): CPU, little memory, little preprocessed output per second.
  'include-tree': { 'prog.c': `#include "self.h"\n${HELLO}`, 'self.h': '#if __INCLUDE_LEVEL__ < 40\n#include "self.h"\n#include "self.h"\n#endif\n' },
  // A 1 GiB initialised array: clang holds its bytes while it writes the object.
  'giant-array': { 'prog.c': `static char a[1 << 30] = {1};\nint main(int c, char **v) { return a[c]; }\n` },
  // A macro doubling a token 2^44 times.
  'macro-bomb': { 'prog.c': '#define A(x) x x\n#define B(x) A(A(A(A(x))))\n#define C(x) B(B(B(B(x))))\n#define D(x) C(C(C(x)))\n#define E(x) D(D(x))\nint main(void) { E(;) return 0; }\n' },
};

interface Gradescope { score: number; output: string; tests: { name: string; score: number; output?: string }[] }

function gradeBatch(toolchain: 'native' | 'npm', seconds: number, subs: Record<string, Record<string, string>>, lang: 'c' | 'assemblyscript' = 'c'): { status: number | null; results: Record<string, Gradescope>; stderr: string; tmpLeft: string[] } {
  const tmp = mkdtempSync(join(tmpdir(), `socklab-compile-limits-${toolchain}-`));
  writeFileSync(join(tmp, 'grading.yaml'), spec(seconds, lang));
  for (const [name, files] of Object.entries(subs)) {
    mkdirSync(join(tmp, 'subs', name), { recursive: true });
    for (const [f, c] of Object.entries(files)) writeFileSync(join(tmp, 'subs', name, f), c);
  }
  // Clang's crash reproducers would go to TMPDIR: one of its own shows whether any were left.
  const crashDir = join(tmp, 'tmp');
  mkdirSync(crashDir);
  const out = join(tmp, 'out');
  const r = spawnSync(process.execPath, [CLI, 'grade', join(tmp, 'grading.yaml'), '--submissions', ...Object.keys(subs).map((n) => join(tmp, 'subs', n)), '--out', out, '--quiet'], {
    encoding: 'utf8', timeout: TIMEOUT, maxBuffer: 64 << 20, env: { ...process.env, SOCKLAB_TOOLCHAIN: toolchain, TMPDIR: crashDir },
  });
  const results: Record<string, Gradescope> = {};
  for (const name of Object.keys(subs)) {
    const f = join(out, name, 'results.json');
    if (existsSync(f)) results[name] = JSON.parse(readFileSync(f, 'utf8')) as Gradescope;
  }
  return { status: r.status, results, stderr: r.stderr, tmpLeft: readdirSync(crashDir).filter((f) => /\.(c|sh)$/.test(f)) };
}

let native = false;
try {
  native = findToolchain('native').kind !== 'npm';
} catch {
  /* no native clang here: its half is skipped below */
}

describe.runIf(native)('compile limits, native clang', () => {
  const subs = { ...BOMBS, honest: { 'prog.c': HELLO } };
  let run: ReturnType<typeof gradeBatch>;
  beforeAll(() => void (run = gradeBatch('native', 2, subs)), TIMEOUT);

  it('the grader finishes and grades every submission', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(Object.keys(run.results).sort()).toEqual(Object.keys(subs).sort());
  });

  it.each([
    // The source check preprocesses first, under the same limits.
    // Time or the output bound, whichever a machine's speed reaches first.
    ['include-tree', /^prog\.c: preprocessing it (exceeded 2 s|wrote more than 64 MiB)$/m],
    ['macro-bomb', /^prog\.c: preprocessing it (exceeded 2 s|exceeded 1024 MiB of memory|wrote more than 64 MiB)$/m],
    ['giant-array', /^compile exceeded 1024 MiB of memory$/m],
  ])('%s: a build failure naming the limit, score 0', (name, reason) => {
    const r = run.results[name]!;
    expect(r.score).toBe(0);
    expect(r.output).toMatch(reason);
    expect(r.output).not.toMatch(/Stack dump|PLEASE submit/);
  });

  it('a compiler stopped at a limit leaves no crash reproducer behind', () => {
    expect(run.tmpLeft).toEqual([]);
  });

  it('the honest submission beside the bombs passes', () => {
    expect(run.results.honest!.score).toBe(1);
  });
}, TIMEOUT);

describe('compile limits, @yowasp/clang', () => {
  let run: ReturnType<typeof gradeBatch>;
  beforeAll(() => void (run = gradeBatch('npm', 3, BOMBS)), TIMEOUT);

  it('the grader finishes and grades every submission', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(Object.keys(run.results).sort()).toEqual(Object.keys(BOMBS).sort());
  });

  it.each([
    ['include-tree', /^compile exceeded 3 s$/m],
    ['giant-array', /^compile exceeded (1024 MiB of memory|3 s)$/m],
    ['macro-bomb', /^compile exceeded (1024 MiB of memory|3 s)$/m],
  ])('%s: a build failure naming the limit, score 0', (name, reason) => {
    const r = run.results[name]!;
    expect(r.score).toBe(0);
    expect(r.output).toMatch(reason);
  });
}, TIMEOUT);

// 2^30 instantiations of generic functions, 30 deep: asc's time and memory grow without end.
const AS_BOMB = [
  ...Array.from({ length: 30 }, (_, i) => `function g${i}<T>(x: T): i32 { return g${i + 1}<StaticArray<T>>([x]) + g${i + 1}<Array<T>>([x]); }`),
  'function g30<T>(x: T): i32 { return 1; }',
  'export function main(): i32 { return g0<i32>(1); }',
  'main();',
].join('\n');

describe('compile limits, AssemblyScript', () => {
  let run: ReturnType<typeof gradeBatch>;
  beforeAll(() => void (run = gradeBatch('npm', 2, { 'generic-bomb': { 'prog.ts': AS_BOMB } }, 'assemblyscript')), TIMEOUT);

  it('a generic instantiation bomb is a build failure naming the limit, score 0', () => {
    expect(run.status, run.stderr).toBe(0);
    const r = run.results['generic-bomb']!;
    expect(r.score).toBe(0);
    expect(r.output).toMatch(/^compile exceeded (2 s|1024 MiB of memory)$/m);
  });
}, TIMEOUT);

describe('runNative', () => {
  it("kills the compiler's whole process group at the time limit", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-runnative-'));
    const pidFile = join(dir, 'pid');
    // A driver that starts a child (as clang starts wasm-ld) and both spin.
    const r = await runNative('/bin/sh', ['-c', `sh -c 'while :; do :; done' & echo $! > ${pidFile}; while :; do :; done`], { seconds: 1, memoryMb: 256 });
    expect(r.stop).toEqual({ kind: 'time', message: 'compile exceeded 1 s' });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    // Gone, or a zombie waiting for its reaper: not running.
    const state = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] : 'gone';
    expect(['gone', 'Z', 'X']).toContain(state);
  });
});
