#!/usr/bin/env node
// Prepares what the test suite needs: every C test program under tests/c
// built into wasm/tests/ (rebuilt only when its source changed), and the
// Debian tools some tests compare against, installed when missing.
import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { ensureBuilt } from '../dist/host/cli/guests.js';
import { packageRoot } from '../dist/host/toolchain/clang.js';

const root = packageRoot();
const srcDir = join(root, 'tests', 'c');
const outDir = join(root, 'wasm', 'tests');

function walk(d) {
  return readdirSync(d).flatMap((n) => {
    const p = join(d, n);
    return statSync(p).isDirectory() ? walk(p) : n.endsWith('.c') ? [p] : [];
  });
}

// Test programs, and the examples (named examples_<file>) that tests also run.
const exDir = join(root, 'examples');
const sources = [...walk(srcDir).sort(), ...walk(exDir).sort()];
const t0 = Date.now();
let built = 0;
const failures = [];
for (const src of sources) {
  const name = src.startsWith(exDir) ? `examples_${basename(src, '.c')}` : relative(srcDir, src).replace(/\.c$/, '').replaceAll('/', '_');
  const out = join(outDir, `${name}.wasm`);
  const before = statSafe(out);
  try {
    await ensureBuilt([src], out);
  } catch (e) {
    failures.push(`${relative(root, src)}: ${e.message}`);
    continue;
  }
  if (statSafe(out) !== before) built++;
}
console.log(`setup-tests: ${sources.length} test guests ready (${built} rebuilt) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (failures.length) {
  console.error(`setup-tests: ${failures.length} test guest(s) failed to build:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}

function statSafe(p) {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return undefined;
  }
}
