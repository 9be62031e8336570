// Compile bombs in a batch, with small compile limits: each bomb is a build
// failure that names the limit, the grader finishes, and the honest
// submission beside them is graded as usual. Once with the native clang (where
// the source check's preprocessing is limited too) and once with @yowasp/clang.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './helpers.js';
import { findToolchain } from '../host/toolchain/toolchains.js';
import { runNative } from '../host/toolchain/limited.js';
// The built module: its compiler child is the built yowasp-child.js beside it.
import { closeYowasp, runYowasp } from '../dist/host/toolchain/limited.js';

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

function gradeBatch(toolchain: 'native' | 'npm', seconds: number, subs: Record<string, Record<string, string>>, lang: 'c' | 'assemblyscript' = 'c', extra: string[] = [], env: Record<string, string> = {}): { status: number | null; results: Record<string, Gradescope>; stderr: string; tmpLeft: string[] } {
  const tmp = tempDir(`socklab-compile-limits-${toolchain}-`);
  writeFileSync(join(tmp, 'grading.yaml'), spec(seconds, lang));
  for (const [name, files] of Object.entries(subs)) {
    mkdirSync(join(tmp, 'subs', name), { recursive: true });
    for (const [f, c] of Object.entries(files)) writeFileSync(join(tmp, 'subs', name, f), c);
  }
  // Clang's crash reproducers would go to TMPDIR: one of its own shows whether any were left.
  const crashDir = join(tmp, 'tmp');
  mkdirSync(crashDir);
  const out = join(tmp, 'out');
  const r = spawnSync(process.execPath, [CLI, 'grade', join(tmp, 'grading.yaml'), '--submissions', ...Object.keys(subs).map((n) => join(tmp, 'subs', n)), '--out', out, '--quiet', ...extra], {
    encoding: 'utf8', timeout: TIMEOUT, maxBuffer: 64 << 20, env: { ...process.env, SOCKLAB_TOOLCHAIN: toolchain, TMPDIR: crashDir, ...env },
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

/**
 * Processes whose environment holds `mark` and that live on: not a zombie, no SIGKILL on its way (a child
 * whose parent-death signal the grader's exit sent may not have run to its end yet).
 */
function processesLiving(mark: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').includes(mark)) continue;
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const state = /^State:\s+(\S)/m.exec(status)![1]!;
      const pending = [/^SigPnd:\s+(\S+)/m, /^ShdPnd:\s+(\S+)/m].map((re) => BigInt(`0x${re.exec(status)![1]}`)).reduce((a, b) => a | b);
      if (state !== 'Z' && state !== 'X' && !(pending & (1n << 8n))) found.push(`${pid} ${state} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ')}`);
    } catch {
      /* gone, or not ours */
    }
  }
  return found;
}

describe('compile limits, @yowasp/clang: one lane, its compiler child across submissions', () => {
  // One lane: the bomb's compile kills the lane's child; the honest submissions after it get a fresh one.
  const subs = { a: { 'prog.c': HELLO }, b: BOMBS['include-tree']!, c: { 'prog.c': HELLO.replace('hello', 'hello') + '/* c */\n' } };
  const mark = `SOCKLAB_TEST_MARK=${process.pid}-${Date.now()}`;
  let run: ReturnType<typeof gradeBatch>;
  // 8 s, not 3: @yowasp/clang (clang in WebAssembly) needs ~1 s of CPU for hello, and on a loaded machine (CI's own
  // parallel test files) a 3 s wall-clock limit cut the honest submissions too.
  beforeAll(() => void (run = gradeBatch('npm', 8, subs, 'c', ['--jobs', '1'], { SOCKLAB_TEST_MARK: mark.split('=')[1]! })), TIMEOUT);

  it('the submission after a killed compile compiles and passes', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.results.a!.score).toBe(1);
    expect(run.results.b!.score).toBe(0);
    expect(run.results.b!.output).toMatch(/^compile exceeded 8 s$/m);
    expect(run.results.c!.score).toBe(1);
  });

  it('no compiler child outlives the grader', () => {
    // The grader has exited: nothing started with its environment runs on.
    expect(processesLiving(mark)).toEqual([]);
  });
}, TIMEOUT);

describe('runYowasp', () => {
  const limits = { seconds: 3, memoryMb: 1024 };
  const compile = (tree: Record<string, string>, src = '/src/x.c') => runYowasp('clang', ['--target=wasm32-wasip1', '-c', src, '-o', '/out/x.o'], tree, limits);

  it('runs jobs in one child, each on its own files', async () => {
    const first = await compile({ src: { 'x.c': 'int f(int x) { return x + 1; }\n', 'secret.h': '#define SECRET 42\n' } } as never);
    expect(first.error).toBeUndefined();
    expect(Object.keys((first.files as { out: object }).out)).toEqual(['x.o']);
    // The next job's tree has no secret.h: the first job's files are not there to be found.
    const second = await compile({ src: { 'x.c': '#include "secret.h"\nint g(void) { return SECRET; }\n' } } as never);
    expect(second.pid).toBe(first.pid);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/'secret.h' file not found/);
    expect(Object.keys(second.files ?? {})).not.toContain('out');
  }, TIMEOUT);

  it('a job killed at its time limit takes its child with it; the next job gets a fresh one', async () => {
    const before = await compile({ src: { 'x.c': 'int f(void) { return 1; }\n' } } as never);
    const bomb = await compile({ src: { 'x.c': BOMBS['include-tree']!['prog.c']!, 'self.h': BOMBS['include-tree']!['self.h']! } } as never);
    expect(bomb.stop).toEqual({ kind: 'time', message: 'compile exceeded 3 s' });
    expect(bomb.files).toBeUndefined();
    // Killed: gone, or a zombie waiting for its reaper.
    const state = existsSync(`/proc/${bomb.pid}/stat`) ? readFileSync(`/proc/${bomb.pid}/stat`, 'utf8').split(') ')[1]![0] : 'gone';
    expect(['gone', 'Z', 'X']).toContain(state);
    const after = await compile({ src: { 'x.c': 'int f(void) { return 2; }\n' } } as never);
    expect(bomb.pid).toBe(before.pid);
    expect(after.pid).not.toBe(bomb.pid);
    expect(Object.keys((after.files as { out: object }).out)).toEqual(['x.o']);
    closeYowasp();
  }, TIMEOUT);
});

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
    const dir = tempDir('socklab-runnative-');
    const pidFile = join(dir, 'pid');
    // A driver that starts a child (as clang starts wasm-ld) and both spin.
    const r = await runNative('/bin/sh', ['-c', `sh -c 'while :; do :; done' & echo $! > ${pidFile}; while :; do :; done`], { seconds: 1, memoryMb: 256 });
    expect(r.stop).toEqual({ kind: 'time', message: 'compile exceeded 1 s' });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    // Gone, a zombie waiting for its reaper, or (kill(2) returns before a process running on the other CPU has
    // died) still running with SIGKILL pending for its group.
    const read = (f: string): string | undefined => {
      try {
        return readFileSync(`/proc/${pid}/${f}`, 'utf8');
      } catch {
        return undefined;
      }
    };
    const state = read('stat')?.split(') ')[1]![0] ?? 'gone';
    if (['gone', 'Z', 'X'].includes(state)) return;
    const pending = /^ShdPnd:\s*([0-9a-f]+)$/m.exec(read('status') ?? '');
    if (pending === null) return; // gone meanwhile
    expect((BigInt(`0x${pending[1]}`) >> 8n) & 1n, `state ${state}, SIGKILL not pending`).toBe(1n);
  });
});
