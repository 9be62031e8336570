// The command line as a newcomer meets it: what people type first (--version,
// help piped into head), and the usual mistakes (an output file in a missing
// directory, a source that is not there) answered with one line naming the
// problem, a sensible exit status, no stack trace.
import { describe, expect, it } from 'vitest';
import { mkdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type CliResult, guest, oneLine, ROOT, runCli, tempDir } from './helpers.js';

const tmp = tempDir('socklab-newcomer-');
const HELLO = guest('examples_hello');

function socklab(args: string[], cwd = tmp): Promise<CliResult> {
  return runCli(args, { cwd });
}


/** Runs `socklab ARGS` with its stdout closed before it writes: `socklab ARGS | head -0`. */
function closedStdout(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin', 'socklab.js'), ...args], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.destroy();
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout: '', stderr }));
  });
}

describe('what a newcomer types first', () => {
  it('socklab --version and -V print the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await socklab([flag]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(`socklab ${version}\n`);
    }
    expect((await socklab(['--help'])).stdout).toContain('--version');
  });

  it('help into a reader that went away (socklab --help | head) ends quietly with 141, as SIGPIPE', async () => {
    for (const args of [['--help'], ['run', '--help'], ['grade', '--help']]) {
      const r = await closedStdout(args);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(141);
    }
  });
});

describe('output files that cannot be written are refused before the guest runs', () => {
  it.each([
    ['--trace', 'x.trace'],
    ['--pcap', 'x.pcap'],
    ['--report', 'x.html'],
  ])('%s in a missing directory: one line, status 2, nothing ran', async (opt, file) => {
    const r = await socklab(['run', HELLO, `${opt}=no-such-dir/${file}`]);
    expect(r.status).toBe(2);
    oneLine(r, `socklab run: ${opt}: cannot write no-such-dir/${file}: no directory no-such-dir`);
    expect(r.stdout).toBe(''); // the guest did not run first
  });

  it('--trace naming a directory says to give a file name; --trace-ff takes FILE as a prefix', async () => {
    mkdirSync(join(tmp, 'traces'), { recursive: true });
    const r = await socklab(['run', HELLO, '--trace=traces']);
    expect(r.status).toBe(2);
    oneLine(r, '--trace: cannot write traces: it is a directory', '--trace=traces/run.trace');
    const ff = await socklab(['run', HELLO, '--trace-ff', '--trace=traces/t']);
    expect(ff.status, ff.stderr).toBe(0);
    expect(existsSync(join(tmp, 'traces', 't.1'))).toBe(true);
  });

  it("a file Node cannot open is named in socklab's words, not Node's", async () => {
    // /proc takes no new files, even for root: the check passes, the open fails.
    const r = await socklab(['run', HELLO, '--trace=/proc/socklab.trace']);
    expect(r.status).toBe(1);
    oneLine(r, 'socklab run: cannot open /proc/socklab.trace: no such file or directory');
  });
});

describe('a source that is not there', () => {
  it('socklab build missing.c says so (it printed nothing, status 1)', async () => {
    const r = await socklab(['build', 'missing.c', '-o', 'x.wasm']);
    expect(r.status).toBe(2);
    oneLine(r, 'socklab build: cannot read missing.c: no such file');
  });

  it('socklab build missing.ts says so, with the prefix', async () => {
    const r = await socklab(['build', 'missing.ts', '-o', 'x.wasm']);
    expect(r.status).toBe(2);
    oneLine(r, 'socklab build: cannot read missing.ts: no such file');
  });

  it('socklab run missing.yaml says why it cannot read it (it said only "cannot read the scenario file")', async () => {
    const r = await socklab(['run', 'demo.yaml']);
    expect(r.status).toBe(2);
    oneLine(r, 'socklab run: demo.yaml: cannot read the scenario file: no such file');
  });

  it('socklab run missing.c has the status of run missing.wasm (2)', async () => {
    const c = await socklab(['run', 'missing.c']);
    const w = await socklab(['run', 'missing.wasm']);
    expect(w.status).toBe(2);
    expect(c.status).toBe(2);
    oneLine(c, 'missing.c: no such file');
    oneLine(w, 'missing.wasm: no such file');
  });
});

describe('Ctrl-C', () => {
  it('SIGINT to a running server kills it as a terminal\'s Ctrl-C does: 130, one line, the trace and pcap kept and ended as strace ends them', async () => {
    const trace = join(tmp, 'sigint.trace');
    const pcap = join(tmp, 'sigint.pcap');
    const p = spawn(process.execPath, [join(ROOT, 'bin', 'socklab.js'), 'run', guest('examples_echo_server'), `--trace=${trace}`, `--pcap=${pcap}`, '--publish', '0:host1:7000', '--', '7000'], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // The server waits in accept() for ever (a published port can always bring a client, so this is no
    // deadlock): Ctrl-C once it says it listens.
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('listening')) p.kill('SIGINT');
    });
    const status = await new Promise<number | null>((resolve) => p.on('close', resolve));
    expect(status).toBe(130);
    expect(stderr).toMatch(/^socklab: published host1:7000 on 127\.0\.0\.1:\d+\nsocklab: examples_echo_server\.wasm \(pid 1\) killed by SIGINT\n$/);
    const text = readFileSync(trace, 'utf8');
    expect(text).toMatch(/listen\(3<TCPv6:\[\[::\]:7000\]>, 16\) = 0/);
    // The wait it was in, then the signal and the end, as `strace -f` shows a Ctrl-C'd server.
    expect(text).toMatch(/poll\(\[\{fd=3<TCPv6:\[\[::\]:7000\]>, events=POLLIN\}\], 1, -1\) = \? ERESTART_RESTARTBLOCK \(Interrupted by signal\).*\n.*--- SIGINT \{si_signo=SIGINT, si_code=SI_KERNEL\} ---\n.*\+\+\+ killed by SIGINT \+\+\+\n$/);
    expect(readFileSync(pcap).length).toBeGreaterThanOrEqual(24); // the pcap file header at least
  });

  it('socklab demo | head ends at the reader, without the summary', async () => {
    const r = await closedStdout(['demo']);
    expect(r.status).toBe(141);
    expect(r.stderr).not.toContain('exit status');
    expect(r.stderr).not.toContain('socket calls of that run');
  });
});

describe('a scenario file with mistakes', () => {
  const scenario = (name: string, text: string): string => {
    writeFileSync(join(tmp, name), text);
    return name;
  };

  it('names the line and says what a value should be, once per mistake (not the schema\'s regular expressions)', async () => {
    const f = scenario('bad.yaml', [
      'version: 1',
      'limits: { max_memory: lots }',
      'hosts:',
      '  - name: a',
      '    ipv4: [10.0.0.300]',
      'links:',
      '  - between: [a, a]',
      '    bandwidth: fast',
      '    losss: 0.1',
      'processes:',
      `  - module: ${HELLO}`,
      '    host: a',
      '    start: soon',
      '',
    ].join('\n'));
    const r = await socklab(['run', f]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe([
      'socklab run: invalid scenario:',
      '  bad.yaml:2: /limits/max_memory: expected a size (4096, 512K, 64M; a bare number is bytes), got "lots"',
      '  bad.yaml:5: /hosts/0/ipv4/0: expected an IPv4 address, optionally with a prefix length (10.0.0.1, 10.0.0.1/24), got "10.0.0.300"',
      '  bad.yaml:7: /links/0: unknown field "losss"',
      '  bad.yaml:8: /links/0/bandwidth: expected a bandwidth (100Mbit/s, 512kbit/s), got "fast"',
      '  bad.yaml:13: /processes/0/start: expected a duration (10, 2.5s, 500ms; a bare number is seconds), got "soon"',
      '',
    ].join('\n'));
  });

  it('a YAML syntax error is one line with line and column; an empty file says it is empty', async () => {
    const tab = await socklab(['run', scenario('tab.yaml', `version: 1\nprocesses:\n  - module: ${HELLO}\n\targs: [1]\n`)]);
    expect(tab.status).toBe(2);
    oneLine(tab, 'socklab run: tab.yaml:4:1: Tabs are not allowed as indentation');
    const empty = await socklab(['run', scenario('empty.yaml', '')]);
    expect(empty.status).toBe(2);
    oneLine(empty, 'socklab run: empty.yaml: the scenario file is empty');
  });
});

describe('the --client one-liner', () => {
  it('reports the server stopped as expected once, in the end-of-run paragraph, not also as a problem line', async () => {
    const r = await socklab(['run', guest('examples_echo_server'), '--client', `${guest('examples_echo_client')} localhost 7000 hi{i}`, '--clients', '2', '--', '7000']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('echoed: hi2');
    expect(r.stderr.match(/still running, as expected/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/^ {2}examples_echo_server\.wasm \(pid 1\) on host1: still running, as expected/m);
  });
});

describe('help and --net=real flags', () => {
  it('socklab help NOSUCH says it is no command (it printed the whole help)', async () => {
    const r = await socklab(['help', 'rn']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    oneLine(r, "socklab: unknown command 'rn' (Did you mean run?)", 'socklab --help');
  });

  it('a bad --allow-connect/--allow-listen pattern names its flag and shows the form', async () => {
    const c = await socklab(['run', HELLO, '--net=real', '--allow-listen', '127.0.0.1:8080', '--allow-connect', 'nonsense']);
    expect(c.status).toBe(2);
    oneLine(c, 'socklab run: --allow-connect: "nonsense"', 'expected HOST:PORT');
    const l = await socklab(['run', HELLO, '--net=real', '--allow-listen', '127.0.0.1:99999']);
    expect(l.status).toBe(2);
    oneLine(l, 'socklab run: --allow-listen: ', '"127.0.0.1:99999"', 'expected HOST:PORT');
  });
});

describe('what strace and wasmtime users type', () => {
  it('socklab prog.wasm (as wasmtime prog.wasm) says which command runs it', async () => {
    const r = await socklab(['hello.wasm']);
    expect(r.status).toBe(2);
    oneLine(r, "socklab: unknown command 'hello.wasm': to run it, socklab run hello.wasm");
  });

  it.each([
    [['-f', '-e', 'trace=connect'], "unknown option '-f' (every process is traced already"],
    [['-e', 'trace=connect'], "unknown option '-e' (strace's -e trace=SET is --trace-only SET here"],
    [['-o', 'x.trace'], "unknown option '-o' (strace's -o FILE is --trace=FILE here)"],
    [['-c'], "unknown option '-c' (strace's -c is --summary-only here)"],
    [['-C'], "unknown option '-C' (strace's -C is --summary here)"],
  ])('strace flags before the module (%j) get the socklab name', async (flags, text) => {
    const r = await socklab(['run', ...flags, HELLO]);
    expect(r.status).toBe(2);
    oneLine(r, `socklab run: ${text}`);
  });

  it("an option after the module is the guest's: the message says to put it after --, and -- works", async () => {
    const r = await socklab(['run', HELLO, 'a', '-x']);
    expect(r.status).toBe(2);
    oneLine(r, "socklab run: unknown option '-x' (the guest's own options go after --: socklab run MODULE [options] -- ARGS)");
    const ok = await socklab(['run', HELLO, '--', 'a', '-x']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('argv[2] = -x');
  });
});

describe('--trace takes an optional value', () => {
  it('socklab run --trace prog.wasm never writes the trace over the module, and says how to write it', async () => {
    const mod = join(tmp, 'mine.wasm');
    writeFileSync(mod, readFileSync(HELLO));
    const size = readFileSync(mod).length;
    const alone = await socklab(['run', '--trace', 'mine.wasm']);
    expect(alone.status).toBe(2);
    oneLine(alone, "socklab run: missing required argument 'module' (--trace took mine.wasm as its FILE: write --trace= for stderr");
    for (const rest of [['--', 'a'], [HELLO]]) {
      const r = await socklab(['run', '--trace', 'mine.wasm', ...rest]);
      expect(r.status).toBe(2);
      oneLine(r, 'socklab run: --trace: cannot write mine.wasm: that is a module or a source, not a trace file (write --trace=FILE, or --trace= for stderr)');
      expect(readFileSync(mod).length).toBe(size);
    }
  });
});

describe('socklab diff of files that are not traces', () => {
  it('refuses a module or a source (they "did the same calls", status 0) and a broken JSONL line', async () => {
    writeFileSync(join(tmp, 'src.c'), 'int main(void) { return 0; }\n');
    writeFileSync(join(tmp, 'broken.jsonl'), '{"pid": 1, "call":\n');
    for (const [x, y] of [[HELLO, 'src.c'], ['broken.jsonl', 'src.c']]) {
      const r = await socklab(['diff', x!, y!]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      oneLine(r, 'socklab diff: ', 'is not a trace (no strace-style or JSONL call lines)');
    }
  });
});

describe('socklab diff of a text and a JSONL trace of one run', () => {
  it.each([
    // Failed calls (-1 ECHILD (No child processes)), a service stopped in accept (ERESTARTSYS, --- SIGTERM ---).
    ['a forking server and its clients', [guest('examples_fork_echo_server'), '--client', `${guest('examples_echo_client')} localhost 7000 hi{i}`, '--clients', '2', '--', '7000']],
    // Handlers (rt_sigreturn, text only) and a child killed in pause() (pause( <unfinished ...>, never resumed).
    ['signal handlers', [guest('diff_sig_basic')]],
  ])('%s: the same calls, status 0 (the errno texts, signal lines and rt_sigreturn made them differ)', async (_, args) => {
    const text = join(tmp, 'same.trace');
    const jsonl = join(tmp, 'same.jsonl');
    expect((await socklab(['run', `--trace=${text}`, ...args])).status).toBe(0);
    expect((await socklab(['run', '--trace-format', 'jsonl', `--trace=${jsonl}`, ...args])).status).toBe(0);
    expect(readFileSync(text, 'utf8')).toMatch(/ = (-1|\?) E[A-Z]+ \(.+\n[\s\S]* --- SIG/);
    const r = await socklab(['diff', text, jsonl]);
    expect(r.stdout).toBe('the traces do the same calls (after normalising pids, ports, pointers and times)\n');
    expect(r.status).toBe(0);
  });
});

describe('signal lines in the JSONL trace (the service stopped with SIGTERM, a SIGCHLD)', () => {
  it('run --report and socklab view draw the run (they failed: "Cannot read properties of undefined"), and Trace.events skips signal lines', async () => {
    const jsonl = join(tmp, 'fork.jsonl');
    const report = join(tmp, 'fork.html');
    const r = await socklab(['run', guest('examples_fork_echo_server'), '--client', `${guest('examples_echo_client')} localhost 7000 hi{i}`, '--clients', '2', '--trace-format', 'jsonl', `--trace=${jsonl}`, '--report', report, '--', '7000']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`report of `);
    expect(r.stderr).not.toContain('Cannot read');
    expect(readFileSync(jsonl, 'utf8')).toContain('"signal":{"signo":"SIGTERM"');
    expect(readFileSync(report, 'utf8')).toContain('wait4');
    const v = await socklab(['view', jsonl, '-o', join(tmp, 'fork-view.html')]);
    expect(v.status, v.stderr).toBe(0);
    oneLine(v, 'calls by 5 process(es)');
    const { Trace } = await import('../host/trace/api.js');
    const t = Trace.fromJsonl(readFileSync(jsonl, 'utf8'));
    const all = t.events();
    expect(all.every((e) => typeof e.call === 'string')).toBe(true);
    expect(t.events({ fd: 3, pid: 1 }).map((e) => e.call)).toContain('accept');
    // The grader's "where your run went another way" compares such traces too.
    const { firstDivergence } = await import('../host/grade/feedback.js');
    expect(firstDivergence(t, t)).toBeUndefined();
    expect(firstDivergence(t, new Trace(t.lines.filter((l) => !('call' in l && l.call === 'accept' && l.pid === 1))))?.got.map((l) => 'call' in l && l.call)).toContain('accept');
  });
});

describe('socklab grade of the sample assignment, as its README has it', () => {
  it('says where the results went (they went to ./grading-results silently), and the replay command it prints runs from there', async () => {
    const dir = join(tmp, 'grade-cwd');
    mkdirSync(dir);
    const spec = join(ROOT, 'examples', 'grading', 'echo-udp', 'grading.yaml');
    const r = await socklab(['grade', spec, '--submission', join(ROOT, 'tests', 'grading-submissions', 'short_write'), '--only', 'short', '--show-hidden'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('  Results in grading-results/; a "To replay this run" command runs from there.');
    expect(existsSync(join(dir, 'grading-results', 'results.json'))).toBe(true);
    const replay = /To replay this run: socklab run (\S+) --seed (\d+) --inject (\S+)/.exec(r.stdout);
    expect(replay, r.stdout).not.toBeNull();
    const again = await socklab(['run', replay![1]!, '--seed', replay![2]!, '--inject', replay![3]!], join(dir, 'grading-results'));
    expect(again.stderr).not.toContain('cannot read');
    expect(again.stdout).toContain('echoed: a messa\n');
  }, 120_000);
});

describe('a server run alone', () => {
  it('deadlocks in poll (status 125), and socklab says how to give it clients', async () => {
    const r = await socklab(['run', guest('examples_echo_server'), '--', '7000']);
    expect(r.status).toBe(125);
    expect(r.stderr).toContain('waits in poll');
    expect(r.stderr).toContain('socklab: nothing else runs in this run: give the server its clients (--client "CLIENT.wasm ARGS" --clients N, or a scenario file: docs/scenarios.md), or reach it from this machine (--publish REALPORT:host1:PORT)\n');
    // With its client there is nothing to say.
    const ok = await socklab(['run', guest('examples_echo_server'), '--client', `${guest('examples_echo_client')} localhost 7000 hi`, '--', '7000']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).not.toContain('nothing else runs');
  });
});
