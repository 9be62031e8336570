// The local headers a C source includes (`#include "x.h"` found beside the source or beside the header
// that names it, transitively), so a guest's build stamp changes when one of them is edited: the test
// programs share tests/c/test_tmp.h, tests/c/diff_errno.h and tests/c/tlpi/*.h.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const QUOTED_INCLUDE = /^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"/gm;
/** Bounds the walk: a stamp never reads a whole tree (or a huge file) because of a stray include. */
const MAX_HEADERS = 256;
const MAX_BYTES = 4 << 20;

/**
 * The existing files `source`'s quoted includes name, resolved as clang and gcc do first (the including
 * file's directory), each once, sorted. Names found nowhere beside the includer (the SDK's headers, or
 * `#if`-guarded includes of absent files) are left out: the SDK's headers are in the stamp already.
 */
export function localHeaders(source: string): string[] {
  const found = new Set<string>();
  const todo = [resolve(source)];
  while (todo.length && found.size < MAX_HEADERS) {
    const file = todo.pop()!;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(QUOTED_INCLUDE)) {
      const p = resolve(dirname(file), m[1]!);
      if (found.has(p) || !existsSync(p)) continue;
      const st = statSync(p);
      if (!st.isFile() || st.size > MAX_BYTES) continue;
      found.add(p);
      todo.push(p);
    }
  }
  return [...found].sort();
}
