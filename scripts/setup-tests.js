#!/usr/bin/env node
// Prepares what the test suite needs: every C test program under tests/c
// built into wasm/tests/ (rebuilt only when its source changed), and the
// Debian tools some tests compare against, installed when missing and possible.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { basename, join, relative } from 'node:path';
import { ensureBuilt } from '../dist/host/toolchain/guests.js';
import { findToolchain, packageRoot } from '../dist/host/toolchain/clang.js';
import { haveTool, installCommand, missingPackages } from './test-tools.js';

// The Debian tools some tests need (scripts/test-tools.js): installed when
// this user can (root, or sudo without a password). When it cannot, every
// other test still runs; the tests needing a missing tool fail, naming it,
// and the run ends with their list and the command that installs the tools
// (tests/tools.ts), so nothing passes by being skipped.
let missing = missingPackages();
if (missing.length) {
  const root = process.getuid?.() === 0;
  const canSudo = !root && haveTool('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (root || canSudo) {
    const sudo = root ? [] : ['sudo', '-n'];
    console.log(`setup-tests: installing Debian packages: ${missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const run = (args) => spawnSync(sudo.length ? sudo[0] : args[0], sudo.length ? [...sudo.slice(1), ...args] : args.slice(1), { stdio: 'inherit', env });
    run(['apt-get', 'update', '-qq']);
    run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
    missing = missingPackages();
  }
  if (missing.length) {
    console.error(
      `setup-tests: cannot install ${missing.join(' ')} (${root || canSudo ? 'apt-get failed' : 'not root, and sudo needs a password'}).\n` +
        `setup-tests: the tests needing them will fail, naming the tool; the others run. Install with:\n  ${installCommand(missing)}`,
    );
    // CI (.ci/run) installs everything and runs every test: there a missing tool stops the run.
    if (process.env.SOCKLAB_TEST_TOOLS === 'require') process.exit(1);
  }
}

// The native wasm32 toolchain (design decision 12): test guests build in a fraction of the time, and
// tests/toolchain.test.ts compares it with @yowasp/clang. Optional (without it guests build with
// @yowasp/clang, more slowly); not wanted with SOCKLAB_TOOLCHAIN=npm or a wasi-sdk.
const NATIVE_TOOLCHAIN = [
  ['clang-16', 'clang-16'],
  ['wasm-ld-16', 'lld-16'],
  ['/usr/lib/wasm32-wasi/libc.a', 'wasi-libc'],
  ['/usr/lib/llvm-16/lib/clang/16/lib/wasi/libclang_rt.builtins-wasm32.a', 'libclang-rt-16-dev-wasm32'],
];
const wantNative = process.env.SOCKLAB_TOOLCHAIN !== 'npm' && !process.env.WASI_SDK_PATH;
const missingNative = wantNative ? NATIVE_TOOLCHAIN.filter(([f]) => !(f.startsWith('/') ? existsSync(f) : haveTool(f))).map(([, pkg]) => pkg) : [];
if (missingNative.length) {
  const asRoot = process.getuid?.() === 0;
  const canSudo = !asRoot && haveTool('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => (asRoot ? spawnSync('apt-get', args, { stdio: 'inherit', env }) : spawnSync('sudo', ['-n', 'apt-get', ...args], { stdio: 'inherit', env }));
  if (asRoot || canSudo) {
    console.log(`setup-tests: installing the native wasm32 toolchain: ${missingNative.join(' ')}`);
    apt(['update', '-qq']);
    if (apt(['install', '-y', '-qq', '--no-install-recommends', ...missingNative]).status !== 0) {
      console.error(`setup-tests: WARNING: could not install ${missingNative.join(' ')}; test guests build with @yowasp/clang instead`);
    }
  } else console.error(`setup-tests: no native wasm32 toolchain (${installCommand(missingNative)}); test guests build with @yowasp/clang, more slowly`);
}
console.log(`setup-tests: C guests build with ${findToolchain().name}`);

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
