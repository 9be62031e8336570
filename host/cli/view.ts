// socklab view TRACE.jsonl -o report.html, and run --report: the visual report (host/report).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readUserFile, readUserText, UserFileError } from '../fs/userfile.js';
import { PcapError, writeReport } from '../report/index.js';
import { outputProblem } from './outfile.js';

const MAX_TRACE = 1 << 30;
const MAX_PCAP = 1 << 30;

function fail(text: string): number {
  process.stderr.write(`socklab view: ${text}\n`);
  return 2;
}

export function cmdView(trace: string, opts: { out?: string; pcap?: string; title?: string }): number {
  if (!opts.out) return fail('needs -o REPORT.html');
  const why = outputProblem(opts.out, join(opts.out, 'report.html'));
  if (why) return fail(`-o: cannot write ${opts.out}: ${why}`);
  let jsonl: string;
  let pcap: Uint8Array | undefined;
  try {
    jsonl = readUserText(trace, { maxBytes: MAX_TRACE, what: 'trace' });
    if (opts.pcap) pcap = readUserFile(opts.pcap, { maxBytes: MAX_PCAP, what: 'capture' });
  } catch (e) {
    if (e instanceof UserFileError) return fail(e.message);
    throw e;
  }
  if (!jsonl.trimStart().startsWith('{')) return fail(`${trace} is not a JSONL trace: record one with --trace-format jsonl --trace=FILE`);
  try {
    const m = writeReport(opts.out, { jsonl, ...(pcap ? { pcap } : {}), title: opts.title ?? trace });
    process.stderr.write(`socklab: report of ${m.marks.length} calls by ${m.lanes.length} process(es) written to ${opts.out}\n`);
    return 0;
  } catch (e) {
    if (e instanceof PcapError || e instanceof SyntaxError) return fail(e instanceof SyntaxError ? `${trace}: not valid JSONL (${e.message})` : `${opts.pcap}: ${e.message}`);
    throw e;
  }
}

/**
 * For run --report: where the run's JSONL trace goes (the user's own JSONL
 * file, or a temporary one), and how to write the report once it ended.
 */
export function reportSink(userJsonlFile: string | undefined): { file: string; done(out: string, names: Map<number, string>, pcapFile: string | undefined, title: string): void } {
  const tmp = userJsonlFile ? undefined : mkdtempSync(join(tmpdir(), 'socklab-report-'));
  const file = userJsonlFile ?? join(tmp!, 'trace.jsonl');
  return {
    file,
    done(out, names, pcapFile, title) {
      try {
        const pcap = pcapFile ? readFileSync(pcapFile) : undefined;
        const m = writeReport(out, { jsonl: readFileSync(file, 'utf8'), ...(pcap ? { pcap } : {}), names, title });
        process.stderr.write(`socklab: report of ${m.marks.length} calls written to ${out} (open it in a browser)\n`);
      } finally {
        if (tmp) rmSync(tmp, { recursive: true, force: true });
      }
    },
  };
}
