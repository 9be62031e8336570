#!/usr/bin/env node
// Prepares what the test suite needs: every C test program under tests/c
// built into wasm/tests/ (rebuilt only when its source changed), and the
// Debian tools some tests compare against, installed when missing.
import { readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { basename, join, relative } from 'node:path';
import { ensureBuilt } from '../dist/host/cli/guests.js';
import { packageRoot } from '../dist/host/toolchain/clang.js';

// Debian packages the suite compares against or drives: [command, package].
const DEBIAN = [
  ['gcc', 'gcc'], // native builds for the Linux comparisons
  ['tshark', 'tshark'], // reads the packet captures back
  ['curl', 'curl'], // a real HTTP client for the --net=real tests
  ['nc', 'netcat-openbsd'], // a real TCP/UDP peer for the --net=real tests
  ['redis-server', 'redis-server'], // the queue the distributed grading tests run through
];

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}
const missing = DEBIAN.filter(([cmd]) => !have(cmd)).map(([, pkg]) => pkg);
if (missing.length) {
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  console.log(`setup-tests: installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync(sudo.length ? sudo[0] : args[0], sudo.length ? [...sudo.slice(1), ...args] : args.slice(1), { stdio: 'inherit', env });
  run(['apt-get', 'update', '-qq']);
  const r = run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
  if (r.status !== 0) {
    console.error(`setup-tests: could not install ${missing.join(' ')}; install them and run again`);
    process.exit(1);
  }
}

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
// examples/grading holds assignment sources the grader builds itself.
const sources = [...walk(srcDir).sort(), ...walk(exDir).filter((f) => !f.startsWith(join(exDir, 'grading'))).sort()];
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
