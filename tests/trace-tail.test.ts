// A trace to a file goes through shared memory to the host thread, which
// formats the lines of trivial calls from their binary records and writes
// the file (host/runner/trace-tail.ts): the file must hold exactly the lines
// the tracer prints directly, however many slots the trace fills, and a run
// stopped by --timeout while its guest spins without syscalls still leaves
// every line in the file.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guest, run } from './helpers.js';
import { TRACE_SLOT_BYTES, TraceSink, TraceTail, traceTailBuffer } from '../host/runner/trace-tail.js';

describe('trace file tail', () => {
  it('keeps the calls made before a spin that only the wall-clock timeout stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-tail-'));
    try {
      for (const format of ['text', 'jsonl'] as const) {
        const file = join(dir, `loop.${format}`);
        const o = await run({ processes: [{ module: guest('kernel_loop') }], timeoutMs: 1500, trace: { file, format } });
        expect(o.status).toBe(124);
        const text = readFileSync(file, 'utf8');
        if (format === 'text') expect(text).toMatch(/writev\(1<pipe:\[\d+\]>, \[\{iov_base="spinning\\n", iov_len=9\}, \{iov_base=NULL, iov_len=0\}\], 2\) += 9/);
        else expect(text.trim().split('\n').map((l) => JSON.parse(l) as { call: string }).map((e) => e.call)).toContain('writev');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes the lines of recorded calls the worker still held when the timeout stopped it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-tail-'));
    try {
      for (const format of ['text', 'jsonl'] as const) {
        const file = join(dir, `spin.${format}`);
        const o = await run({ processes: [{ module: guest('trace_clock_spin'), args: ['300', 'spin'] }], timeoutMs: 1500, trace: { file, format } });
        expect(o.status).toBe(124);
        const lines = readFileSync(file, 'utf8').trim().split('\n');
        const clocks = lines.filter((l) => l.includes('clock_gettime'));
        expect(clocks).toHaveLength(300);
        if (format === 'text') {
          expect(clocks[2]).toMatch(/^\[pid 1\] \d+\.\d{6} clock_gettime\(CLOCK_REALTIME, \{tv_sec=\d+, tv_nsec=\d+\}\) += 0 <0\.\d{6}>$/);
          expect(lines.at(-1)).toMatch(/writev\(1<pipe:\[\d+\]>, .*"read the clock 300 times/);
        } else {
          const events = lines.map((l) => JSON.parse(l) as { seq: number; call: string; args: string[] });
          // One sequence across recorded and directly printed lines.
          expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
          expect(events.find((e) => e.call === 'clock_gettime')!.args[0]).toBe('CLOCK_MONOTONIC');
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes the same bytes to a file as the tracer prints directly, over many slots', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-tail-'));
    try {
      for (const trace of [{}, { format: 'jsonl' as const }, { time: 'none' as const }, { format: 'jsonl' as const, summary: true }, { time: 'relative' as const }]) {
        const file = join(dir, 'many.trace');
        const spec = { seed: 3, processes: [{ module: guest('trace_clock_spin'), args: ['40000'] }] };
        const direct = await run({ ...spec, trace });
        const viaFile = await run({ ...spec, trace: { ...trace, file } });
        expect(viaFile.stdout).toBe('read the clock 40000 times (0 odd)\n');
        const written = readFileSync(file, 'utf8');
        // 40,000 lines fill the shared slots many times over.
        expect(written.length).toBeGreaterThan(2 << 20);
        expect(written).toBe(direct.trace);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('opens a slot only while the oldest is still in use, up to the bound, and keeps the bytes in order', async () => {
    // The default bound: 256 slots of 256 KiB (64 MiB) besides the staging area and the header.
    expect(traceTailBuffer().byteLength).toBeLessThan(65 << 20);
    const dir = mkdtempSync(join(tmpdir(), 'socklab-tail-'));
    try {
      const file = join(dir, 'slots.trace');
      const shared = traceTailBuffer(3);
      const sink = await TraceSink.open({ file }, shared);
      const handed: [number, number][] = [];
      const tail = new TraceTail(shared, (slot, length) => handed.push([slot, length]));
      // A few lines per hand-over (flushed here; a full staging area hands over the same way), plain text:
      // the host thread copies text through as it is.
      const lines: string[] = [];
      const handOver = (): void => {
        for (let i = 0; i < 3; i++) {
          const line = `line ${lines.length}\n`;
          lines.push(line);
          tail.write(line);
        }
        tail.flush();
      };
      const receive = (): void => {
        const [slot, length] = handed.shift()!;
        sink.chunk(slot, length);
      };
      // None formatted yet: a new slot each time.
      handOver();
      handOver();
      expect(handed.map(([k]) => k)).toEqual([0, 1]);
      // Slot 0 freed: the next hand-over takes it again rather than opening slot 2.
      receive();
      handOver();
      expect(handed.map(([k]) => k)).toEqual([1, 0]);
      // Both in use: slot 2, the last there is room for.
      handOver();
      expect(handed.map(([k]) => k)).toEqual([1, 0, 2]);
      // At the bound the worker takes the oldest once the host thread freed it (freed here first: one thread).
      receive();
      handOver();
      expect(handed.map(([k]) => k)).toEqual([0, 2, 1]);
      // A full staging area hands over by itself.
      const long = `${'x'.repeat(1000)}\n`;
      for (let n = 0; n < TRACE_SLOT_BYTES; n += long.length) {
        lines.push(long);
        tail.write(long);
        while (handed.length > 2) receive();
      }
      expect(handed.length).toBeGreaterThan(0);
      tail.flush();
      while (handed.length) receive();
      sink.close();
      expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
