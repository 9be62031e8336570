// An instructor's second assignment, written from docs/grading.md alone
// (examples/grading/kv-server): seven typical submissions, most made from the
// model solution by the mistake students make, graded in batch mode. Each
// verdict, score and piece of feedback is what the student needs, hidden
// tests stay hidden, and a re-run gives the same results.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './helpers.js';

const SPEC = join(ROOT, 'examples', 'grading', 'kv-server', 'grading.yaml');
const MODEL = readFileSync(join(ROOT, 'examples', 'grading', 'kv-server', 'solution', 'kvserver.c'), 'utf8');

/** The model solution with one edit; the edit must apply. */
function edit(from: string, to: string): string {
  if (!MODEL.includes(from)) throw new Error(`not in the model solution: ${from}`);
  return MODEL.replace(from, to);
}

const ITERATIVE = `#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
static char *keys[64], *vals[64];
static int find(const char *k) { for (int i = 0; i < 64; i++) if (keys[i] && !strcmp(keys[i], k)) return i; return -1; }
int main(int argc, char **argv) {
  int n = atoi(argv[2]);
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])) };
  bind(ls, (struct sockaddr *)&a, sizeof a);
  listen(ls, 16);
  while (n-- > 0) {            /* one client after another: the next waits in the backlog */
    int c = accept(ls, NULL, NULL);
    FILE *in = fdopen(c, "r");
    char line[2048], out[2100];
    while (fgets(line, sizeof line, in)) {
      line[strcspn(line, "\\r\\n")] = 0;
      char *cmd = strtok(line, " "), *k = strtok(NULL, " "), *v = strtok(NULL, "");
      if (!cmd) continue;
      if (!strcmp(cmd, "QUIT")) { write(c, "BYE\\n", 4); break; }
      int i = k ? find(k) : -1;
      if (!strcmp(cmd, "SET") && v) { if (i < 0) for (i = 0; keys[i]; i++) {} keys[i] = strdup(k); vals[i] = strdup(v); strcpy(out, "OK\\n"); }
      else if (!strcmp(cmd, "GET")) { if (i < 0) strcpy(out, "NOT_FOUND\\n"); else snprintf(out, sizeof out, "VALUE %s\\n", vals[i]); }
      else if (!strcmp(cmd, "DEL")) { if (i < 0) strcpy(out, "NOT_FOUND\\n"); else { keys[i] = NULL; strcpy(out, "DELETED\\n"); } }
      else strcpy(out, "ERR unknown command\\n");
      write(c, out, strlen(out));
    }
    fclose(in);
  }
  close(ls);
  return 0;
}
`;

/** A child per client, as fork() servers are taught: each child has its own copy of the store. */
const FORKING = ITERATIVE.replace('#include <unistd.h>\n', '#include <unistd.h>\n#include <sys/wait.h>\n')
  .replace('    FILE *in = fdopen(c, "r");\n', '    if (fork() > 0) { close(c); continue; }\n    close(ls);\n    FILE *in = fdopen(c, "r");\n')
  .replace('    fclose(in);\n  }\n', '    fclose(in);\n    _exit(0);\n  }\n  while (wait(NULL) > 0) {}\n');

const SUBMISSIONS: Record<string, string> = {
  forking: FORKING,
  correct: MODEL,
  iterative: ITERATIVE,
  leaks_fds: edit('if (!open) { close(pfd[i].fd); pfd[i].fd = -1; left--; }', 'if (!open) { pfd[i].fd = -1; left--; }'),
  // A whole line copied into 128 bytes on the stack, and no limit on a line's length.
  long_line_crash: edit('static int handle(int fd, char *line) {\n', 'static int handle(int fd, char *raw) {\n  char line[128];\n  strcpy(line, raw);\n')
    .replace('#define LINE 1024', '#define LINE 8192')
    .replace('if (open && c->len == LINE) {', 'if (open && c->len == LINE && 0) {'),
  never_exits: edit('if (!open) { close(pfd[i].fd); pfd[i].fd = -1; left--; }', 'if (!open) { close(pfd[i].fd); pfd[i].fd = -1; }'),
  wrong_format: edit('reply(fd, "VALUE ");', 'reply(fd, "VALUE=");'),
  no_compile: edit('int left = atoi(argv[2]);', 'int left = atoi(argv[2])'),
};

interface GsTest { name: string; score: number; max_score: number; output?: string; visibility: string; extra_data: { verdict: string } }
interface Gs { score: number; output: string; tests: GsTest[] }

function grade(subs: string, out: string): void {
  const dirs = Object.keys(SUBMISSIONS).map((n) => join(subs, n));
  const g = spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), 'grade', SPEC, '--submissions', ...dirs, '--out', out], { encoding: 'utf8' });
  if (g.status !== 0) throw new Error(`grade exited ${g.status}: ${g.stderr}`);
}

describe('a key-value server assignment, six typical submissions', () => {
  let out: string;
  let again: string;
  const gs = (name: string, dir = out): Gs => JSON.parse(readFileSync(join(dir, name, 'results.json'), 'utf8')) as Gs;
  const test = (name: string, t: string): GsTest => gs(name).tests.find((x) => x.name === t)!;
  beforeAll(() => {
    const subs = tempDir('sl-instructor-subs-');
    for (const [name, src] of Object.entries(SUBMISSIONS)) {
      mkdirSync(join(subs, name));
      writeFileSync(join(subs, name, 'kvserver.c'), src);
    }
    out = tempDir('sl-instructor-');
    grade(subs, out);
    again = tempDir('sl-instructor-again-');
    grade(subs, again);
  }, 120_000);

  it('scores each submission for what it gets right, test by test', () => {
    const csv = readFileSync(join(out, 'scores.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('submission,score,max_score,complete,"one client: SET, GET, DEL, QUIT",two clients at once,the server listens before it accepts,a 5000-byte line,closes every connection');
    expect(csv.slice(1).sort()).toEqual([
      'correct,50,50,true,10,15,5,10,10',
      'forking,25,50,true,10,0,5,0,10',
      'iterative,25,50,true,10,0,5,0,10',
      'leaks_fds,40,50,true,10,15,5,10,0',
      'long_line_crash,40,50,true,10,15,5,0,10',
      'never_exits,5,50,true,0,0,5,0,0',
      'no_compile,0,50,true,0,0,0,0,0',
      'wrong_format,15,50,true,0,0,5,0,10',
    ]);
  });

  it('gives the same results on a re-run, timing fields aside', () => {
    const strip = (g: Gs): unknown => JSON.parse(JSON.stringify(g, (k, v: unknown) => (k === 'execution_time' ? undefined : v)));
    for (const name of Object.keys(SUBMISSIONS)) expect(strip(gs(name, again))).toEqual(strip(gs(name)));
  });

  it('shows an iterative server the second client it should have accepted, not a missing SO_REUSEADDR', () => {
    const t = test('iterative', 'two clients at once');
    expect(t.extra_data.verdict).toBe('wrong answer');
    expect(t.output).toContain('expected: ..."< VALUE 2\\n< BYE\\n"\n  got:      ..."< NOT_FOUND\\n< BYE\\n"');
    expect(t.output).toMatch(/> \[pid 1\] [\d.]+ read\(4<TCP:\[[^\]]*\]>, "GET b\\n"/);
    expect(t.output).toMatch(/the model solution's pid 1 made before that call:\n  \[pid 1\] [\d.]+ accept\(3<TCP:\[0\.0\.0\.0:7000\]>, NULL, NULL\) = 5</);
    expect(t.output).not.toContain('setsockopt');
  });

  it("shows a forking server's fork where the model solution served the client itself, its processes paired by who they are", () => {
    expect(FORKING).toContain('_exit(0);');
    const t = test('forking', 'two clients at once');
    expect(t.output).toContain('client2 (pid 4): stdout is not what was expected');
    expect(t.output).toMatch(/trace where the run first differs from the model solution's \(pid 1, socket call 5\):\n(?:  .*\n){4}> \[pid 1\] [\d.]+ clone\(.*\) = 3\n/);
    expect(t.output).toMatch(/the model solution's pid 1 made instead:\n  \[pid 1\] [\d.]+ read\(4<TCP:\[[^\]]*\]>, "SET a 1\\n"/);
    // client2 is pid 4 here and pid 3 in the model solution's run: compared with each other, not with the child.
    expect(t.output).toMatch(/pid 3: 9 only in this run, 0 only in the model solution's; pid 4: 1 only in this run, 1 only in the model solution's/);
  });

  it('names the accepted connections a leaking server never closed', () => {
    const t = test('leaks_fds', 'closes every connection');
    expect(t.extra_data.verdict).toBe('wrong answer');
    expect(t.visibility).toBe('after_due_date');
    expect(t.output).toContain('kvserver (pid 1): did not close 12 accepted connection(s):');
    expect(t.output).toMatch(/the model solution's pid 1 made instead:\n  \[pid 1\] [\d.]+ close\(6<TCP/);
  });

  it('reports a crash on a long line as a runtime error, with the read before it', () => {
    const t = test('long_line_crash', 'a 5000-byte line');
    expect(t.extra_data.verdict).toBe('runtime error');
    expect(t.output).toContain('kvserver (pid 1) was killed by SIGSEGV (wasm trap: memory access out of bounds), expected exit status 0');
    expect(t.output).toMatch(/> \[pid 1\] [\d.]+ read\(4<TCP:\[[^\]]*\]>, "SET big x+"\.\.\., 8192\) = 5009\n> \[pid 1\] [\d.]+ \+\+\+ killed by SIGSEGV \+\+\+/);
  });

  it('says where a server that never exits waits', () => {
    const t = test('never_exits', 'one client: SET, GET, DEL, QUIT');
    expect(t.extra_data.verdict).toBe('wrong answer');
    expect(t.output).toContain('deadlock: every process is waiting and nothing can wake them\n  pid 1 (kvserver) on host1 waits in poll');
    expect(t.output).toMatch(/the model solution's pid 1 made instead:\n  \[pid 1\] [\d.]+ close\(3<TCP:\[0\.0\.0\.0:7000\]>\) = 0/);
  });

  it('shows a wrong reply format where it first differs', () => {
    const t = test('wrong_format', 'one client: SET, GET, DEL, QUIT');
    expect(t.output).toContain('got:      ..."< VALUE=1\\n< NOT_FOUND');
    expect(t.output).toContain('first difference: line 2, column 8');
    // The server's writes have the model solution's lengths: its bytes are where it went wrong.
    expect(t.output).toMatch(/\(pid 1, socket call 8: the same call, other bytes\):\n(?:  .*\n){5}> \[pid 1\] [\d.]+ write\(4<TCP:\[[^\]]*\]>, "VALUE=", 6\) = 6\n/);
    expect(t.output).toMatch(/the model solution's pid 1 sent instead:\n  \[pid 1\] [\d.]+ write\(4<TCP:\[[^\]]*\]>, "VALUE ", 6\) = 6\nsends with other bytes in all: pid 1: 1\n/);
  });

  it("quotes the compiler's message once for a submission that does not compile", () => {
    const g = gs('no_compile');
    expect(g.output).toContain("kvserver.c:61:27: error: expected ';' at end of declaration");
    expect(g.tests.every((t) => t.extra_data.verdict === 'compile error' && t.score === 0)).toBe(true);
  });

  it('keeps hidden tests hidden outside Gradescope', () => {
    const pl = JSON.parse(readFileSync(join(out, 'iterative', 'prairielearn.json'), 'utf8')) as { tests: { name: string; output: string; message: string }[] };
    expect(pl.tests.map((t) => t.name)).toEqual(['one client: SET, GET, DEL, QUIT', 'two clients at once', 'the server listens before it accepts', 'hidden test 4', 'hidden test 5']);
    expect(pl.tests[3]).toMatchObject({ output: '', message: 'runtime error' });
    const junit = readFileSync(join(out, 'iterative', 'junit.xml'), 'utf8');
    expect(junit).not.toMatch(/5000|line too long|closes every/);
    // An instructor's --reveal shows it, the signal said once.
    expect(test('iterative', 'a 5000-byte line').output).toContain('kvserver (pid 1) was killed by SIGPIPE (wrote to a stream whose reading end is closed), expected exit status 0');
  });
});

describe("an instructor's mistakes in the spec, said with what to write instead", () => {
  it('names the field or value meant, on its own line, once', () => {
    const dir = tempDir('sl-instructor-spec-');
    cpSync(join(ROOT, 'examples', 'grading', 'kv-server', 'reference'), join(dir, 'reference'), { recursive: true });
    writeFileSync(join(dir, 'grading.yaml'), `version: 1
assignment: x
submission:
  programs:
    kvserver: { sources: [kvserver.c] }
reference:
  kv_client: { sources: [reference/kv_client.c] }
limits: { processes: 2 }
tests:
  - name: a
    point: 10
    visibility: hiden
    limits: { time: 10 sec, memory: 16 megs }
    processes:
      - { name: kvserver, program: kvserver, args: [7000, 1] }
    checks:
      - { stdout: 5 }
      - { stdout: { regex: "a", flag: m } }
      - { exit: 0, mesage: hi }
  - name: b
    points: 1
    processes:
      - { name: kvserver, reference: kvserver, args: [7000, 1] }
      - { name: "c{i}", program: kv_client, count: 3, args: [7000] }
    checks:
      - { exit: 0 }
`);
    const g = spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), 'grade', 'grading.yaml', '--check'], { encoding: 'utf8', cwd: dir });
    expect(g.status).toBe(2);
    expect(g.stderr).toBe([
      'socklab grade: invalid grading spec:',
      '  grading.yaml:11: /tests/0: unknown field "point" (did you mean points?)',
      '  grading.yaml:12: /tests/0/visibility: expected visible, hidden, after_due_date, after_published; got "hiden" (did you mean hidden?)',
      '  grading.yaml:13: /tests/0/limits/time: expected a duration (10, 2.5s, 500ms; a bare number is seconds), got "10 sec"',
      '  grading.yaml:13: /tests/0/limits/memory: expected a size (4096, 512K, 64M; a bare number is bytes), got "16 megs"',
      '  grading.yaml:17: /tests/0/checks/0/stdout: expected a string or a mapping, got 5',
      '  grading.yaml:18: /tests/0/checks/1/stdout: unknown field "flag" (did you mean flags?)',
      '  grading.yaml:19: /tests/0/checks/2: unknown field "mesage" (did you mean message?)',
      '',
    ].join('\n'));
    // Once the schema holds, what it cannot say.
    writeFileSync(join(dir, 'grading.yaml'), readFileSync(join(dir, 'grading.yaml'), 'utf8').split('  - name: a')[0] + '  - name: b' + readFileSync(join(dir, 'grading.yaml'), 'utf8').split('  - name: b')[1]!);
    const h = spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), 'grade', 'grading.yaml', '--check'], { encoding: 'utf8', cwd: dir });
    expect(h.stderr).toBe([
      'socklab grade: invalid grading spec:',
      '  grading.yaml:13: no reference program "kvserver" (reference: kv_client); kvserver is a submission program: write program: kvserver',
      '  grading.yaml:14: no submission program "kv_client" (programs: kvserver); kv_client is a reference program: write reference: kv_client',
      '  grading.yaml:13: 4 processes, more than the limit of 2 (limits.processes); give this test its own: limits: { processes: 4 }',
      '',
    ].join('\n'));
  });
});

describe('--check builds what the spec builds', () => {
  it('refuses a reference program or a model solution that does not compile, with the path as the spec names it', () => {
    const dir = tempDir('sl-instructor-check-');
    cpSync(join(ROOT, 'examples', 'grading', 'kv-server'), dir, { recursive: true });
    const check = () => spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), 'grade', 'grading.yaml', '--check'], { encoding: 'utf8', cwd: dir });
    expect(check()).toMatchObject({ status: 0, stdout: 'grading.yaml: 5 tests, 50 points\n', stderr: '' });
    writeFileSync(join(dir, 'solution', 'kvserver.c'), SUBMISSIONS.no_compile!);
    const sol = check();
    expect(sol.status).toBe(2);
    // Not /tmp/.../kvserver.c: the solution's path was cut out of the middle of the absolute one.
    expect(sol.stderr).toMatch(/^socklab grade: the model solution \(solution\/\) does not compile:\nkvserver\.c:61:27: error: expected ';' at end of declaration\n/);
    const client = readFileSync(join(dir, 'reference', 'kv_client.c'), 'utf8');
    writeFileSync(join(dir, 'reference', 'kv_client.c'), client.replace('#include <errno.h>\n', '#include <errno.h>\nint oops = ;\n'));
    const ref = check();
    expect(ref.status).toBe(2);
    expect(ref.stderr).toMatch(/^socklab grade: the reference program kv_client does not compile:\nreference\/kv_client\.c:8:12: error: expected expression\n/);
    expect(ref.stderr).not.toContain('clang failed');
  });
});

describe('a hand-in without the file the spec names', () => {
  it('says where the file is, or what the submission has, not clang\'s "no such file"', () => {
    const subs = tempDir('sl-instructor-handin-');
    mkdirSync(join(subs, 'misnamed'));
    writeFileSync(join(subs, 'misnamed', 'server.c'), MODEL);
    mkdirSync(join(subs, 'in_a_folder', 'kv'), { recursive: true });
    writeFileSync(join(subs, 'in_a_folder', 'kv', 'kvserver.c'), MODEL);
    const out = tempDir('sl-instructor-handin-out-');
    const g = spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), 'grade', SPEC, '--submissions', join(subs, 'misnamed'), join(subs, 'in_a_folder'), '--out', out], { encoding: 'utf8' });
    expect(g.status).toBe(0);
    const gs = (n: string): Gs => JSON.parse(readFileSync(join(out, n, 'results.json'), 'utf8')) as Gs;
    expect(gs('misnamed').output).toBe('Score: 0/50 (0 of 5 tests passed).\n\nkvserver.c could not be used, so no test could run (score 0):\n\nkvserver.c: not in the submission (it has server.c): the file must be named kvserver.c\n');
    expect(gs('in_a_folder').output).toContain('kvserver.c: not in the submission, but kv/kvserver.c is: hand it in as kvserver.c (at the top level, not in a folder)');
    expect(gs('in_a_folder').tests.map((t) => [t.extra_data.verdict, t.score, t.output])).toEqual(Array(5).fill(['compile error', 0, 'compile error\n\nnot run: kvserver.c could not be used']));
  });
});
