// Hostile submissions, graded together in one batch through the CLI: each
// gets a one-line reason, the others are graded as usual, and nothing of a
// host file outside the submission reaches a result.
// The secret is a file made here, in a temp dir: never a real host file.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

const CLI = join(ROOT, 'bin', 'socklab.js');
/** A bound, not a synchronisation: a submission that hangs the grader fails the test instead of the suite. */
const TIMEOUT = 300_000;

const SECRET = 'ADVERSARY-SECRET-7f3a';

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

interface Gradescope { score: number; output: string; tests: { name: string; score: number; output?: string }[] }

describe('hostile submissions, graded in one batch', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'socklab-adversary-'));
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

  it.each([
    ['include-abs', /prog\.c: includes .*secret\.h, which is outside the submission/],
    ['include-dotdot', /prog\.c: includes .*secret\.h, which is outside the submission/],
    ['include-system-dotdot', /prog\.c: includes .*secret\.h, which is outside the submission/],
    ['incbin', /prog\.c: inline assembly \(asm\) is not allowed in a submission/],
    ['asm-in-header', /evil\.h: inline assembly \(asm\) is not allowed in a submission/],
    ['linemarker', /prog\.c: #line and line markers not allowed in a submission/],
    ['embed', /prog\.c: #embed not allowed in a submission/],
  ])('%s: refused in one line, score 0', (name, reason) => {
    const r = results[name]!;
    expect(r.json.score).toBe(0);
    expect(r.json.output).toMatch(reason);
  });

  it('an honest submission beside them passes', () => {
    expect(results.honest!.json.score).toBe(1);
  });
});
