// The run report's memory lines (#18 item 5): what each process held as it
// exited, summed and at most, from the result through to the CLI's text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeMemory } from '../dist/host/cli/report.js';
import { guest, run } from './helpers.js';

describe('per-process memory footprint', () => {
  it('reports linear memory, pages with data, Asyncify regions, descriptors and unread socket bytes', async () => {
    // Each process writes N bytes into a socketpair, reads 300 and exits: N - 300 are left queued.
    const w = guest('report_unread');
    const o = await run({ processes: [{ module: w, args: ['1000'] }, { module: w, args: ['5000'] }], output: 'capture', timeoutMs: 60_000 });
    expect(o.status).toBe(0);
    const m = o.memory!;
    expect(m.processes).toBe(2);
    expect(m.total.socketBytes).toBe(700 + 4700);
    expect(m.max.socketBytes).toBe(4700);
    const bytes = new Uint8Array(readFileSync(w));
    const declared = initialPages(bytes) * 65536;
    expect(m.max.declared).toBe(declared);
    expect(m.total.declared).toBe(2 * declared);
    // Linear memory: the declared pages plus at least the Asyncify regions; the pages with data lie within it.
    // These processes never block, so their Asyncify pages were never grown (host/kernel/process.ts asyncRegion).
    expect(m.max.asyncify).toBe(0);
    expect(m.total.linear).toBeGreaterThanOrEqual(m.total.declared + m.total.asyncify);
    expect(m.max.touched).toBeGreaterThan(8192); // the 8 KiB buffer filled with 'x', plus data and stack
    expect(m.max.touched).toBeLessThanOrEqual(m.max.linear);
    // stdin, stdout, stderr, the preopen and the two sockets.
    expect(m.max.fdsPeak).toBeGreaterThanOrEqual(5);
    const text = describeMemory(m).join('\n');
    expect(text).toMatch(/memory: linear [\d.]+ [KM]iB in all, per process avg/);
    expect(text).toMatch(/socket bytes left unread 5400 in all, max 4700/);
  });
});


/** The initial pages of the module's own memory (section 5). */
function initialPages(b: Uint8Array): number {
  let i = 8;
  const leb = (): number => {
    let r = 0;
    let s = 0;
    for (;;) {
      const x = b[i++]!;
      r |= (x & 0x7f) << s;
      s += 7;
      if (!(x & 0x80)) return r >>> 0;
    }
  };
  while (i < b.length) {
    const id = b[i++]!;
    const size = leb();
    const end = i + size;
    if (id === 5) {
      leb(); // count
      leb(); // flags
      return leb();
    }
    i = end;
  }
  throw new Error('no memory section');
}
