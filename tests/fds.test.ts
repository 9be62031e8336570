// File descriptors as Linux hands them out (#13): piped stdin reaches the
// guest unchanged, a host directory mounted as the guest's root, pipes,
// dup/dup2/dup3/fcntl and Linux's fd numbering (the first fd a program
// opens is 3). The C programs' output is also compared with gcc's in
// differential.test.ts (tests/c/diff_*.c).
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, guest } from './helpers.js';

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
