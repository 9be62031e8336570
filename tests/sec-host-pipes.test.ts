// Issue #11: `socklab run flood.wasm | head -c 10` — socklab's own stdout
// closing stops the run quietly (status 141, as SIGPIPE), never an unhandled
// EPIPE with a Node stack trace.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, guest } from './helpers.js';

describe("socklab's own stdout closed", () => {
  it('stops a flooding guest with status 141 and no stack trace', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'socklab.js'), 'run', guest('kernel_flood'), '--timeout', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    // Read a little, then close the pipe as `head -c 10` does.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(err).not.toMatch(/EPIPE|Unhandled|at .*\.js/);
    expect(code).toBe(141);
  });
});
