// A JSONL trace read line by line: from an open file (read in chunks, so a
// trace of millions of calls never sits in memory whole) or from a string.
import { readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { TraceLine } from '../trace/api.js';

/** Where the report reads its trace: the text, or an open regular file (read from its start; may be read twice). */
export type JsonlSource = { text: string } | { fd: number };

const CHUNK = 1 << 20;
/** A trace line is a few KiB at most (--trace-strsize bounds the arguments); a longer one is no trace. */
export const MAX_LINE = 16 << 20;

function parse(line: string, n: number): TraceLine {
  try {
    return JSON.parse(line) as TraceLine;
  } catch (e) {
    throw new SyntaxError(`line ${n}: ${(e as Error).message}`);
  }
}

/** Calls fn with each non-blank line, parsed, in file order. */
export function forEachLine(src: JsonlSource, fn: (l: TraceLine) => void): void {
  let n = 0;
  const each = (text: string, from: number, to: number): void => {
    n++;
    const line = text.slice(from, to);
    if (line.trim()) fn(parse(line, n));
  };
  if ('text' in src) {
    const t = src.text;
    let at = 0;
    for (let nl = t.indexOf('\n'); nl >= 0; at = nl + 1, nl = t.indexOf('\n', at)) each(t, at, nl);
    if (at < t.length) each(t, at, t.length);
    return;
  }
  const buf = Buffer.allocUnsafe(CHUNK);
  const dec = new StringDecoder('utf8');
  let rest = '';
  for (let pos = 0; ; ) {
    const got = readSync(src.fd, buf, 0, CHUNK, pos);
    if (got === 0) break;
    pos += got;
    const text = rest + dec.write(buf.subarray(0, got));
    let at = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; at = nl + 1, nl = text.indexOf('\n', at)) each(text, at, nl);
    rest = text.slice(at);
    if (rest.length > MAX_LINE) throw new SyntaxError(`line ${n + 1}: longer than ${MAX_LINE >> 20} MiB`);
  }
  rest += dec.end();
  if (rest) each(rest, 0, rest.length);
}
