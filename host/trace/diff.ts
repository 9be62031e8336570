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
}

export interface DiffOptions {
  /** Calls of context shown before the first divergence (default 3). */
  context?: number;
  /** Compare only these calls (strace names), e.g. the socket calls a grader checks. */
  calls?: ReadonlySet<string>;
}

export interface ProcessDiff {
  /** Position of the process among the trace's processes (1 = first to appear). */
  index: number;
  pidA?: number;
  pidB?: number;
  onlyA: number;
  onlyB: number;
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
  const out: ParsedEvent[] = [];
  for (const l of text.split('\n')) {
    if (!l.trim().startsWith('{')) continue;
    const e = JSON.parse(l) as { pid: number; call?: string; args?: string[]; ret?: string; errno?: string; exit?: { code: number } | { signal: string } };
    if (e.exit) {
      const t = `+++ ${'code' in e.exit ? `exited with ${e.exit.code}` : `killed by ${e.exit.signal}`} +++`;
      out.push({ pid: e.pid, text: t, call: '+++', key: '' });
    } else if (e.call) {
      out.push({ pid: e.pid, text: `${e.call}(${(e.args ?? []).join(', ')}) = ${e.ret ?? '?'}${e.errno ? ` ${e.errno}` : ''}`, call: e.call, key: '' });
    }
  }
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
    if (body.startsWith('+++') || body.startsWith('---')) {
      out.push({ pid, text: body, call: body.slice(0, 3), key: '' });
      continue;
    }
    const c = /^(\w+)\(/.exec(body);
    if (c) out.push({ pid, text: body, call: c[1]!, key: '' });
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
  key(e: ParsedEvent): string {
    let t = e.text.replace(/\s+/g, ' ');
    // Ephemeral ports (Linux's 32768-60999), in addresses and in htons().
    t = t.replace(/(:|htons\()(3[2-9]\d{3}|[45]\d{4}|60\d{3})\b/g, (_, pre: string, port: string) => `${pre}${this.name('port', port)}`);
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
function byProcess(events: ParsedEvent[], calls: ReadonlySet<string> | undefined): Map<number, ParsedEvent[]> {
  const names = new Map<number, Normaliser>();
  const out = new Map<number, ParsedEvent[]>();
  for (const e of events) {
    if (calls && e.call !== '+++' && !calls.has(e.call)) continue;
    let n = names.get(e.pid);
    if (!n) names.set(e.pid, (n = new Normaliser()));
    e.key = n.key(e);
    let list = out.get(e.pid);
    if (!list) out.set(e.pid, (list = []));
    list.push(e);
  }
  return out;
}

/** Aligns two traces and finds where they first differ. */
export function diffTraces(a: ParsedEvent[], b: ParsedEvent[], opts: DiffOptions = {}): TraceDiff {
  const context = opts.context ?? 3;
  const pa = [...byProcess(a, opts.calls)];
  const pb = [...byProcess(b, opts.calls)];
  const order = new Map(a.map((e, i) => [e, i]));
  const processes: ProcessDiff[] = [];
  let first: (FirstDivergence & { at: number }) | undefined;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const [pidA, ea = []] = pa[i] ?? [undefined, []];
    const [pidB, eb = []] = pb[i] ?? [undefined, []];
    const parts = diffArrays(ea.map((e) => e.key), eb.map((e) => e.key));
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
        found = {
          index: i + 1, pidA, pidB, call: ia + 1,
          context: ea.slice(Math.max(0, ia - context), ia).map((e) => e.text),
          a: ea.slice(ia, ia + rem).map((e) => e.text),
          b: eb.slice(ib, ib + add).map((e) => e.text),
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
    if (onlyA || onlyB) processes.push({ index: i + 1, ...(pidA !== undefined ? { pidA } : {}), ...(pidB !== undefined ? { pidB } : {}), onlyA, onlyB });
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
    lines.push(`  process ${p.index}${p.pidA !== undefined || p.pidB !== undefined ? ` (pid ${p.pidA ?? '-'} / ${p.pidB ?? '-'})` : ''}: ${p.onlyA} call(s) only in ${names[0]}, ${p.onlyB} only in ${names[1]}`);
  }
  return `${lines.join('\n')}\n`;
}
