// The tracer's raw path (RawSyscallHooks: values as dispatch and fastCall
// have them, a line writer compiled per syscall) must print exactly what its
// general path (onEnter/onSyscall with an array, each argument through
// arg()) prints: the same guests traced both ways, text and JSONL, byte for
// byte.
import { describe, expect, it } from 'vitest';
import { Session } from '../dist/host/runner/session.js';
import { createTextTracer, type TextTraceOptions } from '../dist/host/trace/strace.js';
import type { ByteTarget } from '../dist/host/trace/linebuf.js';
import type { SyscallObserver } from '../dist/host/kernel/kernel.js';
import { resetRunIds } from '../dist/host/kernel/ids.js';
import { guest } from './helpers.js';

const GUESTS = ['kernel_clock', 'net_states', 'net_options', 'net_sockaddr', 'net_errors', 'diff_epoll_tcp', 'diff_pipe', 'diff_dup', 'diff_epoll_eventfd_timerfd', 'diff_sig_sleep', 'diff_sig_eintr', 'diff_epoll_fork', 'diff_scm_prefork'];

/** A trace file's tail as runner/trace-tail.ts keeps it, in plain memory and small, so lines often fill it mid-line. */
class SmallTail implements ByteTarget {
  readonly bytes = Buffer.alloc(1500);
  length = 0;
  private readonly out: Buffer[] = [];
  hold(length: number): void {
    this.length = length;
  }
  flush(): void {
    this.out.push(Buffer.from(this.bytes.subarray(0, this.length)));
    this.length = 0;
  }
  write(text: string): void {
    const b = Buffer.from(text);
    if (this.length + b.length > this.bytes.length) this.flush();
    if (b.length > this.bytes.length) this.out.push(b);
    else this.length += b.copy(this.bytes, this.length);
  }
  text(): string {
    this.flush();
    return Buffer.concat(this.out).toString();
  }
}

async function traced(name: string, opts: TextTraceOptions, raw: boolean, inPlace = false): Promise<string> {
  // Each run from the same inode and IP id counters, as a worker starts every run.
  resetRunIds();
  const lines: string[] = [];
  const tail = inPlace ? new SmallTail() : undefined;
  const t = createTextTracer(tail ? (text) => tail.write(text) : (text) => lines.push(text), tail ? { ...opts, target: tail } : opts);
  // Without the raw hooks, dispatch hands the tracer arrays and it takes its general path.
  const observer: SyscallObserver = raw
    ? t
    : {
        onEnter: t.onEnter!.bind(t), onSyscall: t.onSyscall.bind(t), onSuspend: t.onSuspend!.bind(t), onExit: t.onExit!.bind(t),
        onSignal: t.onSignal!.bind(t), onSigreturn: t.onSigreturn!.bind(t),
      };
  const s = new Session({ seed: 7, processes: [{ module: guest(name), name: `${name}.wasm` }] }, { output: () => {} }, observer);
  await s.load();
  await s.run();
  t.finish();
  return tail ? tail.text() : lines.join('');
}

/**
 * The same through deferred records (TextTraceOptions.defer): the recording tracer's tail holds text and records,
 * each flush is a chunk, and a second tracer with the options that shape a line formats the chunks, as the host
 * thread does for a trace to a file (runner/trace-tail.ts).
 */
async function deferred(name: string, opts: TextTraceOptions): Promise<{ text: string; records: number }> {
  resetRunIds();
  const chunks: Buffer[] = [];
  const tail = new SmallTail();
  const flush = tail.flush.bind(tail);
  tail.flush = () => {
    if (tail.length) chunks.push(Buffer.from(tail.bytes.subarray(0, tail.length)));
    flush();
  };
  const t = createTextTracer((text) => tail.write(text), { ...opts, target: tail, defer: true });
  const s = new Session({ seed: 7, processes: [{ module: guest(name), name: `${name}.wasm` }] }, { output: () => {} }, t);
  await s.load();
  await s.run();
  t.finish();
  tail.flush();
  const out = new SmallTail();
  const f = createTextTracer((text) => out.write(text), { format: opts.format, time: opts.time, wall: opts.wall, pids: opts.pids, target: out });
  let records = 0;
  for (const c of chunks) {
    records += c.filter((x) => x === 0xff).length;
    f.expand(c, (b, from, to) => out.write(Buffer.from(b.subarray(from, to)).toString('utf8')));
  }
  return { text: out.text(), records };
}

describe('the raw tracing path', () => {
  // Lines of calls that returned 0 with values alone (clock_gettime...) leave the guest's thread as records: formatted elsewhere, the same bytes.
  it.each(['kernel_clock', 'trace_clock_edges', 'net_states', 'diff_pipe', 'diff_epoll_fork', 'diff_sig_sleep'])('prints %s as the general path does, through deferred records', async (name) => {
    let records = 0;
    for (const opts of [{}, { format: 'jsonl' as const }, { time: 'none' as const }, { pids: false }, { onlyPids: [1], format: 'jsonl' as const }, { fds: [3, 4, 5] }, { hosts: ['host1'], successfulOnly: true }, { classes: ['%desc', 'clock_gettime'] }, { time: 'relative' as const }, { format: 'jsonl' as const, wall: false, summary: true }] as TextTraceOptions[]) {
      const general = await traced(name, opts, false);
      const d = await deferred(name, opts);
      records += d.records;
      expect(d.text).toBe(general);
    }
    if (name === 'kernel_clock' || name === 'trace_clock_edges') expect(records).toBeGreaterThan(20);
  }, 60_000);

  it.each(GUESTS)('prints %s as the general path does (text and JSONL)', async (name) => {
    for (const opts of [{}, { format: 'jsonl' as const }, { time: 'none' as const, strSize: 8, hex: 'nonascii' as const }, { classes: ['net', 'clock_gettime'], failedOnly: true }]) {
      const general = await traced(name, opts, false);
      const raw = await traced(name, opts, true);
      if (!('failedOnly' in opts)) expect(general.length).toBeGreaterThan(100);
      expect(raw).toBe(general);
    }
  }, 60_000);

  // Each syscall's line writer is generated for the trace's options: every option that changes it, and lines written in place into a tail that fills mid-line.
  it.each(['kernel_clock', 'net_states', 'diff_pipe', 'diff_epoll_fork'])('prints %s as the general path does, under every option its line writer depends on', async (name) => {
    const sets: TextTraceOptions[] = [
      { pids: false, time: 'relative' },
      { time: 'absolute', onlyPids: [1], format: 'jsonl' },
      { perProcess: true, successfulOnly: true },
      { fds: [3, 4, 5] },
      { fds: [3, 4, 5], format: 'jsonl' },
      { hosts: ['host1'], library: false },
      { classes: ['%desc', 'clock_gettime'], time: 'none' },
    ];
    let printed = 0;
    for (const opts of sets) {
      const general = await traced(name, opts, false);
      printed += general.length;
      expect(await traced(name, opts, true)).toBe(general);
    }
    // Not a comparison of empty traces (an fd filter may leave a guest without lines).
    expect(printed).toBeGreaterThan(1000);
    for (const opts of [{}, { format: 'jsonl' as const }, { time: 'none' as const }]) {
      const general = await traced(name, opts, false);
      expect(await traced(name, opts, true, true)).toBe(general);
    }
  }, 60_000);
});
