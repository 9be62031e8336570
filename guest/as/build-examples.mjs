#!/usr/bin/env node
// Builds every AssemblyScript example (examples/as/**/*.ts) into wasm/as/NAME.wasm
// with the options of asconfig.json, through the same buildAs the CLI uses
// (run `npm run build` first). Prints the compiler's diagnostics and exits 1
// when one fails.
import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAs } from '../../dist/host/toolchain/asc.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const walk = (d) => readdirSync(d).flatMap((n) => {
  const p = join(d, n);
  return statSync(p).isDirectory() ? walk(p) : n.endsWith('.ts') ? [p] : [];
});
let failed = 0;
for (const src of walk(join(root, 'examples', 'as')).sort()) {
  const out = join(root, 'wasm', 'as', `${basename(src, '.ts')}.wasm`);
  try {
    await buildAs({ source: src, out, stderr: (s) => process.stderr.write(s) });
    console.log(`${relative(root, src)} -> ${relative(root, out)}`);
  } catch (e) {
    failed++;
    console.error(`${relative(root, src)}:\n${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
