// What a newcomer following the docs ran into (task newcomer4): each case runs
// the CLI as a child process, as the docs print it, and checks what it says.
import { describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { guest, ROOT, runCli, tempDir } from './helpers.js';
import { findToolchain } from '../dist/host/toolchain/toolchains.js';

const tmp = tempDir('socklab-newcomer4-');

describe('a scenario of services only (docs/scenarios.md, status 123)', () => {
  it('says "only services are left" once, then each service and its call, as the docs print it', async () => {
    const server = guest('examples_echo_server');
    const one = join(tmp, 'only.yaml');
    writeFileSync(one, `processes:\n  - { name: server, module: ${JSON.stringify(server)}, args: [7000], service: true }\n`);
    const r = await runCli(['run', one]);
    expect(r.status).toBe(123);
    expect(r.stdout).toBe('listening on port 7000\n');
    // Not "socklab: server (pid 1) only services are left, ..." before the report.
    expect(r.stderr).toBe('socklab: only services are left, all waiting: nothing to serve\n  pid 1 (server) on host1 waits in poll\n');

    const two = join(tmp, 'two.yaml');
    writeFileSync(two, `processes:\n  - { name: a, module: ${JSON.stringify(server)}, args: [7000], service: true }\n  - { name: b, module: ${JSON.stringify(server)}, args: [7001], service: true }\n`);
    const r2 = await runCli(['run', two]);
    expect(r2.status).toBe(123);
    expect(r2.stderr).not.toMatch(/^socklab: [ab] \(pid/m);
    expect(r2.stderr).toContain('  only services are left, all waiting: nothing to serve\n    pid 1 (a) on host1 waits in poll\n    pid 2 (b) on host1 waits in poll');
    expect(r2.stderr.match(/only services are left/g)).toHaveLength(3); // the two end-of-run lines and the report
  });
});

describe('--clients without --client (docs/cli.md)', () => {
  it('is refused before anything runs, saying what it needs, instead of being ignored', async () => {
    const r = await runCli(['run', guest('examples_echo_server'), '--clients', '3', '--', '7000']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('socklab run: --clients 3: it starts N copies of each --client; give it one: --client "CLIENT.wasm ARGS" --clients 3\n');
  });
});

describe('socklab run SCENARIO | head (docs/cli.md: "stops quietly with status 141")', () => {
  it('prints no end-of-run paragraph once its stdout is gone', async () => {
    const yaml = join(tmp, 'pipe.yaml');
    writeFileSync(
      yaml,
      `processes:\n  - { name: server, module: ${JSON.stringify(guest('examples_echo_server'))}, args: [7000, 1] }\n` +
        `  - { name: client, module: ${JSON.stringify(guest('examples_echo_client'))}, args: [localhost, 7000, hi], start: 1ms }\n`,
    );
    const r = await new Promise<{ status: number | null; stderr: string }>((done, fail) => {
      const p = spawn(process.execPath, [join(ROOT, 'bin', 'socklab.js'), 'run', yaml], { stdio: ['ignore', 'pipe', 'pipe'] });
      p.stdout.once('data', () => p.stdout.destroy()); // the reader goes after the first line, as `| head -1`
      let stderr = '';
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('error', fail);
      p.on('close', (status) => done({ status, stderr }));
    });
    expect(r.status).toBe(141);
    expect(r.stderr).toBe('');
  });
});

describe('socklab grade --check of a spec with an empty list or a negative number (docs/grading.md)', () => {
  it('says what is expected and what was given, as the other lines do, not ajv\'s wording', async () => {
    const spec = join(tmp, 'grading.yaml');
    writeFileSync(spec, 'version: 1\nassignment: x\nsubmission:\n  programs:\n    prog: { sources: [prog.c] }\ntests:\n  - name: t\n    points: -3\n    processes:\n      - { name: p, program: prog }\n    checks: []\n');
    const r = await runCli(['grade', 'grading.yaml', '--check'], { cwd: tmp });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('socklab grade: invalid grading spec:\n  grading.yaml:8: /tests/0/points: expected a number >= 0, got -3\n  grading.yaml:11: /tests/0/checks: expected at least 1 item(s), got none\n');
  });
});

describe('a scenario with a number or a list out of range (docs/scenarios.md)', () => {
  it('is refused with what is expected and what was written, as the other lines are', async () => {
    writeFileSync(join(tmp, 'range.yaml'), `processes:\n  - { name: s, module: ${JSON.stringify(guest('examples_echo_server'))}, count: 0 }\nlinks:\n  - { between: [host1], loss: 2 }\n`);
    const r = await runCli(['run', 'range.yaml'], { cwd: tmp });
    expect(r.status).toBe(2);
    const [head, ...lines] = r.stderr.trimEnd().split('\n');
    expect(head).toBe('socklab run: invalid scenario:');
    expect(lines.sort()).toEqual([
      '  range.yaml:2: /processes/0/count: expected a number >= 1, got 0',
      '  range.yaml:4: /links/0/between: expected at least 2 item(s), got ["host1"]',
      '  range.yaml:4: /links/0/loss: expected a number <= 1, got 2',
    ]);
  });
});

describe('SOCKLAB_TOOLCHAIN chooses the compiler of on-demand builds (docs/cli.md)', () => {
  it('a scenario built once with one toolchain is rebuilt with another, not reused', async () => {
    // A source of its own, so that no earlier run's build of it is cached.
    const dir = tempDir('socklab-newcomer4-tc-');
    const src = readFileSync(join(ROOT, 'examples', 'tcp-echo', 'echo_server.c'), 'utf8');
    writeFileSync(join(dir, 'server.c'), `${src}\n/* ${dir} */\n`);
    copyFileSync(join(ROOT, 'examples', 'tcp-echo', 'echo_client.c'), join(dir, 'client.c'));
    writeFileSync(
      join(dir, 's.yaml'),
      'processes:\n  - { name: server, module: server.c, args: [7000, 1] }\n  - { name: client, module: client.c, args: [localhost, 7000, hi], start: 1ms }\n',
    );
    const closes = async (toolchain: string): Promise<string> => {
      const r = await runCli(['run', 's.yaml', '--trace=', '--trace-pid', '1', '--trace-only', 'fd_prestat_get,close'], { cwd: dir, env: { SOCKLAB_TOOLCHAIN: toolchain } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('[client:2] echoed: hi');
      return r.stderr;
    };
    const auto = await closes('auto');
    // @yowasp/clang's wasi-libc looks for preopens at the first close (docs/cli.md, "Which compiler"): its build shows it.
    const npm = await closes('npm');
    expect(npm).toMatch(/\[pid 1\] [\d.]+ fd_prestat_get\(3<TCPv6:\[\[::\]:7000\]>, 0x[0-9a-f]+\) = -1 EBADF \(Bad file descriptor\)/);
    if (findToolchain('auto').kind === 'native') expect(auto).not.toContain('fd_prestat_get');
    else expect(auto).toBe(npm);
  }, 120_000);
});
