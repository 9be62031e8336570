#!/usr/bin/env node
// Fetches what `socklab build --target=component` needs from
// @bytecodealliance/jco's npm tarball (pinned version, sha256-checked): the
// wasi_snapshot_preview1 command adapter and the WASI 0.2 WIT packages. Only
// those files are kept, under .cache/jco-<version>/ in the package (never in
// git). Full jco is not a dependency: it installs ~140 packages (~337 MB) for
// two files of ~200 KB.
//
// Run by npm's postinstall (a failure there is only a warning: building
// components is optional) and by the build on first use (a failure is fatal).
//   node scripts/fetch-jco-lib.js [--soft]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const JCO_VERSION = '1.35.0';
const TARBALL_SHA256 = '893e80e993a2cb3735e195a0c2dc3ab7d683877a813bb024a27499ee86e12b13';
// The WASI version of the adapter's imports; socklab's component host matches interfaces without their version.
export const WASI_VERSION = '0.2.12';
const WIT_PACKAGES = ['io', 'clocks', 'random', 'filesystem', 'sockets', 'cli'];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const libDir = join(root, '.cache', `jco-${JCO_VERSION}`);
const ADAPTER = 'wasi_snapshot_preview1.command.wasm';

/** The tarball's members we keep: path inside the tarball -> file name in libDir. */
function wanted() {
  const m = new Map([[`package/lib/${ADAPTER}`, ADAPTER]]);
  for (const p of WIT_PACKAGES) m.set(`package/lib/wit/builtin/${WASI_VERSION}/wasi-${p}/package.wit`, `wasi-${p}.wit`);
  return m;
}

/** Reads a ustar archive: yields [name, bytes] for each regular file. */
function* untar(buf) {
  for (let off = 0; off + 512 <= buf.length; ) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) return;
    const str = (a, n) => h.subarray(a, a + n).toString('latin1').replace(/\0.*$/s, '');
    const prefix = str(345, 155);
    const name = (prefix ? prefix + '/' : '') + str(0, 100);
    const size = parseInt(str(124, 12).trim() || '0', 8);
    const type = str(156, 1);
    off += 512;
    if (type === '0' || type === '') yield [name, buf.subarray(off, off + size)];
    off += Math.ceil(size / 512) * 512;
  }
}

export function haveLib() {
  return [...wanted().values()].every((f) => existsSync(join(libDir, f)));
}

export function fetchLib() {
  if (haveLib()) return libDir;
  const tmp = mkdtempSync(join(tmpdir(), 'socklab-jco-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['pack', `@bytecodealliance/jco@${JCO_VERSION}`, '--silent', '--pack-destination', tmp], { encoding: 'utf8', cwd: tmp });
    if (r.status !== 0) throw new Error(`npm pack @bytecodealliance/jco@${JCO_VERSION} failed: ${(r.stderr || r.error?.message || '').trim()}`);
    const file = join(tmp, r.stdout.trim().split('\n').pop());
    const tgz = readFileSync(file);
    const sum = createHash('sha256').update(tgz).digest('hex');
    if (sum !== TARBALL_SHA256) throw new Error(`@bytecodealliance/jco@${JCO_VERSION}: sha256 ${sum}, expected ${TARBALL_SHA256}`);
    const want = wanted();
    const stage = join(tmp, 'lib');
    mkdirSync(stage);
    for (const [name, data] of untar(gunzipSync(tgz))) {
      const to = want.get(name);
      if (to === undefined) continue;
      writeFileSync(join(stage, to), data);
      want.delete(name);
    }
    if (want.size) throw new Error(`@bytecodealliance/jco@${JCO_VERSION} lacks ${[...want.keys()].join(', ')}`);
    mkdirSync(dirname(libDir), { recursive: true });
    rmSync(libDir, { recursive: true, force: true });
    renameSync(stage, libDir);
    return libDir;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    fetchLib();
  } catch (e) {
    const soft = process.argv.includes('--soft');
    console.error(`socklab: ${e.message}${soft ? ' (only `socklab build --target=component` needs it; it retries on first use)' : ''}`);
    process.exit(soft ? 0 : 1);
  }
}
