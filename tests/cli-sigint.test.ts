// Ctrl-C on `socklab run`: SIGINT reaches the guests as a terminal sends it
// to its foreground job (si_code SI_KERNEL). A guest's handler runs and its
// exit status is the run's; a guest that ignores SIGINT is stopped once the
// grace period is over, with status 130 and one line.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { guest, ROOT, runCli, tempDir } from './helpers.js';

const tmp = tempDir('socklab-sigint-');

/** Runs socklab, sends SIGINT once the guest printed "ready", and gives back what it printed and its status. */
function interrupted(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin', 'socklab.js'), ...args], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!sent && stdout.includes('ready')) {
        sent = true;
        p.kill('SIGINT');
      }
    });
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('Ctrl-C reaches the guests as SIGINT', () => {
  it("runs the guest's SIGINT handler: its output, its exit status, and the signal in the trace", async () => {
    const trace = join(tmp, 'handler.trace');
    const r = await interrupted(['run', guest('sigint_stats'), `--trace=${trace}`, '--publish', '0:host1:7001']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('ready\ninterrupted after 3 requests\n');
    expect(r.stderr).toMatch(/^socklab: published host1:7001 on 127\.0\.0\.1:\d+\n$/);
    const text = readFileSync(trace, 'utf8');
    expect(text).toMatch(/accept\(3<TCP:\[0\.0\.0\.0:7001\]>, NULL, NULL\) = \? ERESTARTSYS \(To be restarted if SA_RESTART is set\).*\n.*--- SIGINT \{si_signo=SIGINT, si_code=SI_KERNEL\} ---\n/);
    expect(text).toMatch(/write\(1<pipe:\[\d+\]>, "interrupted after 3 requests\\n", 29\) = 29/);
    expect(text).toMatch(/\+\+\+ exited with 0 \+\+\+\n$/);
  });

  it('stops a guest that ignores SIGINT after the grace period: 130 and one line', async () => {
    const trace = join(tmp, 'ignore.trace');
    const r = await interrupted(['run', guest('sigint_stats'), `--trace=${trace}`, '--publish', '0:host1:7001', '--', 'ignore']);
    expect(r.status).toBe(130);
    expect(r.stderr).toMatch(/^socklab: published host1:7001 on 127\.0\.0\.1:\d+\nsocklab: interrupted \(SIGINT\): the run was stopped\n$/);
    // The ignored signal shows, as strace shows it; the pause goes on.
    expect(readFileSync(trace, 'utf8')).toMatch(/--- SIGINT \{si_signo=SIGINT, si_code=SI_KERNEL\} ---/);
  });
});

describe('a run stopped by its own limit', () => {
  it("says so once, in the limit's line, and the summary does not make up the time a stopped worker cannot tell", async () => {
    // Two spinning guests, preempted by fuel: one of them runs when the wall-clock limit comes. The --fuel transform
    // is cached first (a guest soon out of fuel): on a loaded machine a cold one can take the whole second.
    expect((await runCli(['run', guest('kernel_loop'), '--fuel', '1000'])).status).toBe(152);
    const r = await runCli(['run', guest('kernel_loop'), '--client', guest('kernel_loop'), '--fuel', '100G', '--timeout', '1']);
    expect(r.status).toBe(124);
    const limit = 'time limit exceeded: the run took longer than 1 s of wall-clock time; kernel_loop\\.wasm \\(pid [12]\\) was running';
    expect(r.stderr).toMatch(
      new RegExp(`^socklab: ${limit}\\nsocklab: 2 process\\(es\\), stopped while a guest ran, exit status 124\\n  kernel_loop\\.wasm \\(pid 1\\) on host1: ${limit}\\n  kernel_loop\\.wasm \\(pid 2\\) on host1: ${limit}\\n$`),
    );
  });
});
