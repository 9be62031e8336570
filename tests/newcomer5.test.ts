// What a student's course programs meet, run through the command line as a
// newcomer runs them (newcomer5): the end-of-run paragraph counts the
// processes a forking server made, next to those socklab started; a program
// using POSIX semaphores builds and runs; `socklab run` alone says what goes
// there.
import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, tempDir } from './helpers.js';

const tmp = tempDir('socklab-newcomer5-');

describe('a forking server with --client', () => {
  it('the paragraph says how many processes were forked, and its memory lines count them all', async () => {
    const server = join(ROOT, 'examples/fork-echo/fork_echo_server.c');
    const client = join(ROOT, 'examples/tcp-echo/echo_client.c');
    const r = await runCli(['run', server, '--client', `${client} localhost 7000 hi{i}`, '--clients', '3', '--', '7000'], { cwd: tmp });
    expect(r.status, r.stderr).toBe(0);
    // The server and three clients started, one child forked per connection.
    expect(r.stderr).toMatch(/^socklab: 4 process\(es\) and 3 forked in [\d.]+ virtual ms, exit status 0$/m);
    const listed = r.stderr.split('\n').filter((l) => /^ {2}\S+ \(pid \d+\) on host1: /.test(l));
    expect(listed).toHaveLength(4);
    const linear = /memory: linear ([\d.]+) MiB in all, per process avg ([\d.]+) MiB/.exec(r.stderr);
    expect(linear).not.toBeNull();
    // 7 processes measured: the total over the average is 7, not the 4 listed.
    expect(Math.round(Number(linear![1]) / Number(linear![2]))).toBe(7);
  });

  it('a run without forks keeps the plain count', async () => {
    const server = join(ROOT, 'examples/tcp-echo/echo_server.c');
    const client = join(ROOT, 'examples/tcp-echo/echo_client.c');
    const r = await runCli(['run', server, '--client', `${client} localhost 7000 hi{i}`, '--clients', '2', '--', '7000'], { cwd: tmp });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^socklab: 3 process\(es\) in [\d.]+ virtual ms, exit status 0$/m);
  });
});

describe('a course program using POSIX semaphores', () => {
  it('builds and runs from the command line: sem_init, sem_wait and sem_post are the SDK\'s', async () => {
    const src = join(tmp, 'sem.c');
    writeFileSync(src, '#include <semaphore.h>\n#include <stdio.h>\nint main(void) { sem_t s; sem_init(&s, 1, 1); sem_wait(&s); int v; sem_getvalue(&s, &v); printf("value %d\\n", v); return sem_post(&s); }\n');
    const b = await runCli(['build', src, '-o', join(tmp, 'sem.wasm')], { cwd: tmp });
    expect(b.status, b.stderr).toBe(0);
    expect(existsSync(join(tmp, 'sem.wasm'))).toBe(true);
    const r = await runCli(['run', join(tmp, 'sem.wasm')], { cwd: tmp });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('value 0\n');
  });
});

describe('a command typed without its argument', () => {
  it('says what goes there, in one line, with status 2', async () => {
    const cases: [string[], string][] = [
      [['run'], "socklab run: missing required argument 'module' (usage: socklab run MODULE.wasm|SCENARIO.yaml [options] [-- ARGS...]; socklab run --help lists the options)"],
      [['diff', 'a.trace'], "socklab diff: missing required argument 'B' (usage: socklab diff [options] <A> <B>; socklab diff --help lists the options)"],
      [['view'], "socklab view: missing required argument 'TRACE.jsonl' (usage: socklab view [options] <TRACE.jsonl>; socklab view --help lists the options)"],
    ];
    for (const [args, line] of cases) {
      const r = await runCli(args, { cwd: tmp });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`${line}\n`);
    }
  });
});
