// docs/assemblyscript.md (#14): its table names every call of the typed
// layer (guest/as/socklab/{socket,address,io,process}.ts), and the example program
// it gives for each socket type builds with `socklab build`.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './helpers.js';

const DOC = readFileSync(join(ROOT, 'docs', 'assemblyscript.md'), 'utf8');
const LIB = join(ROOT, 'guest', 'as', 'socklab');

/** The public functions, static and instance methods and getters of a library file. */
function calls(file: string): string[] {
  const src = readFileSync(join(LIB, file), 'utf8');
  const names = new Set<string>();
  for (const m of src.matchAll(/^export function (\w+)\(/gm)) names.add(m[1]!);
  for (const m of src.matchAll(/^ {2}(?:static |get )?(\w+)\(.*\)(?::.*)? \{$/gm)) if (!['constructor', 'if', 'for', 'while', 'switch'].includes(m[1]!)) names.add(m[1]!);
  for (const m of src.matchAll(/^ {2}private (\w+)\(/gm)) names.delete(m[1]!);
  names.delete('fromPtr'); // internal: the typed layer's own use
  names.delete('ptr');
  return [...names];
}

describe('docs/assemblyscript.md', () => {
  it('names every call of the typed layer, with its types', () => {
    const section = DOC.slice(DOC.indexOf('**Typed layer**'), DOC.indexOf('### One program per socket type'));
    const missing = ['socket.ts', 'address.ts', 'io.ts', 'process.ts'].flatMap((f) => calls(f).filter((n) => !new RegExp(`\\b${n}\\b`).test(section)).map((n) => `${f}: ${n}`));
    expect(missing).toEqual([]);
    for (const t of ['Uint8Array', 'Result<Received>', 'Result<Accepted>', 'SocketError', 'errnoName', 'r.unwrap(): T']) expect(section).toContain(t);
  });

  const examples = [...DOC.slice(DOC.indexOf('### One program per socket type')).matchAll(/\]\(\.\.\/(examples\/as\/[\w/-]+\.ts)\)/g)].map((m) => m[1]!);
  it('gives an example for TCP client, TCP server, UDP and AF_UNIX', () => {
    for (const k of ['TCP client', 'TCP server', 'UDP', 'AF_UNIX']) expect(DOC).toMatch(new RegExp(`\\| ${k} \\| \\[`));
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });

  it.each(examples)('%s builds with socklab build', (file) => {
    const out = join(tempDir('socklab-asdoc-'), 'x.wasm');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), 'build', join(ROOT, file), '-o', out], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(statSync(out).size).toBeGreaterThan(0);
  }, 120_000);
});
