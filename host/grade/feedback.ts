// Feedback a student can act on: what was expected next to what happened,
// and the trace lines where the run first went another way than the model
// solution's run with the same seed (found by host/trace/diff.ts, the
// alignment socklab diff uses).
import type { TraceEvent } from '../trace/strace.js';
import { Trace, type TraceLine } from '../trace/api.js';
import { diffTraces, fromTraceLines, type ParsedEvent } from '../trace/diff.js';
import { SYSCALLS } from '../syscalls.js';
import { traceNamesLoose } from '../trace/names.js';
import type { TestSpec } from './spec.js';

/** Calls of strace's %net class: the ones a divergence from the model solution is looked for in. */
const NET_CALLS = new Set(SYSCALLS.filter((d) => d.classes.includes('net')).map((d) => d.strace));

/** Calls that make a process: a server forking per client is a structure the model solution's run may not have. */
const FORKS = new Set(['clone', 'clone3', 'fork', 'vfork']);

/** An fd argument or result that is a socket, as the trace decorates it: read/write/close on sockets matter too. */
const SOCKET_FD = /^\d+<(?:TCP|UDP|UNIX|RAW|ICMP|NETLINK)/;

/**
 * Calls that set or read an option: when they succeed they are not where a
 * run goes wrong (a model solution's SO_REUSEADDR, a student's O_NONBLOCK
 * set with fcntl); what the option changes shows in the calls after them (a
 * bind's EADDRINUSE, a read's EAGAIN). Left out of the comparison unless
 * they fail or the test's checks name them.
 */
const OPTION_CALLS = new Set(['setsockopt', 'getsockopt', 'fcntl', 'fcntl64', 'ioctl']);

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

/** Calls of context shown before the first difference, diverging calls shown per side, calls shown after. */
const BEFORE = 5;
const SHOWN = 5;
const AFTER = 2;
/** Processes named in the closing count. */
const MAX_PROCESSES = 4;

/**
 * Where the run first went another way than the model solution's, by
 * socklab diff's alignment (host/trace/diff.ts: processes paired by pid, the
 * calls of each aligned as diff(1) aligns lines, what differs between runs
 * anyway normalised: ports, inodes, pointers, pids). Two calls are the same
 * when they are the same call with the same result (an fd with its socket's
 * description, a byte count, an errno): a buffer of 4095 bytes where the
 * model solution has 4096 is no difference to show. Only the calls that
 * matter are compared: the socket calls, any call on a socket fd, and those
 * the test checks (a printf's incidental fcntl on stdout is not a divergence
 * worth showing a student; a write of the wrong length on the connection is),
 * the forks, and how each process ended; an option set or read successfully
 * (OPTION_CALLS) is not one of them.
 */
export function firstDivergence(got: Trace, model: Trace, checked: ReadonlySet<string> = new Set()): Divergence | undefined {
  // A signal line (no call) is left out, as strace -e trace=network leaves out what it does not match.
  const matters = (e: TraceLine): boolean =>
    'exit' in e ||
    ('call' in e &&
      (checked.has(e.call) ||
        FORKS.has(e.call) ||
        (!(OPTION_CALLS.has(e.call) && !e.errno) && (NET_CALLS.has(e.call) || SOCKET_FD.test(e.args[0] ?? '') || SOCKET_FD.test(e.ret)))));
  const a = got.lines.filter(matters);
  const b = model.lines.filter(matters);
  const d = diffTraces(fromTraceLines(a), fromTraceLines(b), { byPid: true, compare: 'result', context: BEFORE });
  if (!d.first) return firstDataDifference(a, b);
  const f = d.first;
  const ev = f.events;
  const of = (lines: readonly TraceLine[]) => (e: ParsedEvent): TraceLine => lines[e.source!]!;
  return {
    pid: (f.pidA ?? f.pidB)!,
    call: f.call,
    context: ev.context.map(of(a)),
    got: ev.a.map(of(a)),
    model: ev.b.map(of(b)),
    ...(ev.nextA ? { nextGot: of(a)(ev.nextA) } : {}),
    ...(ev.nextB ? { nextModel: of(b)(ev.nextB) } : {}),
    after: ev.nextA ? a.filter((e, i) => e.pid === ev.nextA!.pid && i > ev.nextA!.source!).slice(0, AFTER - 1) : [],
    others: d.processes.map((p) => ({ pid: (p.pidA ?? p.pidB)!, onlyGot: p.onlyA, onlyModel: p.onlyB, ...(p.unaligned ? { unaligned: true } : {}) })),
  };
}

/** Calls that send data on a socket, and the argument holding it (strace's quoted bytes). */
const SENDS = new Set(['write', 'writev', 'send', 'sendto', 'pwrite64', 'pwritev']);
const sentData = (e: TraceLine): string | undefined =>
  'call' in e && SENDS.has(e.call) && SOCKET_FD.test(e.args[0] ?? '') ? [...(e.args[1] ?? '').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join('') : undefined;

/**
 * When the calls and their results are the same as the model solution's,
 * the bytes sent may still differ: "VALUE=1" where the protocol says
 * "VALUE 1" is the same write of 8 bytes. The first socket send whose data
 * differs, process by process, is then the place to show.
 */
function firstDataDifference(a: readonly TraceLine[], b: readonly TraceLine[]): Divergence | undefined {
  const byPid = (lines: readonly TraceLine[]): Map<number, TraceLine[]> => {
    const m = new Map<number, TraceLine[]>();
    for (const e of lines) m.set(e.pid, [...(m.get(e.pid) ?? []), e]);
    return m;
  };
  const [ga, gb] = [byPid(a), byPid(b)];
  let first: Divergence | undefined;
  const others: Divergence['others'] = [];
  for (const [pid, xs] of [...ga].sort(([p], [q]) => p - q)) {
    const ys = gb.get(pid);
    if (!ys || ys.length !== xs.length) continue;
    let n = 0;
    xs.forEach((x, i) => {
      const [dx, dy] = [sentData(x), sentData(ys[i]!)];
      if (dx === undefined || dy === undefined || dx === dy) return;
      n++;
      first ??= { pid, call: i + 1, data: true, context: xs.slice(Math.max(0, i - BEFORE), i), got: [x], model: [ys[i]!], ...(xs[i + 1] ? { nextGot: xs[i + 1]! } : {}), ...(ys[i + 1] ? { nextModel: ys[i + 1]! } : {}), after: xs.slice(i + 2, i + 1 + AFTER), others };
    });
    if (n) others.push({ pid, onlyGot: n, onlyModel: n });
  }
  return first;
}

/** The first difference between a run and the model solution's, as feedback shows it. */
export interface Divergence {
  pid: number;
  /** Number of the first differing call among the process's calls that matter (1-based). */
  call: number;
  /** The process's calls just before, the same in both runs. */
  context: TraceLine[];
  /** Calls only the student's run made there, and the ones only the model solution's made. */
  got: TraceLine[];
  model: TraceLine[];
  /** The next call each run made after them, the same in both (none: the process had ended). */
  nextGot?: TraceLine;
  nextModel?: TraceLine;
  /** The student's calls after nextGot (AFTER lines shown in all, nextGot included). */
  after: TraceLine[];
  /** The calls are the model solution's, with its results, but this one sends other bytes. */
  data?: true;
  /** Every process whose calls differ, with how many only each run made. */
  others: { pid: number; onlyGot: number; onlyModel: number; unaligned?: boolean }[];
}

/** Who each process is, the same in both runs: a declared process by its name, a forked one as its parent's n-th child. */
function roles(trace: Trace, declared: ReadonlyMap<number, string>): Map<number, string> {
  const role = new Map(declared);
  const forks = new Map<number, number>();
  for (const e of trace.lines) {
    if (!('call' in e) || !FORKS.has(e.call) || e.errno) continue;
    const child = Number(e.ret);
    if (!Number.isInteger(child) || child <= 0) continue;
    const n = (forks.get(e.pid) ?? 0) + 1;
    forks.set(e.pid, n);
    role.set(child, `${role.get(e.pid) ?? `pid ${e.pid}`}, child ${n}`);
  }
  return role;
}

/**
 * The model solution's trace with its processes renumbered as the student's
 * run numbers the same ones. Runs are compared process by process, by pid;
 * a student's server that forks a child per client shifts the pids of the
 * clients started after it, and was compared with the wrong processes
 * (its child with the model's second client).
 */
function samePids(got: Trace, model: Trace, gotNames: ReadonlyMap<number, string>, modelNames: ReadonlyMap<number, string>): Trace {
  const byRole = new Map<string, number>();
  for (const [pid, role] of roles(got, gotNames)) if (!byRole.has(role)) byRole.set(role, pid);
  const modelRoles = roles(model, modelNames);
  let next = Math.max(0, ...got.lines.map((e) => e.pid), ...model.lines.map((e) => e.pid)) + 1;
  const to = new Map<number, number>();
  const taken = new Set<number>();
  for (const pid of [...new Set(model.lines.map((e) => e.pid))].sort((a, b) => a - b)) {
    const role = modelRoles.get(pid);
    const same = role === undefined ? undefined : byRole.get(role);
    if (same !== undefined && !taken.has(same)) {
      to.set(pid, same);
      taken.add(same);
    }
  }
  for (const pid of new Set(model.lines.map((e) => e.pid))) if (!to.has(pid)) to.set(pid, next++);
  if ([...to].every(([a, b]) => a === b)) return model;
  return new Trace(model.lines.map((e) => ({ ...e, pid: to.get(e.pid)! })));
}

/**
 * The trace section of a failing test's feedback: where the run first
 * diverged from the model solution's (when there is one), or else how the
 * process the failure is about ended.
 */
export function traceContext(got: Trace, model: Trace | undefined, focusPid: number | undefined, checked: ReadonlySet<string> = new Set(), names?: { got: ReadonlyMap<number, string>; model: ReadonlyMap<number, string> }): string {
  if (!got.lines.length) return '';
  const d = model ? firstDivergence(got, names ? samePids(got, model, names.got, names.model) : model, checked) : undefined;
  if (d) return divergenceText(d);
  const pid = focusPid ?? got.pids()[0]!;
  const lines = got.lines;
  let i = -1;
  for (let k = lines.length - 1; k >= 0 && i < 0; k--) if (lines[k]!.pid === pid) i = k;
  if (i < 0) i = lines.length - 1;
  const from = Math.max(0, i - 7);
  return `the end of pid ${pid}'s trace:\n${lines.slice(from, i + 1).map((e, k) => `${from + k === i ? '>' : ' '} ${traceLine(e)}`).join('\n')}`;
}

function divergenceText(d: Divergence): string {
  const pid = d.pid;
  const out = [`trace where the run first differs from the model solution's (pid ${pid}, socket call ${d.call}${d.data ? ': the same call, other bytes' : ''}):`];
  const show = (xs: readonly TraceLine[], mark: string): void => {
    for (const e of xs.slice(0, SHOWN)) out.push(`${mark} ${traceLine(e)}`);
    if (xs.length > SHOWN) out.push(`${mark} ... ${xs.length - SHOWN} more`);
  };
  show(d.context, ' ');
  const theirs = `the model solution's pid ${pid}`;
  if (d.got.length) {
    // Calls of the student's that the model solution did not make there.
    show(d.got, '>');
    if (d.nextGot) show([d.nextGot, ...d.after], ' ');
    if (d.model.length) out.push(d.data ? `${theirs} sent instead:` : `${theirs} made instead:`);
    else out.push(d.nextModel ? `${theirs} did not make ${d.got.length > 1 ? 'these calls' : 'this call'}; it went on with:` : `${theirs} had ended by then`);
    show(d.model.length ? d.model : d.nextModel ? [d.nextModel] : [], ' ');
  } else {
    // The student's process left out calls the model solution made.
    if (d.nextGot) {
      show([d.nextGot], '>');
      show(d.after, ' ');
      out.push(`${theirs} made before that call:`);
    } else out.push(`pid ${pid} ended here; ${theirs} went on with:`);
    show(d.model, ' ');
  }
  const counts = d.others.slice(0, MAX_PROCESSES).map((o) => `pid ${o.pid}: ${o.onlyGot} only in this run, ${o.onlyModel} only in the model solution's${o.unaligned ? ' (counted from the first difference on)' : ''}`);
  const more = d.others.length > MAX_PROCESSES ? `; ${d.others.length - MAX_PROCESSES} more process(es)` : '';
  out.push(d.data ? `sends with other bytes in all: ${d.others.map((o) => `pid ${o.pid}: ${o.onlyGot}`).join('; ')}` : `socket calls that differ in all: ${counts.join('; ')}${more}`);
  return out.join('\n');
}
