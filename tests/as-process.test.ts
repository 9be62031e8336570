// The AssemblyScript library's processes and pipes (issue #13): fork,
// waitpid and the W* decoding, pipe, dup, dup2 give what Linux gives (the
// program's C twin, tests/c/diff_as_process.c, built natively with gcc is
// the reference), and the forking echo server in AssemblyScript makes the
// same calls, in the same order, as the C one in examples/fork-echo.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guest, ROOT, run, tempDir } from './helpers.js';
import { needs } from './tools.js';
import { buildAs } from '../dist/host/toolchain/asc.js';
import { loadScenario } from '../dist/host/scenario/load.js';

const tmp = tempDir('socklab-as-process-');
const processWasm = join(tmp, 'process.wasm');
const forkServerWasm = join(tmp, 'fork_echo_server.wasm');

beforeAll(async () => {
  await buildAs({ source: join(ROOT, 'guest', 'as', 'tests', 'process.ts'), out: processWasm });
  await buildAs({ source: join(ROOT, 'examples', 'as', 'fork-echo', 'fork_echo_server.ts'), out: forkServerWasm });
}, 180_000);

describe('AssemblyScript processes and pipes', () => {
  it('print what the C twin prints natively', async () => {
    needs('gcc');
    const bin = join(tmp, 'diff_as_process');
    execFileSync('gcc', ['-O1', '-o', bin, join(ROOT, 'tests', 'c', 'diff_as_process.c')]);
    const native = execFileSync(bin, { encoding: 'utf8' });
    const o = await run({ processes: [{ module: processWasm, name: 'process' }], timeoutMs: 60_000 });
    expect(o.stderr).toBe('');
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(native);
    expect(native).toContain('code 7');
  });

  it('the forking echo server makes the C server’s calls', async () => {
    const scenario = (server: string): string => {
      const file = join(tmp, `fork-${server.replace(/\W/g, '_')}.yaml`);
      writeFileSync(
        file,
        `version: 1
seed: 3
hosts:
  - { name: server, ipv4: [10.0.0.1] }
  - { name: client, ipv4: [10.0.0.2] }
links:
  - { between: [server, client], latency: 1ms }
processes:
  - { name: server, module: ${server}, host: server, args: [7000, 3] }
  - { name: "client{i}", module: ${guest('examples_echo_client')}, host: client, args: [server, 7000, "hello from client {i}"], count: 3, start: 5ms }
`,
      );
      return file;
    };
    const go = async (server: string) => {
      const { spec } = await loadScenario(scenario(server));
      return run({ ...spec, timeoutMs: 60_000, trace: { classes: ['%net', 'process'] } });
    };
    const [asRun, cRun] = [await go(forkServerWasm), await go(guest('examples_fork_echo_server'))];
    expect(asRun.status).toBe(0);
    expect(cRun.status).toBe(0);
    const lines = (s: string) => s.split('\n').filter(Boolean).sort();
    expect(lines(asRun.stdout)).toEqual(lines(cRun.stdout));
    expect(asRun.stdout).toContain('server: served 3 clients, reaped 3 children');
    // The server's own calls (pid 1), by name: the same sequence for both.
    const serverCalls = (t: string) =>
      t
        .split('\n')
        .map((l) => /^\[pid +1\] [\d.]+ ([a-z0-9_]+)\(/.exec(l)?.[1])
        .filter((c): c is string => !!c && ['socket', 'bind', 'listen', 'accept', 'accept4', 'clone', 'wait4', 'close'].includes(c));
    expect(serverCalls(asRun.trace)).toEqual(serverCalls(cRun.trace));
    expect(serverCalls(asRun.trace).filter((c) => c === 'clone')).toHaveLength(3);
  }, 120_000);
});
