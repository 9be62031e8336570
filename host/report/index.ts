// socklab's visual report: a JSONL trace (and optionally a pcap) as one
// self-contained HTML page (docs/tracing.md, "The visual report").
import { writeFileSync } from 'node:fs';
import { SYSCALLS } from '../syscalls.js';
import { Trace } from '../trace/api.js';
import { renderReport } from './html.js';
import { buildModel, type ReportModel } from './model.js';
import { readPcap } from './pcap.js';

export { PcapError } from './pcap.js';

/** strace name -> classes, from the syscall tables (the same data the trace filters use). */
function classes(): Map<string, readonly string[]> {
  const m = new Map<string, readonly string[]>();
  for (const d of SYSCALLS) if (!m.has(d.strace)) m.set(d.strace, d.classes);
  return m;
}

export interface ReportInput {
  /** The JSONL trace's text. */
  jsonl: string;
  pcap?: Uint8Array;
  names?: Map<number, string>;
  title?: string;
}

export function reportModel(i: ReportInput): ReportModel {
  const t = Trace.fromJsonl(i.jsonl);
  return buildModel(t.lines, { classes: classes(), ...(i.names ? { names: i.names } : {}), ...(i.title ? { title: i.title } : {}), ...(i.pcap ? { packets: readPcap(i.pcap) } : {}) });
}

export function writeReport(file: string, i: ReportInput): ReportModel {
  const m = reportModel(i);
  writeFileSync(file, renderReport(m));
  return m;
}
