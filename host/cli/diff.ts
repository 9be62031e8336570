// socklab diff A B: the first call where two traces part ways (host/trace/diff.ts).
import { readUserText, UserFileError } from '../fs/userfile.js';
import { diffTraces, formatDiff, parseTrace } from '../trace/diff.js';
import { CallNameError, traceNames } from '../trace/names.js';

/** Largest trace socklab diff reads (a 100,000-call trace is about 20 MiB). */
const MAX_TRACE = 512 << 20;

export function cmdDiff(a: string, b: string, opts: { context?: number; calls?: string[] }): number {
  let ta: string;
  let tb: string;
  try {
    ta = readUserText(a, { maxBytes: MAX_TRACE, what: 'trace' });
    tb = readUserText(b, { maxBytes: MAX_TRACE, what: 'trace' });
  } catch (e) {
    if (e instanceof UserFileError) {
      process.stderr.write(`socklab diff: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  let calls: Set<string> | undefined;
  try {
    // libc's names or strace's: --calls write,recv compares writev and recvfrom too.
    calls = opts.calls ? new Set(opts.calls.flatMap((c) => [...traceNames(c)])) : undefined;
  } catch (e) {
    if (e instanceof CallNameError) {
      process.stderr.write(`socklab diff: --calls: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  // Two files without a call line (a module, a source, a log) would "do the same calls": refuse them instead.
  const parsed: ReturnType<typeof parseTrace>[] = [];
  for (const [file, text] of [[a, ta], [b, tb]] as const) {
    let events: ReturnType<typeof parseTrace> | undefined;
    try {
      events = parseTrace(text);
    } catch {
      // a line that starts as JSON and is not
    }
    if (!events?.length) {
      process.stderr.write(`socklab diff: ${file} is not a trace (no strace-style or JSONL call lines): record one with socklab run ... --trace=FILE\n`);
      return 2;
    }
    parsed.push(events);
  }
  const d = diffTraces(parsed[0]!, parsed[1]!, { ...(opts.context !== undefined ? { context: opts.context } : {}), ...(calls ? { calls } : {}) });
  process.stdout.write(formatDiff(d, [a, b]));
  return d.same ? 0 : 1;
}
