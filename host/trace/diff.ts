// socklab diff: two traces (strace-style text or JSONL) aligned process by
// process, with what legitimately differs between runs normalised away
// (pids, ephemeral ports, pointers, socket inodes, times, the split of a
// blocked call into <unfinished ...> and <... resumed>), so the first real
// divergence stands out, with a few calls of context, and a summary of the
// rest. Exit status as diff(1): 0 same, 1 different.
import { diffArrays } from 'diff';

/** One completed call or process end, as read from a trace. */
export interface ParsedEvent {
  /** The pid as the trace printed it. */
  pid: number;
  /** The line as written (the resumed half joined to its call), for display. */
  text: string;
  /** strace's call name, or '+++' / '---' for exits and signals. */
  call: string;
  /** The line with run-specific values replaced, for comparison. */
  key: string;
  /** What the call returned, as the trace printed it (`3<TCP:[...]>`, `-1 ECONNREFUSED (...)`); an exit's whole line. */
  result?: string;
  /** fromTraceLines: the position of the line this event was made from, so a caller can show it its own way. */
  source?: number;
}

/** A line of a JSONL trace, parsed (host/trace/strace.ts's TraceEvent and exit lines have this shape). */
export interface TraceLineLike {
  pid: number;
  call?: string;
  args?: readonly string[];
  ret?: string;
  errno?: string;
  exit?: { code: number } | { signal: string };
}

export interface DiffOptions {
  /** Calls of context shown before the first divergence (default 3). */
  context?: number;
  /** Compare only these calls (strace names), e.g. the socket calls a grader checks. */
  calls?: ReadonlySet<string>;
  /**
   * Pair processes by pid instead of by order of appearance: for two runs of
   * one scenario (grading's run and the model solution's), whose processes
   * get the same pids while the order their first calls end in may differ.
   */
  byPid?: boolean;
  /**
   * What makes two calls the same: their whole normalised line ('line', the
   * default), or only the call and what it returned ('result'), for a
   * grader that must not count the arguments a program chooses freely (a
   * buffer of 4095 bytes or 4096) as a difference.
   */
  compare?: 'line' | 'result';
  /**
   * Past this many edits in a process, its calls are not aligned beyond the
   * first difference (which is exact all the same): a run looping on a
   * failing call against one that did not must not take the aligner
   * quadratic time. Default 1000.
   */
  maxEdits?: number;
}

export interface ProcessDiff {
  /** Position of the process among the trace's processes (1 = first to appear). */
  index: number;
  pidA?: number;
  pidB?: number;
  onlyA: number;
  onlyB: number;
  /** Too different to align past the first difference (maxEdits): the counts are the calls from there on. */
  unaligned?: true;
}

export interface FirstDivergence {
  index: number;
  pidA?: number;
  pidB?: number;
  /** Number of the first differing call in the process (1-based). */
  call: number;
  context: string[];
  a: string[];
  b: string[];
  /** The same calls as events, with the next call each side makes after the difference (none: the process had ended). */
  events: { context: ParsedEvent[]; a: ParsedEvent[]; b: ParsedEvent[]; nextA?: ParsedEvent; nextB?: ParsedEvent };
}

export interface TraceDiff {
  same: boolean;
  first?: FirstDivergence;
  processes: ProcessDiff[];
}

const LINE = /^(?:\[pid\s+(\d+)\]\s+)?(?:(?:\d+\.\d+|\d\d:\d\d:\d\d(?:\.\d+)?)\s+)?(.*)$/;
const UNFINISHED = /^(\w+)\((.*?)\s*<unfinished \.\.\.>$/;
const RESUMED = /^<\.\.\. (\w+) resumed>\s?(.*)$/;
const DURATION = /\s+<\d+\.\d+>$/;

/** Reads a trace in either format: JSONL when its first line is a JSON object. */
export function parseTrace(text: string): ParsedEvent[] {
  const first = text.trimStart();
  return first.startsWith('{') ? parseJsonl(text) : parseText(text);
}

function parseJsonl(text: string): ParsedEvent[] {
  const lines: TraceLineLike[] = [];
  for (const l of text.split('\n')) if (l.trim().startsWith('{')) lines.push(JSON.parse(l) as TraceLineLike);
  return fromTraceLines(lines).map(({ source: _s, ...e }) => e);
}

/** Events from JSONL trace lines already parsed (signal lines are left out, as in a text trace's diff); each keeps its line's position as `source`. */
export function fromTraceLines(lines: readonly TraceLineLike[]): ParsedEvent[] {
  const out: ParsedEvent[] = [];
  lines.forEach((e, source) => {
    if (e.exit) {
      const t = `+++ ${'code' in e.exit ? `exited with ${e.exit.code}` : `killed by ${e.exit.signal}`} +++`;
      out.push({ pid: e.pid, text: t, call: '+++', key: '', result: t, source });
    } else if (e.call) {
      const result = `${e.ret ?? '?'}${e.errno ? ` ${e.errno}` : ''}`;
      out.push({ pid: e.pid, text: `${e.call}(${(e.args ?? []).join(', ')}) = ${result}`, call: e.call, key: '', result, source });
    }
  });
  return out;
}

function parseText(text: string): ParsedEvent[] {
  const out: ParsedEvent[] = [];
  /** Calls waiting for their <... resumed> half, by pid: the event already placed (in call order). */
  const pending = new Map<number, { e: ParsedEvent; head: string }>();
  for (const raw of text.split('\n')) {
    const m = LINE.exec(raw.trimEnd());
    if (!m || !m[2]) continue;
    const pid = m[1] === undefined ? 0 : Number(m[1]);
    const body = m[2].replace(DURATION, '');
    const u = UNFINISHED.exec(body);
    if (u) {
      const e: ParsedEvent = { pid, text: `${u[1]}(${u[2]} <unfinished ...>`, call: u[1]!, key: '' };
      pending.set(pid, { e, head: `${u[1]}(${u[2]}` });
      out.push(e);
      continue;
    }
    const r = RESUMED.exec(body);
    if (r) {
      const p = pending.get(pid);
      pending.delete(pid);
      if (p) {
        // Joined as one call: what strace would have printed had it not blocked.
        const h = p.head.trimEnd();
        p.e.text = `${h}${h.endsWith(',') ? ' ' : ''}${r[2]}`;
      } else out.push({ pid, text: `${r[1]}(${r[2]}`, call: r[1]!, key: '' });
      continue;
    }
    // A signal line is left out, as the JSONL trace's are (fromTraceLines), and so is rt_sigreturn, which the
    // JSONL trace does not have (docs/trace-format.md): a text and a JSONL trace of one run compare equal.
    if (body.startsWith('---') || body.startsWith('rt_sigreturn(')) continue;
    if (body.startsWith('+++')) {
      out.push({ pid, text: body, call: body.slice(0, 3), key: '' });
      continue;
    }
    const c = /^(\w+)\(/.exec(body);
    if (c) out.push({ pid, text: body, call: c[1]!, key: '' });
  }
  // A call its process never returned from (killed in pause()) has no JSONL event: left out here too.
  for (const { e } of pending.values()) out.splice(out.indexOf(e), 1);
  // strace prints no " = " inside a result, so the last one starts it.
  for (const e of out) {
    const at = e.text.lastIndexOf(' = ');
    e.result = e.call === '+++' || e.call === '---' ? e.text : at >= 0 ? e.text.slice(at + 3) : '?';
  }
  return out;
}

/**
 * Replaces what differs from run to run by names given in order of first
 * appearance, so that two runs doing the same thing read the same.
 */
class Normaliser {
  private readonly maps = new Map<string, Map<string, string>>();
  name(kind: string, v: string): string {
    let m = this.maps.get(kind);
    if (!m) this.maps.set(kind, (m = new Map()));
    let n = m.get(v);
    if (n === undefined) m.set(v, (n = `${kind}${m.size + 1}`));
    return n;
  }
  key(e: ParsedEvent, compare: 'line' | 'result' = 'line'): string {
    // The arguments left out as "…": the rules for results (a fork's or wait4's pid) still see the call's name.
    if (compare === 'result' && e.result !== undefined && e.call !== '+++' && e.call !== '---') return this.normalise(`${e.call}(…) = ${e.result}`);
    return this.normalise(e.text);
  }
  private normalise(text: string): string {
    let t = text.replace(/\s+/g, ' ');
    // The errno's text a text trace adds (-1 ECONNREFUSED (Connection refused)); the JSONL trace has the name alone.
    t = t.replace(/( = (?:-1|\?) E[A-Z0-9]+) \([^()]*\)/, '$1');
    // Ephemeral ports (Linux's 32768-60999), in addresses and in htons(); a quoted one ("34873": getnameinfo's
    // service) only once an address showed it as a port, so data that looks like a port still compares.
    t = t.replace(/(:|htons\()(3[2-9]\d{3}|[45]\d{4}|60\d{3})\b/g, (_, pre: string, port: string) => `${pre}${this.name('port', port)}`);
    t = t.replace(/"(3[2-9]\d{3}|[45]\d{4}|60\d{3})"/g, (m: string, port: string) => (this.maps.get('port')?.has(port) ? `"${this.name('port', port)}"` : m));
    // Socket inodes ([1000000]) and other large bracketed numbers (pointers written by args_get, ...).
    t = t.replace(/\[(\d{6,})\]/g, (_, n: string) => `[${this.name('ino', n)}]`);
    // Guest pointers.
    t = t.replace(/\b0x[0-9a-f]{3,}\b/g, '0x?');
    // Pids named inside events (si_pid=, the child of clone/fork, wait4's result).
    t = t.replace(/\b(si_pid=)(\d+)/g, (_, pre: string, n: string) => `${pre}${this.name('pid', n)}`);
    if (/^(clone|fork|vfork|wait4|waitpid)\(/.test(t)) t = t.replace(/= (\d+)$/, (_, n: string) => `= ${this.name('pid', n)}`);
    return t.replace(/ <unfinished \.\.\.>$/, '').replace(/ \[library call\]$/, '');
  }
}

/**
 * Events grouped by process, in the order the processes first appear. Names
 * are given per process: a process's own calls come in the same order in
 * both formats, while the interleaving of processes does not (text lines
 * are written when a call starts, JSONL lines when it ends).
 */
function byProcess(events: ParsedEvent[], calls: ReadonlySet<string> | undefined, compare: 'line' | 'result'): Map<number, ParsedEvent[]> {
  const names = new Map<number, Normaliser>();
  const out = new Map<number, ParsedEvent[]>();
  for (const e of events) {
    if (calls && e.call !== '+++' && !calls.has(e.call)) continue;
    let n = names.get(e.pid);
    if (!n) names.set(e.pid, (n = new Normaliser()));
    e.key = n.key(e, compare);
    let list = out.get(e.pid);
    if (!list) out.set(e.pid, (list = []));
    list.push(e);
  }
  return out;
}

/** Aligns two traces and finds where they first differ. */
export function diffTraces(a: ParsedEvent[], b: ParsedEvent[], opts: DiffOptions = {}): TraceDiff {
  const context = opts.context ?? 3;
  let pa = [...byProcess(a, opts.calls, opts.compare ?? 'line')];
  let pb = [...byProcess(b, opts.calls, opts.compare ?? 'line')];
  if (opts.byPid) {
    // Both sides get every pid either has, in pid order; a pid one run lacks pairs with nothing.
    const pids = [...new Set([...pa, ...pb].map(([pid]) => pid))].sort((x, y) => x - y);
    const ma = new Map(pa);
    const mb = new Map(pb);
    pa = pids.map((pid) => [pid, ma.get(pid) ?? []]);
    pb = pids.map((pid) => [pid, mb.get(pid) ?? []]);
  }
  const order = new Map(a.map((e, i) => [e, i]));
  const processes: ProcessDiff[] = [];
  let first: (FirstDivergence & { at: number }) | undefined;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const [pidA0, ea = []] = pa[i] ?? [undefined, []];
    const [pidB0, eb = []] = pb[i] ?? [undefined, []];
    // Paired by pid, a side without that process has no pid to show.
    const pidA = ea.length ? pidA0 : undefined;
    const pidB = eb.length ? pidB0 : undefined;
    const ka = ea.map((e) => e.key);
    const kb = eb.map((e) => e.key);
    // The common prefix first, in linear time: Myers' alignment starts with it anyway, so the first difference is where it ends.
    let pre = 0;
    while (pre < ka.length && pre < kb.length && ka[pre] === kb[pre]) pre++;
    const rest = pre === ka.length && pre === kb.length ? [] : diffArrays(ka.slice(pre), kb.slice(pre), { maxEditLength: opts.maxEdits ?? 1000 });
    const unaligned = rest === undefined;
    const parts = [
      ...(pre ? [{ count: pre, added: false, removed: false }] : []),
      ...(rest ?? [
        ...(ka.length > pre ? [{ count: ka.length - pre, added: false, removed: true }] : []),
        ...(kb.length > pre ? [{ count: kb.length - pre, added: true, removed: false }] : []),
      ]),
    ];
    let onlyA = 0;
    let onlyB = 0;
    let ia = 0;
    let ib = 0;
    let found: FirstDivergence | undefined;
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k]!;
      if (!p.added && !p.removed) {
        ia += p.count;
        ib += p.count;
        continue;
      }
      if (!found) {
        // A change is a removal next to an addition: show both sides together.
        const next = parts[k + 1];
        const rem = p.removed ? p.count : 0;
        const add = p.added ? p.count : next?.added && p.removed ? next.count : 0;
        const events = {
          context: ea.slice(Math.max(0, ia - context), ia), a: ea.slice(ia, ia + rem), b: eb.slice(ib, ib + add),
          ...(ea[ia + rem] ? { nextA: ea[ia + rem] } : {}), ...(eb[ib + add] ? { nextB: eb[ib + add] } : {}),
        };
        found = {
          index: i + 1, pidA, pidB, call: ia + 1,
          context: events.context.map((e) => e.text), a: events.a.map((e) => e.text), b: events.b.map((e) => e.text),
          events,
        };
        const at = ea[ia] ? order.get(ea[ia]!)! : ea.length ? order.get(ea[ea.length - 1]!)! + 0.5 : Infinity;
        if (!first || at < first.at) first = { ...found, at };
      }
      if (p.removed) {
        onlyA += p.count;
        ia += p.count;
      } else {
        onlyB += p.count;
        ib += p.count;
      }
    }
    if (onlyA || onlyB) processes.push({ index: i + 1, ...(pidA !== undefined ? { pidA } : {}), ...(pidB !== undefined ? { pidB } : {}), onlyA, onlyB, ...(unaligned ? { unaligned: true as const } : {}) });
  }
  if (!first) return { same: true, processes };
  const { at: _at, ...f } = first;
  return { same: false, first: f, processes };
}

const cut = (s: string, n = 200): string => (s.length > n ? `${s.slice(0, n)}...` : s);

/** The report socklab diff prints. */
export function formatDiff(d: TraceDiff, names: [string, string] = ['A', 'B'], shown = 5): string {
  if (d.same) return 'the traces do the same calls (after normalising pids, ports, pointers and times)\n';
  const f = d.first!;
  const who = (pa?: number, pb?: number): string => `process ${f.index}${pa !== undefined || pb !== undefined ? ` (pid ${pa ?? '-'} in ${names[0]}, pid ${pb ?? '-'} in ${names[1]})` : ''}`;
  const lines = [`first difference: ${who(f.pidA, f.pidB)}, call ${f.call}`];
  for (const c of f.context) lines.push(`    ${cut(c)}`);
  const side = (label: string, xs: string[], other: string): void => {
    if (!xs.length) lines.push(`  ${label}: (nothing here: ${other})`);
    xs.slice(0, shown).forEach((x, i) => lines.push(`  ${i === 0 ? label : ' '.repeat(label.length)}: ${cut(x)}`));
    if (xs.length > shown) lines.push(`  ${' '.repeat(label.length)}  ... ${xs.length - shown} more`);
  };
  side(`< ${names[0]}`, f.a, `${names[1]} has extra calls`);
  side(`> ${names[1]}`, f.b, `${names[0]} has extra calls`);
  lines.push('summary:');
  for (const p of d.processes) {
    lines.push(`  process ${p.index}${p.pidA !== undefined || p.pidB !== undefined ? ` (pid ${p.pidA ?? '-'} / ${p.pidB ?? '-'})` : ''}: ${p.onlyA} call(s) only in ${names[0]}, ${p.onlyB} only in ${names[1]}${p.unaligned ? ' (too different to align: counted from the first difference on)' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
