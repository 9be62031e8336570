// The command line as a newcomer meets it, third pass: what strace users type
// (-yy, -T, -p, -e trace=network), `socklab help help`, a misspelled choice
// (--net=rel), and the demo run from outside the checkout. Each answer is one
// line naming the problem and what to type instead.
import { describe, expect, it } from 'vitest';
import { type CliResult, guest, oneLine, ROOT, runCli, tempDir } from './helpers.js';

const tmp = tempDir('socklab-newcomer3-');
const HELLO = guest('examples_hello');
const SERVER = guest('examples_echo_server');
const CLIENT = guest('examples_echo_client');

function socklab(args: string[], cwd = tmp): Promise<CliResult> {
  return runCli(args, { cwd });
}


describe('strace habits', () => {
  it('-y, -yy and -T say that socklab always shows what they ask for; -p says socklab starts the guests', async () => {
    for (const flag of ['-y', '-yy']) {
      const r = await socklab(['run', flag, HELLO]);
      expect(r.status).toBe(2);
      oneLine(r, `unknown option '${flag}'`, 'fds are always shown', `leave ${flag} out`);
    }
    const t = await socklab(['run', '-T', HELLO]);
    expect(t.status).toBe(2);
    oneLine(t, "unknown option '-T'", 'time spent in each call is always shown');
    const p = await socklab(['run', '-p', '1', HELLO]);
    expect(p.status).toBe(2);
    oneLine(p, "unknown option '-p'", 'strace -p cannot attach', '--trace-pid N');
  });

  it("--trace-only takes strace's network, %network and a pasted trace=SET (they were unknown calls, status 1)", async () => {
    const run = (set: string): Promise<CliResult> => socklab(['run', '--trace-only', set, '--trace=', SERVER, '--client', `${CLIENT} localhost 7000 hi`, '--', '7000']);
    const net = await run('%net');
    expect(net.status, net.stderr).toBe(0);
    const calls = (s: string): string[] => s.split('\n').filter((l) => l.startsWith('[pid '));
    expect(calls(net.stderr).some((l) => / connect\(/.test(l))).toBe(true);
    for (const set of ['network', '%network', 'trace=network']) {
      const r = await run(set);
      expect(r.status, r.stderr).toBe(0);
      expect(calls(r.stderr)).toEqual(calls(net.stderr));
    }
    // A list keeps the other names: network,write is %net plus write.
    const w = await socklab(['run', '--trace-only', 'network,write', '--trace=', HELLO]);
    expect(w.status, w.stderr).toBe(0);
    expect(w.stderr).toMatch(/^\[pid 1\] [\d.]+ writev\(1/m);
  });

  it('socklab strace prog.wasm says how socklab traces (it suggested "grade")', async () => {
    const r = await socklab(['strace', 'hello.wasm']);
    expect(r.status).toBe(2);
    oneLine(r, "socklab: unknown command 'strace'", 'socklab run MODULE --trace');
    expect(r.stderr).not.toContain('grade');
  });
});

describe('help and choices', () => {
  it('socklab help help and socklab help --help list the commands (they said "unknown command", status 2)', async () => {
    for (const args of [['help', 'help'], ['help', '--help']]) {
      const r = await socklab(args);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('Usage: socklab <command> [options]');
      expect(r.stdout).toContain('run ');
      expect(r.stderr).toBe('');
    }
  });

  it('socklab -v (as node -v) says the version is --version or -V (it said only "unknown option")', async () => {
    const r = await socklab(['-v']);
    expect(r.status).toBe(2);
    oneLine(r, "socklab: unknown option '-v' (socklab --version, or -V, prints the version)");
  });

  it('a value outside a choice is refused as other values are: --net: expected virtual or real, got "rel"', async () => {
    const n = await socklab(['run', '--net=rel', HELLO]);
    expect(n.status).toBe(2);
    oneLine(n, 'socklab run: --net: expected virtual or real, got "rel"');
    const f = await socklab(['run', '--trace-format', 'json', HELLO]);
    expect(f.status).toBe(2);
    oneLine(f, 'socklab run: --trace-format: expected text or jsonl, got "json"');
    const t = await socklab(['build', '--toolchain', 'gcc', 'x.c']);
    expect(t.status).toBe(2);
    oneLine(t, 'socklab build: --toolchain: expected auto, native or npm, got "gcc"');
  });
});

describe('from another directory', () => {
  it('socklab demo outside the checkout prints a "run it again" command that works from there', async () => {
    const r = await socklab(['demo']);
    expect(r.status, r.stderr).toBe(0);
    const again = /`npx socklab run (\S+) --seed 1`/.exec(r.stderr);
    expect(again, r.stderr).not.toBeNull();
    // tmp is outside the checkout: the path is absolute, so it names the file from here.
    expect(again![1]).toMatch(/^\/.*\/examples\/tcp-echo\/demo\.yaml$/);
    const rerun = await socklab(['run', again![1]!, '--seed', '1']);
    expect(rerun.status, rerun.stderr).toBe(0);
  });
});

describe('files a newcomer names', () => {
  it("wasmtime's --dir HOST::GUEST is taken as HOST:GUEST (it was refused); HOST::ro is still refused", async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    mkdirSync(join(tmp, 'data'), { recursive: true });
    writeFileSync(join(tmp, 'data', 'f.txt'), 'from the host\n');
    const ls = guest('fs_ls');
    for (const [dir, at] of [['data::data', 'data'], ['.::/', 'data'], ['data:data', 'data']] as const) {
      const r = await socklab(['run', '--dir', dir, ls, '--', at, `${at}/f.txt`]);
      expect(r.status, `${dir}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('entry: f.txt\ndata/f.txt: from the host\n');
    }
    const ro = await socklab(['run', '--dir', '/tmp::ro', ls]);
    expect(ro.status).toBe(2);
    oneLine(ro, '--dir: expected HOST[:GUEST][:ro], got "/tmp::ro"');
  });

  it("a scenario's missing module is named with its line and where it was looked for (it said only the path)", async () => {
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    mkdirSync(join(tmp, 'sc'), { recursive: true });
    writeFileSync(join(tmp, 'sc', 'missing.yaml'), `processes:\n  - name: a\n    module: ${HELLO}\n  - name: b\n    module: nosuch.c\n  - name: c\n    module: gone.wasm\n`);
    const r = await socklab(['run', 'sc/missing.yaml']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'socklab run: invalid scenario:\n' +
        `  sc/missing.yaml:5: module "nosuch.c": no such file (relative to the scenario's directory, ${join(tmp, 'sc')})\n` +
        `  sc/missing.yaml:7: module "gone.wasm": no such file (relative to the scenario's directory, ${join(tmp, 'sc')})\n`,
    );
  });
});

describe('an AssemblyScript guest written from docs/assemblyscript.md', () => {
  it("builds and runs from any directory; asc's errors are printed as asc prints them, by run as by build (run put 'socklab run: ' before them)", async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    // The first example of docs/assemblyscript.md, as written there.
    writeFileSync(join(tmp, 'client.ts'), [
      'import { Socket, SocketAddress, resolve, args, println, AF_INET, SOCK_STREAM } from "socklab";',
      '',
      'const argv = args();',
      'const addr = resolve(argv[1], argv[2], AF_INET, SOCK_STREAM).unwrap()[0];',
      'const s = Socket.open(addr.family, addr.socktype, addr.protocol).unwrap();',
      'const r = s.connect(addr.address);',
      'if (!r.ok) println(r.error!.toString()); // SocketError: connect: ECONNREFUSED (Connection refused)',
      '',
    ].join('\n'));
    const ok = await socklab(['run', 'client.ts', '--', 'localhost', '7000']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('SocketError: connect: ECONNREFUSED (Connection refused)\n');

    writeFileSync(join(tmp, 'bad.ts'), 'import { nosuch } from "socklab";\nnosuch();\n');
    const built = await socklab(['build', 'bad.ts', '-o', 'bad.wasm']);
    const ran = await socklab(['run', 'bad.ts']);
    for (const r of [built, ran]) {
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^ERROR TS2305: Module '~lib\/socklab' has no exported member 'nosuch'\./);
      expect(r.stderr).toContain('in bad.ts(1,10)');
      expect(r.stderr).not.toMatch(/socklab (run|build): |\n\s+at /);
    }
    expect(ran.stderr).toBe(built.stderr);
  });
});

describe('a scenario with mistakes', () => {
  it("says what a value should be in a user's words (it said Ajv's \"must have required property\", \"must be integer\")", async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    writeFileSync(join(tmp, 'e1.yaml'), `seed: abc\nnet: rel\nprocesses:\n  - module: ${HELLO}\n    args: 7000\n  - name: x\n`);
    const r = await socklab(['run', 'e1.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'socklab run: invalid scenario:\n' +
        '  e1.yaml:1: /seed: expected an integer, got "abc"\n' +
        '  e1.yaml:2: /net: expected "virtual" or "real", got "rel"\n' +
        '  e1.yaml:5: /processes/0/args: expected an array, got 7000\n' +
        '  e1.yaml:6: /processes/1: missing field "module"\n',
    );
    writeFileSync(join(tmp, 'e2.yaml'), 'hosts: []\n');
    const e2 = await socklab(['run', 'e2.yaml']);
    expect(e2.status).toBe(2);
    expect(e2.stderr).toBe('socklab run: invalid scenario:\n  e2.yaml:1: (top level): missing field "processes"\n');
  });
});

describe('output files', () => {
  it('build -o and view -o into a missing directory are refused as --trace is (build created the directory, view wrote there)', async () => {
    const { existsSync, writeFileSync, copyFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    copyFileSync(join(ROOT, 'examples', 'hello', 'hello.c'), join(tmp, 'hello.c'));
    const b = await socklab(['build', 'hello.c', '-o', 'nodir/hello.wasm']);
    expect(b.status).toBe(2);
    oneLine(b, 'socklab build: -o: cannot write nodir/hello.wasm: no directory nodir');
    expect(existsSync(join(tmp, 'nodir'))).toBe(false);
    writeFileSync(join(tmp, 'run.jsonl'), '{"v":1,"seq":1,"end":1000,"pid":1,"host":"host1","exit":{"code":0}}\n');
    const v = await socklab(['view', 'run.jsonl', '-o', 'nodir/r.html']);
    expect(v.status).toBe(2);
    oneLine(v, 'socklab view: -o: cannot write nodir/r.html: no directory nodir');
    expect(existsSync(join(tmp, 'nodir'))).toBe(false);
    const ok = await socklab(['build', 'hello.c', '-o', 'hello.wasm']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(existsSync(join(tmp, 'hello.wasm'))).toBe(true);
  });

  it('--trace-ff without --trace=FILE says what it needs (it traced nothing, silently)', async () => {
    const r = await socklab(['run', '--trace-ff', HELLO]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    oneLine(r, 'socklab run: --trace-ff writes one file per process, FILE.PID: give it --trace=FILE');
  });
});
