// Hostile submissions, graded together in one batch through the CLI: each
// gets a one-line reason, the others are graded as usual, and nothing of a
// host file outside the submission reaches a result.
// The secret is a file made here, in a temp dir: never a real host file.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './helpers.js';
import { findToolchain } from '../host/toolchain/toolchains.js';

const CLI = join(ROOT, 'bin', 'socklab.js');
/** A bound, not a synchronisation: a submission that hangs the grader fails the test instead of the suite. */
const TIMEOUT = 300_000;

const SECRET = 'ADVERSARY-SECRET-7f3a';

/** The native clang, when there is one: the tricks are checked against it first. */
let native: string | undefined;
try {
  native = findToolchain('native').clang;
} catch {
  /* none here */
}

const SPEC = `version: 1
assignment: adversary
submission:
  programs:
    prog: { sources: [prog.c] }
limits: { time: 60s, memory: 16M, output: 64K, fds: 32, processes: 8, cpu: 200M }
tests:
  - name: says hello
    points: 1
    processes: [{ program: prog }]
    checks:
      - { stdout: "hello\\n" }
      - { exit: 0 }
`;

const HELLO = '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n';

/** Preprocessor lines true when `file` exists, however a macro spells the test. */
const PROBES: Record<string, (file: string) => string> = {
  'has-include': (f) => `__has_include("${f}")`,
  'has-include-system': (f) => `__has_include(<${'../'.repeat(12)}${f.slice(1)}>)`,
  'has-include-next': (f) => `__has_include_next("${f}")`,
  'has-include-macro': (f) => `PROBE("${f}")\n#define PROBE __has_include`,
  'has-include-pasted': (f) => `CAT(__has_, include)("${f}")\n#define CAT(a, b) a##b`,
};
/** A program that says hello when the probe finds nothing (the macros it uses are defined after the #if line, hoisted here). */
const probeSource = (probe: string): string => {
  const [test, ...defs] = probe.split('\n');
  return `${defs.join('\n')}\n#include <stdio.h>\n#if ${test}\nint main(void) { puts("found"); return 0; }\n#else\nint main(void) { puts("hello"); return 0; }\n#endif\n`;
};

interface Gradescope { score: number; output: string; tests: { name: string; score: number; output?: string }[] }

describe('hostile submissions, graded in one batch', () => {
  const tmp = tempDir('socklab-adversary-');
  const secretDir = join(tmp, 'secret');
  const secret = join(secretDir, 'secret.h');
  const subs: Record<string, Record<string, string>> = {};
  const results: Record<string, { json: Gradescope; text: string }> = {};
  let status: number | null = null;

  const attack = (name: string, files: Record<string, string>): void => void (subs[name] = files);
  // Compile time: the compiler must read nothing outside the submission and its own headers.
  attack('include-abs', { 'prog.c': `#include "${secret}"\n${HELLO}` });
  attack('include-dotdot', { 'prog.c': `#include "${'../'.repeat(12)}${secret.slice(1)}"\n${HELLO}` });
  attack('include-system-dotdot', { 'prog.c': `#define P <${'../'.repeat(12)}${secret.slice(1, -2)}.h>\n#include P\n${HELLO}` });
  attack('incbin', {
    'prog.c': `#include <stdio.h>\n#define DIR ".inc" "bin"\n__asm__(".section .rodata,\\"\\",@\\n.globl s\\ns:\\n" DIR " \\"${secret}\\"\\n.byte 0\\n");\nextern const char s[];\nint main(void) { puts(s); return 0; }\n`,
  });
  attack('asm-in-header', { 'prog.c': `#include "evil.h"\n${HELLO}`, 'evil.h': `void f(void) { __asm__ volatile(".include \\"${secret}\\""); }\n` });
  attack('linemarker', { 'prog.c': `#include <stdio.h>\n# 1 "/usr/include/stdio.h" 1\nvoid f(void) { asm(".incbin \\"${secret}\\""); }\n${HELLO}` });
  attack('embed', { 'prog.c': `static const char s[] = {\n#  /* hidden */ em\\\nbed "${secret}"\n, 0};\n${HELLO}` });
  // Probes of a host file's existence: each says hello only when the compiler cannot see the file (PROBES).
  for (const [name, probe] of Object.entries(PROBES)) attack(name, { 'prog.c': probeSource(probe(secret)) });
  attack('pragma-dependency', { 'prog.c': `#pragma GCC dependency "${secret}"\n${HELLO}` });
  // Link time: what the loader would refuse is said once, as the build's error.
  attack('import-unknown', { 'prog.c': '__attribute__((import_module("env"), import_name("evil"))) void evil(void);\nint main(void) { evil(); return 0; }\n' });
  attack('import-runtime', { 'prog.c': '__attribute__((import_module("socklab_rt"), import_name("fuel_exhausted"))) void fe(void);\nint main(void) { for (;;) fe(); }\n' });
  attack('module-too-large', { 'prog.c': 'static char big[40 << 20] = {1, 2, 3};\nint main(int c, char **v) { big[(40 << 20) - 1] = c; return big[c]; }\n' });
  // Run time: limits, each with its verdict.
  attack('exit-300', { 'prog.c': '#include <stdlib.h>\nint main(void) { exit(300); }\n' });
  attack('grow-max', { 'prog.c': 'int main(void) { return __builtin_wasm_memory_grow(0, 65535) < 0; }\n' });
  attack('fork-bomb', { 'prog.c': '#include <unistd.h>\nint main(void) { for (int i = 0; i < 100000; i++) fork(); return 0; }\n' });
  attack('fake-report', { 'prog.c': '#include <stdio.h>\nint main(void) { for (;;) puts("Score: 1/1 (1 of 1 tests passed)."); }\n' });
  attack('spin', { 'prog.c': 'int main(void) { volatile int x = 0; for (;;) x++; }\n' });
  attack('sleep-forever', { 'prog.c': '#include <unistd.h>\nint main(void) { for (;;) sleep(1000000); }\n' });
  attack('recursion', { 'prog.c': 'int f(volatile int x) { volatile char b[256]; b[0] = x; return f(x + 1) + b[0]; }\nint main(void) { return f(0); }\n' });
  attack('host-files', {
    'prog.c': `#include <fcntl.h>\n#include <stdio.h>\n#include <unistd.h>\nint main(void) {\n  char b[64];\n  symlink("${secret}", "/tmp/l");\n  const char *ps[] = {"${secret}", "${'../'.repeat(12)}${secret.slice(1)}", "/tmp/l", 0};\n  for (int i = 0; ps[i]; i++) { int fd = open(ps[i], O_RDONLY); if (fd >= 0 && read(fd, b, 63) > 0) { b[63] = 0; puts(b); } }\n  return link("${secret}", "/tmp/h") == 0;\n}\n`,
  });
  // Not attacks: asm in a string or a comment, and an include of the submission's own header.
  attack('honest', { 'prog.c': `#include "mine.h"\n/* asm("x") */\nconst char *w = "asm";\n${HELLO}`, 'mine.h': '#define MINE 1\n' });

  beforeAll(() => {
    mkdirSync(secretDir, { recursive: true });
    writeFileSync(secret, `${SECRET}\nroot:x:0:0\n`);
    writeFileSync(join(tmp, 'grading.yaml'), SPEC);
    for (const [name, files] of Object.entries(subs)) {
      mkdirSync(join(tmp, 'subs', name), { recursive: true });
      for (const [f, c] of Object.entries(files)) writeFileSync(join(tmp, 'subs', name, f), c);
    }
    symlinkSync(secret, join(tmp, 'subs', 'honest', 'x\nScore: 100 of 100 (all passed)'));
    const out = join(tmp, 'out');
    const r = spawnSync(process.execPath, [CLI, 'grade', join(tmp, 'grading.yaml'), '--submissions', ...Object.keys(subs).map((n) => join(tmp, 'subs', n)), '--out', out, '--quiet'], {
      encoding: 'utf8', timeout: TIMEOUT, maxBuffer: 64 << 20,
    });
    status = r.status;
    for (const name of Object.keys(subs)) {
      const f = join(out, name, 'results.json');
      if (existsSync(f)) {
        const text = readFileSync(f, 'utf8');
        results[name] = { text, json: JSON.parse(text) as Gradescope };
      }
    }
  }, TIMEOUT);

  it('the grader finishes and grades every submission', () => {
    expect(status).toBe(0);
    expect(Object.keys(results).sort()).toEqual(Object.keys(subs).sort());
  });

  it('no result quotes the secret file', () => {
    for (const { text } of Object.values(results)) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('root:x');
    }
  });

  // The compiler sees only the submission and its own headers: a host file outside is "not found", as a missing one is.
  it.each([
    ['include-abs', /prog\.c:1:10: fatal error: '\/.*\/secret\/secret\.h' file not found/],
    ['include-dotdot', /prog\.c:1:10: fatal error: '(\.\.\/)+.*\/secret\/secret\.h' file not found/],
    ['include-system-dotdot', /prog\.c:2:10: fatal error: '(\.\.\/)+.*\/secret\/secret\.h' file not found/],
    ['pragma-dependency', /prog\.c:1:24: fatal error: '\/.*\/secret\/secret\.h' file not found/],
  ])('%s: the host file is not found, score 0', (name, reason) => {
    const r = results[name]!;
    expect(r.json.score).toBe(0);
    expect(r.json.output).toMatch(reason);
  });

  it.each(Object.keys(PROBES))('%s: the probe finds no host file (the program says hello)', (name) => {
    expect(results[name]!.json.score).toBe(1);
  });

  it.runIf(native)('each probe does find the file when plain clang compiles it outside the grader', () => {
    for (const [name, probe] of Object.entries(PROBES)) {
      const f = join(tmp, `${name}.c`);
      writeFileSync(f, probeSource(probe(secret)));
      const r = spawnSync(native!, ['--target=wasm32-wasi', '-E', f], { encoding: 'utf8', cwd: tmp });
      expect(r.stdout, name).toContain('puts("found")');
    }
  });

  it.each([
    ['incbin', /prog\.c: inline assembly \(asm\) is not allowed in a submission/],
    ['asm-in-header', /evil\.h: inline assembly \(asm\) is not allowed in a submission/],
    ['linemarker', /prog\.c: #line and line markers not allowed in a submission/],
    ['embed', /prog\.c: #embed not allowed in a submission/],
  ])('%s: refused in one line, score 0', (name, reason) => {
    const r = results[name]!;
    expect(r.json.score).toBe(0);
    expect(r.json.output).toMatch(reason);
  });

  it.each([
    ['import-unknown', /prog\.wasm imports env\.evil, which socklab does not provide/],
    ['import-runtime', /prog\.wasm imports socklab_rt\.fuel_exhausted, which socklab does not provide/],
    ['module-too-large', /prog\.wasm is 40\.0 MiB; socklab prepares modules of at most 32\.0 MiB/],
  ])('%s: a build error in one line, every test "compile error"', (name, reason) => {
    const r = results[name]!;
    expect(r.json.score).toBe(0);
    expect(r.json.output).toMatch(reason);
    expect(r.text).toContain('"status": "failed"');
  });

  it.each([
    ['exit-300', /prog \(pid 1\) exited with 44, expected exit status 0/], // as Linux: the low 8 bits
    ['grow-max', /memory limit exceeded: the guest asked for 4097\.1 MiB, the limit is 16 MiB/],
    ['fork-bomb', /clone\(.*\) = -1 EAGAIN/],
    ['fake-report', /output limit exceeded: more than 64 KiB written to stdout\/stderr/],
    ['spin', /CPU limit exceeded: used more than 200000000 fuel units/],
    ['sleep-forever', /the run lasted more than 300 s of virtual time/],
    ['recursion', /killed by SIGSEGV/],
  ])('%s: fails its test with the reason', (name, reason) => {
    const r = results[name]!;
    expect(r.json.score).toBe(0);
    expect(r.json.tests[0]!.output).toMatch(reason);
  });

  it("the student's imitation of the grader's summary is quoted as its output, not taken for the grader's", () => {
    const r = results['fake-report']!;
    expect(r.json.output).toMatch(/^Score: 0\/1/);
    expect(r.json.tests[0]!.output).toMatch(/got: +"Score: 1\/1/);
  });

  it('host files are out of reach at run time: absolute, .., a symlink made in the guest, a hard link', () => {
    const r = results['host-files']!;
    expect(r.json.tests[0]!.output).toMatch(/exited with 0/);
    expect(r.text).not.toContain(SECRET);
  });

  it('an honest submission beside them passes', () => {
    expect(results.honest!.json.score).toBe(1);
  });

  it('a file name with a newline is quoted in the feedback, in one line', () => {
    const out = results.honest!.json.output;
    expect(out).toContain('"x\\nScore: 100 of 100 (all passed)": not a regular file (a symbolic link)');
    expect(out).not.toMatch(/^\s*Score: 100/m);
  });
});

// AssemblyScript: asc reads what an import names (a relative or absolute path, a package in any
// node_modules above the file) and quotes a file's lines in its diagnostics. A submission's build reads
// only the submission and the toolchain's own files; its asconfig.json is not read (the grader's is).
describe('hostile AssemblyScript submissions', () => {
  const tmp = tempDir('socklab-adversary-as-');
  // .ts files outside the submission, each with a line asc would quote when it fails to compile.
  const leak = `export const leak: i32 = ${SECRET.replace(/-/g, '_')};\n`;
  const subs: Record<string, Record<string, string>> = {
    'import-dotdot': { 'prog.ts': `import { leak } from "${'../'.repeat(12)}${tmp.slice(1)}/secret/leak";\nexport function main(): i32 { return leak; }\n` },
    'import-abs': { 'prog.ts': `import { leak } from "${join(tmp, 'secret', 'leak')}";\nexport function main(): i32 { return leak; }\n` },
    'import-package': { 'prog.ts': 'import { leak } from "hostpkg";\nexport function main(): i32 { return leak; }\n' },
    'asconfig-entries': {
      'prog.ts': 'import { println } from "socklab";\nprintln("hello");\n',
      'asconfig.json': JSON.stringify({ entries: [join(tmp, 'secret', 'leak.ts')], options: { transform: ['./evil.js'], lib: [join(tmp, 'secret')] } }),
      'evil.js': `require("fs").writeFileSync(${JSON.stringify(join(tmp, 'transform-ran'))}, "x");\nmodule.exports = class {};\n`,
    },
  };
  const results: Record<string, Gradescope> = {};
  let status: number | null = null;

  beforeAll(() => {
    mkdirSync(join(tmp, 'secret'), { recursive: true });
    writeFileSync(join(tmp, 'secret', 'leak.ts'), leak);
    // A package where asc looks for one: in node_modules of the grader's working directory and above.
    mkdirSync(join(tmp, 'node_modules', 'hostpkg'), { recursive: true });
    writeFileSync(join(tmp, 'node_modules', 'hostpkg', 'index.ts'), leak);
    writeFileSync(join(tmp, 'grading.yaml'), SPEC.replace('programs:', 'language: assemblyscript\n  programs:').replace('prog.c', 'prog.ts'));
    for (const [name, files] of Object.entries(subs)) {
      mkdirSync(join(tmp, 'subs', name), { recursive: true });
      for (const [f, c] of Object.entries(files)) writeFileSync(join(tmp, 'subs', name, f), c);
    }
    const r = spawnSync(process.execPath, [CLI, 'grade', join(tmp, 'grading.yaml'), '--submissions', ...Object.keys(subs).map((n) => join(tmp, 'subs', n)), '--out', join(tmp, 'out'), '--quiet'], {
      encoding: 'utf8', timeout: TIMEOUT, maxBuffer: 64 << 20, cwd: tmp,
    });
    status = r.status;
    for (const name of Object.keys(subs)) {
      const f = join(tmp, 'out', name, 'results.json');
      if (existsSync(f)) results[name] = JSON.parse(readFileSync(f, 'utf8')) as Gradescope;
    }
  }, TIMEOUT);

  it('the grader finishes and grades every submission', () => {
    expect(status).toBe(0);
    expect(Object.keys(results).sort()).toEqual(Object.keys(subs).sort());
  });

  it.each([
    ['import-dotdot', /File '.*secret\/leak\.ts' not found/],
    ['import-abs', /File '.*secret\/leak\.ts' not found/],
    ['import-package', /File '~lib\/hostpkg\.ts' not found/],
  ])('%s: the host file is not found, and not quoted', (name, reason) => {
    const r = results[name]!;
    expect(r.score).toBe(0);
    expect(r.output).toMatch(reason);
    expect(JSON.stringify(r)).not.toContain(SECRET.replace(/-/g, '_'));
  });

  it("the submission's asconfig.json is not read: no entries, lib or transform of its own", () => {
    expect(results['asconfig-entries']!.score).toBe(1);
    expect(existsSync(join(tmp, 'transform-ran'))).toBe(false);
  });
});
