// Security issue #11: files whose path a student, a guest or a user chose.
// A submission's symlink must not leak host files into feedback; the file
// check must not follow a symlink the student's program planted; FIFOs and
// devices named as inputs must not hang or exhaust the grader; a missing
// submission directory is a usage error. Every case runs the CLI.
// Symlinks and FIFOs are made here, in a temp dir, never committed.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './helpers.js';

const CLI = join(ROOT, 'bin', 'socklab.js');
/** A bound, not a synchronisation: an input that hangs the CLI fails the test instead of the suite. */
const TIMEOUT = 120_000;

function socklab(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: TIMEOUT, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** The student's program: writes /out/result.txt, or plants a symlink there, or writes a big file. */
const PROG = `#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc > 2 && strcmp(argv[1], "symlink") == 0) {
    if (symlink(argv[2], "/out/result.txt") != 0) { perror("symlink"); return 1; }
    return 0;
  }
  FILE *f = fopen("/out/result.txt", "w");
  if (!f) { perror("fopen"); return 1; }
  if (argc > 1 && strcmp(argv[1], "big") == 0) {
    static char buf[65536];
    memset(buf, 'x', sizeof buf);
    for (int i = 0; i < 80; i++) fwrite(buf, 1, sizeof buf, f);
  } else fputs("ok\\n", f);
  fclose(f);
  return 0;
}
`;

const SECRET = 'SECRET-HIDDEN-TEST-do-not-show';

const SPEC = `version: 1
assignment: userfiles
submission:
  programs:
    prog: { sources: [prog.c] }
include: [hidden.yaml]
tests:
  - name: writes its result
    points: 1
    files_dir: /out
    processes: [{ program: prog }]
    checks:
      - { file: /out/result.txt, contents: "ok\\n" }
`;

const HIDDEN = `tests:
  - name: "${SECRET}"
    points: 1
    visibility: hidden
    files_dir: /out
    processes: [{ program: prog, args: [symlink, /etc/passwd] }]
    checks:
      - { file: /out/result.txt, contents: { contains: "${SECRET}" } }
  - name: plants /dev/zero
    points: 1
    files_dir: /out
    processes: [{ program: prog, args: [symlink, /dev/zero] }]
    checks:
      - { file: /out/result.txt, contents: "ok\\n" }
  - name: writes a big file
    points: 1
    files_dir: /out
    processes: [{ program: prog, args: [big] }]
    checks:
      - { file: /out/result.txt, contents: { contains: "x" } }
`;

interface Gradescope { score: number; output: string; tests: { name: string; score: number; output?: string }[] }

describe('files a student, a guest or a user names', () => {
  const tmp = tempDir('socklab-userfiles-');
  const specDir = join(tmp, 'spec');
  const spec = join(specDir, 'grading.yaml');
  const sub = (name: string, files: Record<string, string | ((p: string) => void)>): string => {
    const dir = join(tmp, 'subs', name);
    mkdirSync(dir, { recursive: true });
    for (const [f, c] of Object.entries(files)) {
      if (typeof c === 'string') writeFileSync(join(dir, f), c);
      else c(join(dir, f));
    }
    return dir;
  };
  const grade = (dir: string, ...more: string[]): { status: number | null; stderr: string; out: string; results?: Gradescope; text: string } => {
    const out = join(tmp, 'out', `${dir.split('/').pop()}-${more.join('')}`.replace(/[^\w-]/g, '_'));
    const r = socklab(['grade', spec, '--submission', dir, '--out', out, '--show-hidden', '--quiet', ...more]);
    const file = join(out, 'results.json');
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    return { status: r.status, stderr: r.stderr, out, text, ...(text ? { results: JSON.parse(text) as Gradescope } : {}) };
  };

  beforeAll(() => {
    mkdirSync(specDir, { recursive: true });
    writeFileSync(spec, SPEC);
    writeFileSync(join(specDir, 'hidden.yaml'), HIDDEN);
  });

  describe('submissions are copied; only regular files and directories', () => {
    it('a source symlinked to /etc/passwd is refused, and nothing of the target reaches the feedback', () => {
      const r = grade(sub('passwd', { 'prog.c': (p) => symlinkSync('/etc/passwd', p) }));
      expect(r.status).toBe(0);
      expect(r.text).not.toMatch(/root:/);
      expect(r.results!.score).toBe(0);
      expect(r.results!.output).toMatch(/prog\.c: not a regular file \(a symbolic link\)/);
    });

    it("a source symlinked to the spec's hidden tests is refused", () => {
      const r = grade(sub('hidden', { 'prog.c': (p) => symlinkSync(join(specDir, 'hidden.yaml'), p) }), '--only', 'writes its result');
      expect(r.status).toBe(0);
      expect(r.text).not.toContain(SECRET);
      expect(r.text).not.toContain('visibility: hidden');
      expect(r.results!.output).toMatch(/prog\.c: not a regular file \(a symbolic link\)/);
    });

    it('a FIFO as the source does not hang the grader', () => {
      const r = grade(sub('fifo', { 'prog.c': mkfifo }));
      expect(r.status).toBe(0);
      expect(r.results!.output).toMatch(/prog\.c: not a regular file \(a FIFO\)/);
    });

    it('files past the size limit are left out, with a message; the rest is graded', () => {
      const r = grade(sub('bigfile', { 'prog.c': PROG, 'core.dump': 'x'.repeat(5 << 20) }), '--only', 'writes its result');
      expect(r.status).toBe(0);
      expect(r.results!.output).toMatch(/core\.dump: larger than 4 MiB/);
      expect(r.results!.score).toBe(1);
    });
  });

  describe("the file check reads what the guest left, never through a host symlink", () => {
    let r: ReturnType<typeof grade>;
    beforeAll(() => {
      r = grade(sub('planter', { 'prog.c': PROG }));
    });

    it('grades the ordinary file', () => {
      expect(r.status).toBe(0);
      expect(r.results!.tests.find((t) => t.name === 'writes its result')!.score).toBe(1);
    });

    it('a planted symlink to /etc/passwd is "not a regular file", and /etc/passwd is not quoted', () => {
      expect(r.text).not.toMatch(/root:/);
      const t = r.results!.tests.find((x) => x.name === SECRET)!;
      expect(t.score).toBe(0);
      expect(t.output).toMatch(/\/out\/result\.txt: not a regular file \(a symbolic link\)/);
    });

    it('a planted symlink to /dev/zero is refused the same way', () => {
      const t = r.results!.tests.find((x) => x.name === 'plants /dev/zero')!;
      expect(t.output).toMatch(/\/out\/result\.txt: not a regular file \(a symbolic link\)/);
    });

    it('a file larger than the limit fails its check without being read whole', () => {
      const t = r.results!.tests.find((x) => x.name === 'writes a big file')!;
      expect(t.score).toBe(0);
      expect(t.output).toMatch(/\/out\/result\.txt: larger than 4 MiB/);
    });
  });

  describe('missing submissions are usage errors', () => {
    it('--submission DIR that does not exist: exit 2, no results', () => {
      const out = join(tmp, 'out', 'missing');
      const r = socklab(['grade', spec, '--submission', join(tmp, 'no-such-dir'), '--out', out]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/socklab grade: --submission .*no-such-dir: no such directory/);
      expect(existsSync(out)).toBe(false);
    });

    it('--submissions with one missing directory: exit 2, nothing graded', () => {
      const out = join(tmp, 'out', 'missing-batch');
      const ok = sub('present', { 'prog.c': PROG });
      const r = socklab(['grade', spec, '--submissions', ok, join(tmp, 'gone'), '--out', out]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/socklab grade: --submissions .*gone: no such directory/);
      expect(existsSync(out)).toBe(false);
    });

    it('a file given as the submission directory: exit 2', () => {
      const f = join(tmp, 'a-file');
      writeFileSync(f, 'x');
      const r = socklab(['grade', spec, '--submission', f, '--out', join(tmp, 'out', 'afile')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/a-file: not a directory/);
    });
  });

  describe('specs, scenarios and modules: regular files, bounded', () => {
    it('a spec that is a FIFO, or a symlink to /dev/zero, is refused at once', () => {
      const fifo = join(tmp, 'fifo.yaml');
      mkfifo(fifo);
      let r = socklab(['grade', fifo, '--check']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/fifo\.yaml: not a regular file \(a FIFO\)/);
      const zero = join(tmp, 'zero.yaml');
      symlinkSync('/dev/zero', zero);
      r = socklab(['grade', zero, '--check']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/zero\.yaml: not a regular file \(a character device\)/);
    });

    it('an included tests file that is /dev/zero is refused', () => {
      const dir = join(tmp, 'inc-zero');
      mkdirSync(dir);
      writeFileSync(join(dir, 'grading.yaml'), SPEC);
      symlinkSync('/dev/zero', join(dir, 'hidden.yaml'));
      const r = socklab(['grade', join(dir, 'grading.yaml'), '--check']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/hidden\.yaml: not a regular file \(a character device\)/);
    });

    it('a spec larger than 4 MiB is refused', () => {
      const big = join(tmp, 'big.yaml');
      writeFileSync(big, `# ${'x'.repeat(5 << 20)}\n${SPEC}`);
      const r = socklab(['grade', big, '--check']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/big\.yaml: larger than 4 MiB/);
    });

    it('socklab run /dev/zero, or a FIFO, is refused at once', () => {
      // Exit 2, as for any module refused before it runs.
      let r = socklab(['run', '/dev/zero']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/\/dev\/zero: not a regular file \(a character device\)/);
      const fifo = join(tmp, 'fifo.wasm');
      mkfifo(fifo);
      r = socklab(['run', fifo]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/fifo\.wasm: not a regular file \(a FIFO\)/);
    });

    it('a scenario file symlinked to /dev/zero is refused', () => {
      const f = join(tmp, 'scenario.yaml');
      symlinkSync('/dev/zero', f);
      const r = socklab(['run', f]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/scenario\.yaml: not a regular file \(a character device\)/);
    });

    it('socklab build with a FIFO as its source is refused at once', () => {
      const fifo = join(tmp, 'fifo.c');
      mkfifo(fifo);
      const r = socklab(['build', fifo, '-o', join(tmp, 'fifo-out.wasm')]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/fifo\.c: not a regular file \(a FIFO\)/);
    });
  });
});
