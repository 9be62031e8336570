// socklab view TRACE.jsonl -o report.html, and run --report: the visual report (host/report).
import { closeSync, constants, fstatSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileKind, readUserFile, UserFileError } from '../fs/userfile.js';
import { PcapError, writeReport, type ReportModel } from '../report/index.js';
import { outputProblem } from './outfile.js';

const MAX_PCAP = 1 << 30;

function fail(text: string): number {
  process.stderr.write(`socklab view: ${text}\n`);
  return 2;
}

/**
 * The trace, opened for reading line by line (host/report/jsonl.ts): any size,
 * since the report never holds it whole. As host/fs/userfile.ts does: opened
 * O_NONBLOCK (a FIFO cannot hang us), the opened descriptor fstat'ed, and
 * anything but a regular file refused.
 */
function openTrace(path: string): number {
  const label = `trace ${path}`;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UserFileError(label, 'no such file', 'missing', path, code);
    if (code === 'EACCES' || code === 'EPERM') throw new UserFileError(label, 'permission denied', 'denied', path, code);
    if (code === 'ENXIO' || code === 'ENODEV' || code === 'EISDIR') throw new UserFileError(label, 'not a regular file', 'not-regular', path, code);
    throw new UserFileError(label, `cannot read it (${code ?? (e as Error).message})`, 'unreadable', path, code);
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw new UserFileError(label, `not a regular file (${fileKind(st)})`, 'not-regular', path);
  }
  return fd;
}

/** The trace's first non-blank character is "{" (a JSONL trace, not strace text). */
function looksJsonl(fd: number): boolean {
  const buf = Buffer.alloc(64 << 10);
  const got = readSync(fd, buf, 0, buf.length, 0);
  return buf.subarray(0, got).toString('latin1').trimStart().startsWith('{');
}

/** "socklab: report capped: ..." on stderr, once, when the page does not hold every call. */
function capNotice(m: ReportModel, keptTrace: string | undefined): void {
  const c = m.capped;
  if (!c) return;
  process.stderr.write(
    `socklab: report capped at ${c.shown} of ${c.total} calls${c.packets ? ` and ${c.packetsShown} of ${c.packets} packets` : ''} (first and last calls, failed calls, connection and datagram ends kept; --report-max-calls N to change); ` +
      `${keptTrace ? `the trace file ${keptTrace} has them all` : 'trace to a file (--trace-format jsonl --trace=FILE) to keep them all'}\n`,
  );
}

export function cmdView(trace: string, opts: { out?: string; pcap?: string; title?: string; maxCalls?: number }): number {
  if (!opts.out) return fail('needs -o REPORT.html');
  const why = outputProblem(opts.out, join(opts.out, 'report.html'));
  if (why) return fail(`-o: cannot write ${opts.out}: ${why}`);
  let fd: number;
  let pcap: Uint8Array | undefined;
  try {
    fd = openTrace(trace);
  } catch (e) {
    if (e instanceof UserFileError) return fail(e.message);
    throw e;
  }
  try {
    if (opts.pcap) pcap = readUserFile(opts.pcap, { maxBytes: MAX_PCAP, what: 'capture' });
    if (!looksJsonl(fd)) return fail(`${trace} is not a JSONL trace: record one with --trace-format jsonl --trace=FILE`);
    const m = writeReport(opts.out, { jsonl: { fd }, ...(pcap ? { pcap } : {}), title: opts.title ?? trace, keptTrace: trace, ...(opts.maxCalls ? { maxCalls: opts.maxCalls } : {}) });
    capNotice(m, trace);
    process.stderr.write(`socklab: report of ${m.marks.length} calls by ${m.lanes.length} process(es) written to ${opts.out}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UserFileError) return fail(e.message);
    if (e instanceof PcapError || e instanceof SyntaxError) return fail(e instanceof SyntaxError ? `${trace}: not valid JSONL (${e.message})` : `${opts.pcap}: ${e.message}`);
    throw e;
  } finally {
    closeSync(fd);
  }
}

/**
 * For run --report: where the run's JSONL trace goes (the user's own JSONL
 * file, or a temporary one), and how to write the report once it ended.
 */
export function reportSink(userJsonlFile: string | undefined, maxCalls?: number): { file: string; done(out: string, names: Map<number, string>, pcapFile: string | undefined, title: string): void } {
  const tmp = userJsonlFile ? undefined : mkdtempSync(join(tmpdir(), 'socklab-report-'));
  const file = userJsonlFile ?? join(tmp!, 'trace.jsonl');
  return {
    file,
    done(out, names, pcapFile, title) {
      const fd = openSync(file, 'r');
      try {
        let pcap: Uint8Array | undefined;
        try {
          if (pcapFile) pcap = readUserFile(pcapFile, { maxBytes: MAX_PCAP, what: 'capture' });
        } catch (e) {
          // A capture past the limit: the report of the calls is still worth having.
          if (!(e instanceof UserFileError)) throw e;
          process.stderr.write(`socklab: the report does not draw the packets: ${e.message}\n`);
        }
        const m = writeReport(out, { jsonl: { fd }, ...(pcap ? { pcap } : {}), names, title, ...(userJsonlFile ? { keptTrace: userJsonlFile } : {}), ...(maxCalls ? { maxCalls } : {}) });
        capNotice(m, userJsonlFile);
        process.stderr.write(`socklab: report of ${m.marks.length} calls written to ${out} (open it in a browser)\n`);
      } finally {
        closeSync(fd);
        if (tmp) rmSync(tmp, { recursive: true, force: true });
      }
    },
  };
}
