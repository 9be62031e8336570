// A trace to a file is written in large chunks through shared memory
// (host/runner/trace-tail.ts): a run stopped by --timeout while its guest
// spins without syscalls still leaves every line in the file.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guest, run } from './helpers.js';

describe('trace file tail', () => {
  it('keeps the calls made before a spin that only the wall-clock timeout stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-tail-'));
    try {
      for (const format of ['text', 'jsonl'] as const) {
        const file = join(dir, `loop.${format}`);
        const o = await run({ processes: [{ module: guest('kernel_loop') }], timeoutMs: 1500, trace: { file, format } });
        expect(o.status).toBe(124);
        const text = readFileSync(file, 'utf8');
        if (format === 'text') expect(text).toMatch(/writev\(1<pipe:\[\d+\]>, \[\{iov_base="", iov_len=0\}, \{iov_base="spinning\\n", iov_len=9\}\], 2\) += 9/);
        else expect(text.trim().split('\n').map((l) => JSON.parse(l) as { call: string }).map((e) => e.call)).toContain('writev');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
