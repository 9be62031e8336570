// The SDK's start-up (guest/c/src/process.c __socklab_heap_first) runs in every C program, not only in those
// that call fork, wait or getpid: wasm-ld's --gc-sections dropped the constructor of an object that -u alone
// loaded. diff_heap_after_block's output is compared with gcc's by differential.test.ts.
import { describe, expect, it } from 'vitest';
import { runGuest } from './helpers.js';

describe('SDK start-up in a program that calls nothing of process.c', () => {
  it("keeps the heap off socklab's suspended-call pages: memory malloc'd after a blocking call survives the next", async () => {
    const o = await runGuest('diff_heap_after_block');
    expect(o.status, o.stderr).toBe(0);
    expect(o.stdout).toContain('bytes changed behind the program\'s back: 0\n');
  });

  it('buffers stdout to a pipe in blocks from the first line, as glibc: one write at exit', async () => {
    const o = await runGuest('diff_heap_after_block', [], { trace: { classes: ['write', 'writev'], strSize: 64, time: 'none', library: false } });
    expect(o.status, o.stderr).toBe(0);
    const writes = (o.trace ?? '').split('\n').filter((l) => /\] writev?\(1</.test(l));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toContain('before\\nblocking\\nbytes changed');
  });
});
