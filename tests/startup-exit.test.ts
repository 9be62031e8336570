// bin/socklab.js ends the process as soon as a command is over and nothing is
// pending, instead of waiting for the kernel worker's teardown: every byte the
// guest wrote still reaches a slow reader, a file or the trace, with the guest's
// status.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, guest, tempDir } from './helpers.js';

const tmp = tempDir('socklab-exit-');
const LINES = 100_000;
const expected = Array.from({ length: LINES }, (_, i) => `line ${i} of a long output\n`).join('');

/** Runs socklab with stdout and stderr to `out` (pipes read slowly, a turn of the event loop between chunks, when 'pipe'). */
async function runSlowReader(args: string[], out: 'pipe' | number = 'pipe'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'socklab.js'), ...args], { stdio: ['ignore', out, 'pipe'] });
  const slow = (s: NodeJS.ReadableStream | null, parts: Buffer[]): void => {
    s?.on('data', (d: Buffer) => {
      parts.push(d);
      // The guest outruns the reader, so the pipe fills and socklab's writes wait.
      s.pause();
      setImmediate(() => s.resume());
    });
  };
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  slow(child.stdout, o);
  slow(child.stderr, e);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, stdout: Buffer.concat(o).toString(), stderr: Buffer.concat(e).toString() };
}

describe('socklab ends once the run is over', () => {
  it('hands a slow reader all of stdout, then the guest status', async () => {
    const r = await runSlowReader(['run', guest('exit_after_output'), String(LINES)]);
    expect(r.stderr).toBe('');
    expect(r.stdout.length).toBe(expected.length);
    expect(r.stdout === expected).toBe(true);
    expect(r.code).toBe(3);
  });

  it('hands a slow reader all of stderr', async () => {
    const r = await runSlowReader(['run', guest('exit_after_output'), String(LINES), 'err']);
    expect(r.stdout).toBe('');
    expect(r.stderr.length).toBe(expected.length);
    expect(r.stderr === expected).toBe(true);
    expect(r.code).toBe(3);
  });

  it('writes all of stdout to a file, and the whole trace', async () => {
    const file = join(tmp, 'out.txt');
    const trace = join(tmp, 'trace.txt');
    const fd = openSync(file, 'w');
    let r;
    try {
      r = await runSlowReader(['run', `--trace=${trace}`, guest('exit_after_output'), String(LINES)], fd);
    } finally {
      closeSync(fd);
    }
    expect(r.code).toBe(3);
    expect(readFileSync(file, 'utf8') === expected).toBe(true);
    expect(readFileSync(trace, 'utf8')).toMatch(/ \+\+\+ exited with 3 \+\+\+\n$/);
  });
});
