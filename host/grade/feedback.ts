// Feedback a student can act on: what was expected next to what happened,
// and the trace lines where the run first went another way than the model
// solution's run with the same seed.
import type { TraceEvent } from '../trace/strace.js';
import type { Trace } from '../trace/api.js';
import { SYSCALLS } from '../syscalls.js';
import { traceNamesLoose } from '../trace/names.js';
import type { TestSpec } from './spec.js';

/** Calls of strace's %net class: the ones a divergence from the model solution is looked for in. */
const NET_CALLS = new Set(SYSCALLS.filter((d) => d.classes.includes('net')).map((d) => d.strace));

/** An fd argument or result that is a socket, as the trace decorates it: read/write/close on sockets matter too. */
const SOCKET_FD = /^\d+<(?:TCP|UDP|UNIX|RAW|ICMP|NETLINK)/;

/** Calls the test's own checks name (trace sequences, before, uses, call counts): they count too. */
export function checkedCalls(test: TestSpec): Set<string> {
  const out = new Set<string>();
  for (const c of test.checks) {
    if (c.kind !== 'trace') continue;
    const a = c.assert;
    const names = 'sequence' in a ? a.sequence : 'before' in a ? a.before : 'uses' in a ? [a.uses] : 'call' in a ? [a.call] : [];
    for (const n of names) for (const t of traceNamesLoose(n)) out.add(t);
  }
  return out;
}

const MAX_SHOWN = 200;

/** A string as a C programmer reads it: quoted, escapes visible, long ones cut. */
export function quoted(s: string, max = MAX_SHOWN): string {
  const j = JSON.stringify(s.length > max ? s.slice(0, max) : s);
  return s.length > max ? `${j}... (${s.length} bytes)` : j;
}

/** Expected and actual text side by side, around their first difference. */
export function describeDifference(expected: string, got: string): string {
  let i = 0;
  while (i < expected.length && i < got.length && expected[i] === got[i]) i++;
  const before = got.slice(0, i);
  const line = before.split('\n').length;
  const col = i - before.lastIndexOf('\n');
  // Show from the start of the differing line, so the context is whole.
  const from = before.lastIndexOf('\n') + 1;
  const cut = (s: string): string => (from > 0 ? `...${quoted(s.slice(from))}` : quoted(s));
  return [
    `  expected: ${cut(expected)}`,
    `  got:      ${cut(got)}`,
    got.length === 0 ? '  (nothing was printed)' : `  first difference: line ${line}, column ${col}${i === got.length ? ' (the output stops early)' : i === expected.length ? ' (more output than expected)' : ''}`,
  ].join('\n');
}

/** The last lines of a text, for "stderr ended with". */
export function tail(text: string, lines = 5): string {
  const all = text.replace(/\n$/, '').split('\n');
  return all.slice(-lines).map((l) => `  | ${l.length > MAX_SHOWN ? `${l.slice(0, MAX_SHOWN)}...` : l}`).join('\n');
}

/** One event as strace -f -r shows it: pid, virtual time, call, result. */
export function traceLine(e: TraceEvent | { pid: number; end: number; exit: { code: number } | { signal: string } }): string {
  const t = (('start' in e ? e.start : e.end) / 1e9).toFixed(6);
  if ('exit' in e) return `[pid ${e.pid}] ${t} +++ ${'code' in e.exit ? `exited with ${e.exit.code}` : `killed by ${e.exit.signal}`} +++`;
  const args = e.args.map((a) => (a.length > 80 ? `${a.slice(0, 80)}...` : a)).join(', ');
  return `[pid ${e.pid}] ${t} ${e.call}(${args}) = ${e.ret}${e.errno ? ` ${e.errno}` : ''}${e.injected ? ' (INJECTED)' : ''}`;
}

/** What makes two calls "the same" across runs: the call, its result (fd decorations aside) and errno. */
function key(e: TraceEvent): string {
  return `${e.call} ${e.ret.replace(/<.*$/, '')} ${e.errno ?? ''}`;
}

interface Divergence {
  pid: number;
  /** Index in the process's own events. */
  index: number;
  event?: TraceEvent;
  model?: TraceEvent;
}

/**
 * The first call (in virtual time) where a process of `got` did something
 * else than the same process in `model`, among the calls that matter: the
 * socket calls, any call on a socket fd, and those the test checks (a
 * printf's incidental fcntl on stdout is not a divergence worth showing a
 * student; a write of the wrong length on the connection is).
 */
export function firstDivergence(got: Trace, model: Trace, checked: ReadonlySet<string> = new Set()): Divergence | undefined {
  let best: Divergence | undefined;
  let bestTime = Infinity;
  const matters = (e: TraceEvent): boolean => NET_CALLS.has(e.call) || checked.has(e.call) || SOCKET_FD.test(e.args[0] ?? '') || SOCKET_FD.test(e.ret);
  for (const pid of got.pids()) {
    const a = got.events({ pid }).filter(matters);
    const b = model.events({ pid }).filter(matters);
    let i = 0;
    while (i < a.length && i < b.length && key(a[i]!) === key(b[i]!)) i++;
    if (i === a.length && i === b.length) continue;
    const t = a[i]?.start ?? a[a.length - 1]?.end ?? 0;
    if (t < bestTime) {
      bestTime = t;
      best = { pid, index: i, ...(a[i] ? { event: a[i] } : {}), ...(b[i] ? { model: b[i] } : {}) };
    }
  }
  return best;
}

/** Trace lines around an event of the whole run (all processes), the event marked. */
function around(trace: Trace, at: TraceEvent | undefined, pid: number, before = 5, after = 2): string {
  const lines = trace.lines;
  let i = at ? lines.indexOf(at) : -1;
  if (!at) for (let k = lines.length - 1; k >= 0 && i < 0; k--) if (lines[k]!.pid === pid) i = k;
  if (i < 0) i = lines.length - 1;
  const from = Math.max(0, i - before);
  return lines.slice(from, i + after + 1).map((e, k) => `${from + k === i ? '>' : ' '} ${traceLine(e)}`).join('\n');
}

/**
 * The trace section of a failing test's feedback: where the run first
 * diverged from the model solution's (when there is one), or else how the
 * process the failure is about ended.
 */
export function traceContext(got: Trace, model: Trace | undefined, focusPid: number | undefined, checked: ReadonlySet<string> = new Set()): string {
  if (!got.lines.length) return '';
  const d = model ? firstDivergence(got, model, checked) : undefined;
  if (d) {
    const head = `trace where the run first differs from the model solution's (pid ${d.pid}, socket call ${d.index + 1}):`;
    const theirs = !d.model ? `the model solution's pid ${d.pid} had ended by then` : `the model solution's pid ${d.pid} ${d.event ? 'made instead' : 'went on with'}:\n  ${traceLine(d.model)}`;
    return `${head}\n${around(got, d.event, d.pid)}\n${d.event ? '' : `pid ${d.pid} ended here; `}${theirs}`;
  }
  const pid = focusPid ?? got.pids()[0]!;
  return `the end of pid ${pid}'s trace:\n${around(got, undefined, pid, 7, 0)}`;
}
