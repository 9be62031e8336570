// socklab's visual report: a JSONL trace (and optionally a pcap) as one
// self-contained HTML page (docs/tracing.md, "The visual report").
import { writeFileSync } from 'node:fs';
import { SYSCALLS } from '../syscalls.js';
import type { TraceLine } from '../trace/api.js';
import type { TraceEvent } from '../trace/strace.js';
import { renderReport } from './html.js';
import { forEachLine, type JsonlSource } from './jsonl.js';
import { ModelBuilder, type ModelOptions, type ReportModel } from './model.js';
import { readPcap } from './pcap.js';

export { PcapError } from './pcap.js';
export type { ReportModel } from './model.js';

/** strace name -> classes, from the syscall tables (the same data the trace filters use). */
function classes(): Map<string, readonly string[]> {
  const m = new Map<string, readonly string[]>();
  for (const d of SYSCALLS) if (!m.has(d.strace)) m.set(d.strace, d.classes);
  return m;
}

/** How many calls a report holds by default (--report-max-calls): a 100,000-call page opens in about a second; past this the page and socklab's memory would grow with the guest. */
export const DEFAULT_MAX_CALLS = 200_000;

export interface ReportInput {
  /** The JSONL trace: its text, or an open regular file read from its start (line by line, twice when over the cap). */
  jsonl: string | { fd: number };
  pcap?: Uint8Array;
  names?: Map<number, string>;
  title?: string;
  /** The most calls the page holds (default DEFAULT_MAX_CALLS). */
  maxCalls?: number;
}

const SENDS_RECVS = /^(write|writev|send|sendto|sendmsg|pwritev|read|readv|recv|recvfrom|recvmsg|preadv)$/;
const failed = (e: TraceEvent): boolean => e.ret === '-1' || e.errno !== undefined;
/** A call at an end of a connection or datagram arrow. */
const arrowEnd = (e: TraceEvent): boolean => e.call === 'connect' || e.call === 'accept' || e.call === 'accept4' || (SENDS_RECVS.test(e.call) && /^\d+<UDP/.test(e.args[0] ?? ''));

/** What the first pass learns of a trace over the cap: enough to choose the calls to keep in the second. */
class Census {
  calls = 0;
  failed = 0;
  ends = 0;
  readonly perPid = new Map<number, number>();
  add(l: TraceLine): void {
    if (!('call' in l)) return;
    const e = l as TraceEvent;
    this.calls++;
    this.perPid.set(e.pid, (this.perPid.get(e.pid) ?? 0) + 1);
    if (failed(e)) this.failed++;
    if (arrowEnd(e)) this.ends++;
  }

  /**
   * Which calls a capped report keeps, at most `max`: a quarter for the last
   * calls of each process (shared evenly), up to a quarter for failed calls,
   * up to a quarter for connection and datagram ends (the first ones of each
   * when there are more), and the rest for the first calls of the trace.
   */
  plan(max: number): { keep(l: TraceLine): boolean; allEnds: boolean } {
    const failBudget = Math.min(this.failed, Math.floor(max / 4));
    const endBudget = Math.min(this.ends, Math.floor(max / 4));
    const tail = Math.floor(max / 4 / Math.max(1, this.perPid.size));
    const head = max - failBudget - endBudget - tail * this.perPid.size;
    const seen = new Map<number, number>();
    let i = 0;
    let fails = 0;
    let ends = 0;
    return {
      allEnds: endBudget === this.ends,
      keep: (l) => {
        if (!('call' in l)) return true;
        const e = l as TraceEvent;
        const k = seen.get(e.pid) ?? 0;
        seen.set(e.pid, k + 1);
        if (i++ < head || k >= this.perPid.get(e.pid)! - tail) return true;
        if (fails < failBudget && failed(e)) return ++fails > 0;
        if (ends < endBudget && arrowEnd(e)) return ++ends > 0;
        return false;
      },
    };
  }
}

export function reportModel(i: ReportInput): ReportModel {
  const src: JsonlSource = typeof i.jsonl === 'string' ? { text: i.jsonl } : i.jsonl;
  const max = i.maxCalls ?? DEFAULT_MAX_CALLS;
  const opts: ModelOptions = { classes: classes(), ...(i.names ? { names: i.names } : {}), ...(i.title ? { title: i.title } : {}), ...(i.pcap ? { packets: readPcap(i.pcap), maxPackets: max } : {}) };
  // First pass: the whole model while the trace fits, a count of its calls once it does not.
  const census = new Census();
  let whole: ModelBuilder | undefined = new ModelBuilder(opts);
  forEachLine(src, (l) => {
    census.add(l);
    if (census.calls > max) whole = undefined;
    whole?.add(l);
  });
  if (whole) return (whole as ModelBuilder).finish();
  // Second pass: only the calls the plan keeps become marks.
  const plan = census.plan(max);
  const b = new ModelBuilder(opts);
  forEachLine(src, (l) => b.add(l, plan.keep(l)));
  return b.finish({ total: census.calls, allEnds: plan.allEnds });
}

/** `keptTrace`: the file that holds the whole trace, named in the page when the report is capped. */
export function writeReport(file: string, i: ReportInput & { keptTrace?: string }): ReportModel {
  const m = reportModel(i);
  writeFileSync(file, renderReport(m, i.keptTrace));
  return m;
}
