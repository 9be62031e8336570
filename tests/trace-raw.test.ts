// The tracer's raw path (RawSyscallHooks: values as dispatch and fastCall
// have them, a line writer compiled per syscall) must print exactly what its
// general path (onEnter/onSyscall with an array, each argument through
// arg()) prints: the same guests traced both ways, text and JSONL, byte for
// byte.
import { describe, expect, it } from 'vitest';
import { Session } from '../dist/host/runner/session.js';
import { createTextTracer, type TextTraceOptions } from '../dist/host/trace/strace.js';
import type { SyscallObserver } from '../dist/host/kernel/kernel.js';
import { resetRunIds } from '../dist/host/kernel/ids.js';
import { guest } from './helpers.js';

const GUESTS = ['kernel_clock', 'net_states', 'net_options', 'net_sockaddr', 'net_errors', 'diff_epoll_tcp', 'diff_pipe', 'diff_dup', 'diff_epoll_eventfd_timerfd', 'diff_sig_sleep', 'diff_sig_eintr', 'diff_epoll_fork', 'diff_scm_prefork'];

async function traced(name: string, opts: TextTraceOptions, raw: boolean): Promise<string> {
  // Each run from the same inode and IP id counters, as a worker starts every run.
  resetRunIds();
  const lines: string[] = [];
  const t = createTextTracer((text) => lines.push(text), opts);
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
  return lines.join('');
}

describe('the raw tracing path', () => {
  it.each(GUESTS)('prints %s as the general path does (text and JSONL)', async (name) => {
    for (const opts of [{}, { format: 'jsonl' as const }, { time: 'none' as const, strSize: 8, hex: 'nonascii' as const }, { classes: ['net', 'clock_gettime'], failedOnly: true }]) {
      const general = await traced(name, opts, false);
      const raw = await traced(name, opts, true);
      if (!('failedOnly' in opts)) expect(general.length).toBeGreaterThan(100);
      expect(raw).toBe(general);
    }
  }, 60_000);
});
