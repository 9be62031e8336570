// File descriptors as Linux hands them out (#13): piped stdin reaches the
// guest unchanged, a host directory mounted as the guest's root, pipes,
// dup/dup2/dup3/fcntl and Linux's fd numbering (the first fd a program
// opens is 3). The C programs' output is also compared with gcc's in
// differential.test.ts (tests/c/diff_*.c).
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guest, ROOT, tempDir } from './helpers.js';
import { buildC } from '../dist/host/toolchain/clang.js';

const BIN = join(ROOT, 'bin', 'socklab.js');

/** Runs `socklab ARGS` with `input` piped to its stdin. */
function socklab(args: string[], input: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout, stderr }));
    p.stdin.end(input);
  });
}

describe('stdin through the CLI', () => {
  it('piped stdin reaches the guest unchanged', async () => {
    const r = await socklab(['run', guest('kernel_cat')], 'hi\n');
    expect(r.stderr).toContain('copied 3 bytes');
    expect(r.stdout).toBe('hi\n');
    expect(r.status).toBe(0);
  });
});

describe('--dir HOST:/', () => {
  const host = tempDir('socklab-root-');
  mkdirSync(join(host, 'sub'));
  writeFileSync(join(host, 'greeting.txt'), 'hello from the host\n');

  it("lists the host directory's files at /, with the in-memory /dev and /tmp beside them", async () => {
    const r = await socklab(['run', '--dir', `${host}:/`, guest('fs_ls'), '/', '/greeting.txt'], '');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('entry: dev\nentry: etc\nentry: greeting.txt\nentry: sub\nentry: tmp\n/greeting.txt: hello from the host\nfd 3, /tmp: tmp ok\n');
    expect(r.status).toBe(0);
  });

  it('a plain wasip1 module (no SDK) still finds its preopen at fd 3', async () => {
    // Beside the host directory, not in it (the guest lists it).
    const out = join(tempDir('socklab-plain-'), 'plain.wasm');
    await buildC({ sources: [join(ROOT, 'tests', 'c', 'fs_ls.c')], out, sdk: false, stderr: () => undefined });
    const r = await socklab(['run', '--dir', `${host}:/`, out, '/', '/greeting.txt'], '');
    // The preopen holds fd 3, so its first open() is 4: what any WASI runtime does.
    expect(r.stdout).toBe('entry: dev\nentry: etc\nentry: greeting.txt\nentry: sub\nentry: tmp\n/greeting.txt: hello from the host\nfd 4, /tmp: tmp ok\n');
    expect(readFileSync(join(host, 'greeting.txt'), 'utf8')).toBe('hello from the host\n');
  }, 60_000);
});
