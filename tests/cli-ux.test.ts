// Issue #14, items 2 and 3: the first thing a student types works.
// `socklab run prog.c` builds on demand; call names mean the same in
// --trace-only, --inject and grading checks; IPv4-only hosts have no IPv6
// address; /etc/hosts and getaddrinfo as on Debian; a WASI_SDK_PATH that
// points nowhere says so.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

const BIN = join(ROOT, 'bin', 'socklab.js');
const tmp = mkdtempSync(join(tmpdir(), 'socklab-ux-'));

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function socklab(args: string[], env: NodeJS.ProcessEnv = {}, cwd = tmp): Promise<Result> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('socklab run builds sources on demand', () => {
  it('runs a .c program with its arguments, and again from the cache', async () => {
    // Unique content, so this run really builds.
    const src = join(tmp, 'hello.c');
    writeFileSync(src, `${readFileSync(join(ROOT, 'examples', 'hello', 'hello.c'), 'utf8')}\n/* ${tmp} */\n`);
    const r = await socklab(['run', 'hello.c', '--', 'a', 'b']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('hello from hello.c with 2 argument(s)');
    expect(r.stdout).toContain('argv[2] = b');
    const again = await socklab(['run', src, '--', 'x']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('with 1 argument(s)');
  });

  it('runs a server and --client given as .c sources', async () => {
    const dir = join(ROOT, 'examples', 'tcp-echo');
    const r = await socklab(['run', join(dir, 'echo_server.c'), '--client', `${join(dir, 'echo_client.c')} localhost 7000 hi`, '--', '7000', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/hi/);
  });

  it('runs an AssemblyScript .ts program', async () => {
    const r = await socklab(['run', join(ROOT, 'examples', 'as', 'hello', 'hello.ts')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(0);
  });

  it('reports a compile error with status 1', async () => {
    writeFileSync(join(tmp, 'broken.c'), 'int main(void) { return nope; }\n');
    const r = await socklab(['run', 'broken.c']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('nope');
  });
});

describe('WASI_SDK_PATH', () => {
  it('pointing nowhere says what is wrong', async () => {
    writeFileSync(join(tmp, 'ok.c'), 'int main(void) { return 0; }\n');
    const r = await socklab(['build', 'ok.c', '-o', 'ok.wasm'], { WASI_SDK_PATH: join(tmp, 'no-such-sdk') });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('WASI_SDK_PATH');
    expect(r.stderr).toContain(join(tmp, 'no-such-sdk', 'bin', 'clang'));
    expect(r.stderr).toContain('does not exist');
  });
});
